import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CHART_DIR, HelmResult, K8sObject, findObject, guideManifest, helm, helmAsync, renderChart, schemaErrors } from '../support/helm';
import { casesFor } from '../families/families';
import { HELM3, PROJECT_ROOT } from '../support/tools';

const MULTUS_IMAGE = 'gcr.io/gke-release/multus-cni:v4.2.1-gke.6@sha256:25b48b8dbbf6c78a10452836f52dee456514783565b70633a168a39e6d322310';
const WHEREABOUTS_IMAGE = 'gcr.io/gke-release/whereabouts:v0.7.0-gke.3@sha256:2bb8450a99d86c73b262f5ccd8c433d3e3abf17d36ee5c3bf1056a1fe479e8c2';
const TEST_IMAGE = 'mirror.gcr.io/library/busybox:1.37.0-musl@sha256:fc6dddc4c44b1bfe37f41cae8e67d1693828e8f42a91862816d7953e2c9d3f23';

const twoNetworks = {
  networks: [
    { name: 'dataplane', namespace: 'default', master: 'eth1', mode: 'l2', range: '172.16.1.0/24' },
    {
      name: 'storage',
      namespace: 'storage',
      master: 'eth2',
      mode: 'l2',
      range: '172.16.2.0/24',
      exclude: ['172.16.2.0/30'],
      rangeStart: '172.16.2.10',
      rangeEnd: '172.16.2.200',
    },
  ],
};

/** The DaemonSet rollout of the chart (see the chart README) and the guide's, which it replaces. */
const CHART_UPDATE_STRATEGY = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } };
const GUIDE_UPDATE_STRATEGY = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } };
/** The guide's order of the init containers, which the chart changes (its README says why). */
const GUIDE_INIT_ORDER = ['install-multus-config', 'install-whereabouts', 'install-binary'];

/**
 * What the chart changes on purpose in the guide's objects (listed in the chart README): the standard
 * app.kubernetes.io/* and helm.sh/chart labels, the checksum annotation that rolls the DaemonSet when the Multus
 * config changes, the DaemonSet's surge rollout, and its init containers' order. Undoing exactly these must give back
 * the guide's object.
 */
function withoutChartAdditions(obj: K8sObject): K8sObject {
  const copy = structuredClone(obj);
  if (copy.kind === 'DaemonSet') {
    expect(copy.spec.updateStrategy).toEqual(CHART_UPDATE_STRATEGY);
    copy.spec.updateStrategy = GUIDE_UPDATE_STRATEGY;
    // The chart writes Multus's configuration last; the guide writes it first.
    const init = copy.spec.template.spec.initContainers as K8sObject[];
    copy.spec.template.spec.initContainers = GUIDE_INIT_ORDER.map((name) => init.find((c) => c.name === name));
  }
  const stripLabels = (meta: K8sObject | undefined) => {
    if (!meta?.labels) return;
    for (const key of Object.keys(meta.labels)) if (key.startsWith('app.kubernetes.io/') || key === 'helm.sh/chart') delete meta.labels[key];
    if (Object.keys(meta.labels).length === 0) delete meta.labels;
  };
  stripLabels(copy.metadata);
  if (copy.spec?.template?.metadata) {
    stripLabels(copy.spec.template.metadata);
    delete copy.spec.template.metadata.annotations?.['checksum/multus-config'];
    if (copy.spec.template.metadata.annotations && Object.keys(copy.spec.template.metadata.annotations).length === 0) delete copy.spec.template.metadata.annotations;
  }
  return copy;
}

describe('chart lint', () => {
  test('passes helm lint --strict with default values', () => {
    const result = helm(['lint', '--strict', CHART_DIR]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('0 chart(s) failed');
  });

  test('passes helm lint --strict with two networks', () => {
    const result = helm(['lint', '--strict', CHART_DIR], twoNetworks);
    expect(result.stdout).toContain('0 chart(s) failed');
  });
});

describe('Helm 3 compatibility (the Terraform helm provider embeds the Helm 3 SDK)', () => {
  test('reports Helm 3', () => {
    expect(helm(['version', '--short'], undefined, HELM3).stdout).toMatch(/^v3\./);
  });

  test('passes helm 3 lint --strict with two networks', () => {
    expect(helm(['lint', '--strict', CHART_DIR], twoNetworks, HELM3).stdout).toContain('0 chart(s) failed');
  });

  test('renders with Helm 3 exactly what Helm 4 renders', () => {
    expect(renderChart(twoNetworks, CHART_DIR, [], HELM3)).toEqual(renderChart(twoNetworks));
  });

  test('rejects bad values with Helm 3 too, naming the field', () => {
    const result = helm(['template', 'multinet', CHART_DIR], { networks: [{ name: 'dataplane', master: 'eth1', range: 'not-a-cidr', mode: 'l4' }] }, HELM3);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('networks.0.mode must be one of the following: "l2"');
    expect(result.stderr).toContain('networks.0.range: Does not match pattern');
  });
});

describe('default render: the guide, object by object', () => {
  const rendered = renderChart();
  const guide = guideManifest();

  test('renders exactly the guide objects (kind, name, namespace) and nothing else', () => {
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(rendered.map(key).sort()).toEqual(guide.map(key).sort());
  });

  test.each(guideManifest().map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    '%s equals the guide once the chart labels are removed',
    (_, expected) => {
      expect(withoutChartAdditions(findObject(rendered, expected.kind, expected.metadata.name))).toEqual(expected);
    },
  );

  test('labels every object with the app.kubernetes.io labels', () => {
    for (const obj of rendered.filter((o) => o.kind !== 'CustomResourceDefinition')) {
      expect(obj.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'multus-whereabouts',
        'app.kubernetes.io/instance': 'multinet',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/version': 'v4.2.1-gke.6',
      });
    }
  });

  describe('DaemonSet gke-multinet', () => {
    const ds = findObject(rendered, 'DaemonSet', 'gke-multinet');
    const pod = ds.spec.template.spec;
    const container = (name: string) => [...pod.containers, ...pod.initContainers].find((c: K8sObject) => c.name === name);

    test('lives in kube-system and keeps the guide selector', () => {
      expect(ds.metadata.namespace).toBe('kube-system');
      expect(ds.spec.selector).toEqual({ matchLabels: { app: 'gke-multinet' } });
      expect(ds.spec.template.metadata.labels.app).toBe('gke-multinet');
    });

    test('uses the GKE builds of Multus and Whereabouts pinned by digest', () => {
      expect(container('install-multus-config').image).toBe(MULTUS_IMAGE);
      expect(container('install-binary').image).toBe(MULTUS_IMAGE);
      expect(container('install-whereabouts').image).toBe(WHEREABOUTS_IMAGE);
      expect(container('whereabouts-gc').image).toBe(WHEREABOUTS_IMAGE);
    });

    test('makes Multus the default network last: its binaries and Whereabouts first, then its configuration', () => {
      // An init container that fails stops the ones after it: with 00-multus.conf written last, a failed copy or pull
      // leaves the node on GKE's own CNI (pods start with eth0) instead of a default network whose binary is missing.
      expect(pod.initContainers.map((c: K8sObject) => c.name)).toEqual(['install-binary', 'install-whereabouts', 'install-multus-config']);
      expect(pod.initContainers.at(-1).args).toContain('--multus-conf-file=/tmp/multus-conf/00-multus.conf');
      expect(pod.containers.map((c: K8sObject) => c.name)).toEqual(['whereabouts-gc']);
    });

    test('passes the guide arguments to install-multus-config', () => {
      expect(container('install-multus-config').args).toEqual([
        '--cni-conf-dir=/host/etc/cni/net.d',
        '--multus-conf-file=/tmp/multus-conf/00-multus.conf',
        '--multus-log-level=verbose',
        '--multus-kubeconfig-file-host=/var/lib/kubelet/kubeconfig',
        '--skip-multus-binary-copy=true',
        '--skip-config-watch=true',
      ]);
    });

    test('installs whereabouts and copies the binaries as the guide does', () => {
      expect(container('install-whereabouts')).toMatchObject({ command: ['/bin/sh'], args: ['-c', 'SLEEP=false /install-cni.sh\n'] });
      expect(container('install-binary')).toMatchObject({ command: ['/gkecmd'], args: ['-operation=copy', '-cni-bin-dir=/host/opt/cni/bin'] });
    });

    test('runs the IP reconciler with the GKE-build flags', () => {
      expect(container('whereabouts-gc')).toMatchObject({
        command: ['/ip-control-loop'],
        args: ['--log-level=debug', '--enable-pod-watch=false', '--cron-schedule=* * * * *'],
      });
    });

    test('mounts GKE COS host paths: /etc/cni/net.d and /home/kubernetes/bin', () => {
      const hostPaths = Object.fromEntries(pod.volumes.filter((v: K8sObject) => v.hostPath).map((v: K8sObject) => [v.name, v.hostPath]));
      expect(hostPaths).toEqual({
        'kubelet-credentials': { path: '/var/lib/kubelet/kubeconfig', type: 'File' },
        cni: { path: '/etc/cni/net.d', type: 'DirectoryOrCreate' },
        cnibin: { path: '/home/kubernetes/bin', type: 'DirectoryOrCreate' },
      });
    });

    test('keeps the guide resources, privileges and scheduling', () => {
      expect(container('install-binary').resources).toEqual({ requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '10m', memory: '100Mi' } });
      expect(container('whereabouts-gc').resources).toEqual({ requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '100m', memory: '50Mi' } });
      for (const name of ['install-multus-config', 'install-whereabouts', 'install-binary']) expect(container(name).securityContext).toEqual({ privileged: true });
      expect(pod).toMatchObject({ priorityClassName: 'system-node-critical', hostNetwork: true, tolerations: [{ operator: 'Exists' }], serviceAccountName: 'whereabouts-sa' });
    });

    test('rolls out two nodes at a time like the guide, but never leaves a node without a ready Multus pod', () => {
      // maxUnavailable 0 also makes `helm --wait` (and helm_release) wait for every node: Helm 3 counts a DaemonSet
      // ready at desired - maxUnavailable ready pods, so the guide's 2 let it wait for none on a two-node cluster.
      expect(ds.spec.updateStrategy).toEqual(CHART_UPDATE_STRATEGY);
    });

    test('rolls the pods when the Multus configuration changes', () => {
      const changed = findObject(renderChart({ multus: { logLevel: 'debug' } }), 'DaemonSet', 'gke-multinet');
      expect(changed.spec.template.metadata.annotations['checksum/multus-config']).not.toBe(ds.spec.template.metadata.annotations['checksum/multus-config']);
    });
  });

  test('writes the guide Multus configuration, byte for byte', () => {
    const guideConfig = findObject(guide, 'ConfigMap', 'multus-cni-config').data['cni-conf.json'];
    const config = findObject(rendered, 'ConfigMap', 'multus-cni-config').data['cni-conf.json'];
    expect(config).toBe(guideConfig);
    expect(JSON.parse(config)).toEqual({
      name: 'multus-cni-network',
      type: 'multus',
      confDir: '/etc/cni/net.d',
      namespaceIsolation: true,
      logLevel: 'verbose',
      logFile: '/var/log/multus.log',
      kubeconfig: '/var/lib/kubelet/kubeconfig',
      clusterNetwork: 'gke-pod-network',
    });
  });

  test('grants Multus (as system:nodes) everything in k8s.cni.cncf.io', () => {
    expect(findObject(rendered, 'ClusterRole', 'multus-role').rules).toEqual([{ apiGroups: ['k8s.cni.cncf.io'], resources: ['*'], verbs: ['*'] }]);
    expect(findObject(rendered, 'ClusterRoleBinding', 'multus-role-binding')).toMatchObject({
      subjects: [{ kind: 'Group', name: 'system:nodes' }],
      roleRef: { kind: 'ClusterRole', name: 'multus-role' },
    });
  });

  test('grants Whereabouts its pools, its lease and read access to pods', () => {
    expect(findObject(rendered, 'ClusterRole', 'whereabouts').rules).toEqual([
      {
        apiGroups: ['whereabouts.cni.cncf.io'],
        resources: ['ippools', 'overlappingrangeipreservations'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['whereabouts'], verbs: ['*'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'get'] },
    ]);
    expect(findObject(rendered, 'ClusterRoleBinding', 'whereabouts-role-binding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'whereabouts-sa', namespace: 'kube-system' },
    ]);
  });

  test.each(['ippools.whereabouts.cni.cncf.io', 'overlappingrangeipreservations.whereabouts.cni.cncf.io', 'network-attachment-definitions.k8s.cni.cncf.io'])(
    'ships the CRD %s with the guide schema',
    (name) => {
      const versions = (o: K8sObject) => o.spec.versions.map((v: K8sObject) => [v.name, v.served, v.storage, v.schema.openAPIV3Schema]);
      expect(versions(findObject(rendered, 'CustomResourceDefinition', name))).toEqual(versions(findObject(guide, 'CustomResourceDefinition', name)));
    },
  );

  test('keeps the CRDs in crds/ so upgrades and uninstalls never delete them', () => {
    const templates = helm(['template', 'multinet', CHART_DIR]).stdout;
    expect(templates).not.toContain('kind: CustomResourceDefinition');
    expect(helm(['show', 'crds', CHART_DIR]).stdout.match(/kind: CustomResourceDefinition/g)).toHaveLength(3);
  });

  test('validates every object against the Kubernetes OpenAPI schema', () => {
    expect(schemaErrors(rendered)).toEqual([]);
  });

  test('keeps the chart version out of the DaemonSet pod template: a chart release that changes nothing they run restarts no node\'s Multus', () => {
    const daemonSet = rendered.find((o) => o.kind === 'DaemonSet')!;
    expect(daemonSet.metadata.labels['helm.sh/chart']).toMatch(/^multus-whereabouts-/);
    expect(daemonSet.spec.template.metadata.labels).not.toHaveProperty('helm.sh/chart');
    expect(daemonSet.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'multus-whereabouts', 'app.kubernetes.io/part-of': 'gke-multinet' });
  });
});

describe('NetworkAttachmentDefinitions from values', () => {
  const rendered = renderChart(twoNetworks);
  const nads = rendered.filter((o) => o.kind === 'NetworkAttachmentDefinition');

  test('renders none by default', () => {
    expect(renderChart().filter((o) => o.kind === 'NetworkAttachmentDefinition')).toEqual([]);
  });

  test('renders one per network, in its namespace, and no attachment of its own for the tests', () => {
    expect(nads.map((n) => `${n.metadata.namespace}/${n.metadata.name}`)).toEqual(['default/dataplane', 'storage/storage']);
  });

  test.each([
    ['172.16.1.5/24', 'networks: dataplane: range "172.16.1.5/24" has host bits set (did you mean 172.16.1.0/24?)'],
    ['10.9.0.0/8', 'networks: dataplane: range "10.9.0.0/8" has host bits set (did you mean 10.0.0.0/8?)'],
    ['192.168.7.4/22', 'networks: dataplane: range "192.168.7.4/22" has host bits set (did you mean 192.168.4.0/22?)'],
  ])('refuses the range %s, naming it, so no address outside the range is ever rendered', (range, message) => {
    const result = helm(['template', 't', CHART_DIR, '--set', `networks[0].name=dataplane,networks[0].master=eth1,networks[0].range=${range}`]);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(message);
  });

  const config = (name: string) => JSON.parse(findObject(nads, 'NetworkAttachmentDefinition', name).spec.config);

  test('builds the guide CNI config with the range CIDR (not its name) as valid JSON', () => {
    expect(config('dataplane')).toEqual({
      cniVersion: '0.3.1',
      plugins: [
        { type: 'ipvlan', master: 'eth1', mode: 'l2', ipam: { type: 'whereabouts', range: '172.16.1.0/24' } },
      ],
    });
  });

  test('adds range_start and range_end only when set, and keeps the exclusions given', () => {
    expect(config('storage')).toEqual({
      cniVersion: '0.3.1',
      plugins: [
        {
          type: 'ipvlan',
          master: 'eth2',
          mode: 'l2',
          ipam: {
            type: 'whereabouts',
            range: '172.16.2.0/24',
            exclude: ['172.16.2.0/30'],
            range_start: '172.16.2.10',
            range_end: '172.16.2.200',
          },
        },
      ],
    });
  });

  test("is the guide's nad.yaml once its mistake is fixed (the range name, unquoted, becomes the quoted CIDR)", () => {
    // Read as text: the guide's file is not strict YAML either (its quoted scalar closes at the key's indentation).
    const guideConfig = /config: '([\s\S]*)'/.exec(readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'guide', 'nad.yaml'), 'utf8'))![1];
    expect(() => JSON.parse(guideConfig)).toThrow();
    const fixed = JSON.parse(guideConfig.replace('SECONDARY_RANGE_NAME', '"172.16.1.0/24"'));
    expect(config('dataplane')).toEqual(fixed);
  });

  test('defaults the namespace to default and the mode to l2', () => {
    const [nad] = renderChart({ networks: [{ name: 'dataplane', master: 'eth1', range: '172.16.1.0/24' }] }).filter((o) => o.kind === 'NetworkAttachmentDefinition');
    expect(nad.metadata.namespace).toBe('default');
    expect(JSON.parse(nad.spec.config).plugins[0].mode).toBe('l2');
  });

  test('validates every NAD against the NAD CRD schema and every other object against Kubernetes', () => {
    expect(schemaErrors(rendered)).toEqual([]);
  });
});

describe('node-block networks', () => {
  const values = {
    networks: [
      { name: 'dataplane', namespace: 'default', master: 'eth1', range: '172.16.1.0/24' },
      { name: 'fast', namespace: 'default', master: 'eth2', mode: 'l2', range: '172.16.2.0/24', ipam: 'node-block', nodeBlockPrefix: 28 },
    ],
  };
  const rendered = renderChart(values);
  const daemonset = findObject(rendered, 'DaemonSet', 'gke-multinet');
  const writer = () => daemonset.spec.template.spec.initContainers.find((c: K8sObject) => c.name === 'write-node-block-config');

  test('renders the attachment without spec.config, so Multus loads the CNI file of that name on each node', () => {
    const nad = findObject(rendered, 'NetworkAttachmentDefinition', 'fast');
    expect(nad.spec).toEqual({});
    expect(nad.metadata.annotations).toEqual({ 'gke-multinet/ipam': 'node-block' });
    expect(JSON.parse(findObject(rendered, 'NetworkAttachmentDefinition', 'dataplane').spec.config).plugins[0].ipam.type).toBe('whereabouts');
  });

  test('writes the CNI files in an init container of the Multus DaemonSet before 00-multus.conf, so Multus is the default only once they exist', () => {
    const names = daemonset.spec.template.spec.initContainers.map((c: K8sObject) => c.name);
    expect(names).toEqual(['install-binary', 'install-whereabouts', 'write-node-block-config', 'install-multus-config']);
    const first = writer();
    // With tests.reportNodeBlocks (the default), the whereabouts network's block is recorded too.
    expect(first.env).toContainEqual({ name: 'NETWORKS', value: 'dataplane eth1 l2 172.16.1.0/24 whereabouts\nfast eth2 l2 172.16.2.0/24 node-block' });
    expect(first.env).toContainEqual({ name: 'RECORD_DIR', value: '/host/node-blocks' });
    expect(first.volumeMounts).toEqual([{ name: 'cni', mountPath: '/host/etc/cni/net.d' }, { name: 'node-blocks', mountPath: '/host/node-blocks' }]);
    expect(daemonset.spec.template.spec.volumes).toContainEqual({ name: 'node-blocks', hostPath: { path: '/var/lib/gke-multinet/node-blocks', type: 'DirectoryOrCreate' } });
    expect(first.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(daemonset.spec.template.spec.hostNetwork).toBe(true);
  });

  test('runs the shared library and the script shipped in the chart, in BusyBox pinned by digest', () => {
    const first = writer();
    expect(first.image).toBe('mirror.gcr.io/library/busybox:1.37.0-musl@sha256:fc6dddc4c44b1bfe37f41cae8e67d1693828e8f42a91862816d7953e2c9d3f23');
    const lib = readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8');
    expect(first.command).toEqual(['/bin/sh', '-c', `${lib}\n${readFileSync(path.join(CHART_DIR, 'files', 'write-node-block-config.sh'), 'utf8')}`]);
  });

  test('renders no such init container when no network is node-block and tests.reportNodeBlocks is false', () => {
    const plain = findObject(renderChart({ networks: [values.networks[0]], tests: { reportNodeBlocks: false } }), 'DaemonSet', 'gke-multinet');
    expect(plain.spec.template.spec.initContainers.map((c: K8sObject) => c.name)).toEqual(['install-binary', 'install-whereabouts', 'install-multus-config']);
    expect(plain.spec.template.spec.volumes.map((v: K8sObject) => v.name)).not.toContain('node-blocks');
  });

  test('records the blocks of whereabouts networks too, for the cross-node test, when tests.reportNodeBlocks is on (the default)', () => {
    const plain = findObject(renderChart({ networks: [values.networks[0]] }), 'DaemonSet', 'gke-multinet');
    const init = plain.spec.template.spec.initContainers as K8sObject[];
    expect(init.map((c) => c.name)).toEqual(['install-binary', 'install-whereabouts', 'write-node-block-config', 'install-multus-config']);
    expect(init[2].env).toContainEqual({ name: 'NETWORKS', value: 'dataplane eth1 l2 172.16.1.0/24 whereabouts' });
  });

  test("tells the cross-node test the node block's prefix, and runs it through the same attachment", () => {
    const job = findObject(rendered, 'Job', 'fast-cross-node-test');
    expect(job.spec.template.metadata.annotations).toEqual({ 'k8s.v1.cni.cncf.io/networks': 'default/fast' });
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'NODE_BLOCK_PREFIX', value: '28' });
    expect(findObject(rendered, 'Job', 'dataplane-cross-node-test').spec.template.spec.containers[0].env.map((e: K8sObject) => e.name)).not.toContain('NODE_BLOCK_PREFIX');
  });

  test('validates against the Kubernetes and NAD CRD schemas', () => {
    expect(schemaErrors(rendered)).toEqual([]);
  });

  test.each([
    ['5g-core', "at '/networks/0/name': '5g-core' does not match pattern '^[a-z]([-a-z0-9]*[a-z0-9])?$'"],
    ['n'.repeat(46), "at '/networks/0/name': maxLength: got 46, want 45"],
  ])('refuses a network name %s that would name test objects Kubernetes refuses', (name, message) => {
    const result = helm(['template', 't', CHART_DIR, '--set', `networks[0].name=${name},networks[0].master=eth1,networks[0].range=172.16.1.0/24`]);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(message);
  });

  test('rejects an ipam the chart does not know', () => {
    const result = helm(['template', 't', CHART_DIR, '--set', 'networks[0].name=n,networks[0].master=eth1,networks[0].range=172.16.1.0/24,networks[0].ipam=dhcp']);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('/networks/0/ipam');
  });

  test('requires the node block prefix of a node-block network, naming it', () => {
    const result = helm(['template', 't', CHART_DIR, '--set', 'networks[0].name=n,networks[0].master=eth1,networks[0].range=172.16.1.0/24,networks[0].ipam=node-block']);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('networks: n: nodeBlockPrefix (the prefix of each node\'s alias block) is required with ipam node-block');
  });
});

describe('values.schema.json rejects bad values', () => {
  const network = { name: 'dataplane', master: 'eth1', range: '172.16.1.0/24' };
  const templateWith = (values: unknown) => helm(['template', 'multinet', CHART_DIR], values);

  test('rejects IPVLAN mode l4', () => {
    const result = templateWith({ networks: [{ ...network, mode: 'l4' }] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("at '/networks/0/mode': value must be 'l2'");
  });

  test('rejects a range that is not a CIDR', () => {
    const result = templateWith({ networks: [{ ...network, range: 'not-a-cidr' }] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("at '/networks/0/range': 'not-a-cidr' does not match pattern");
  });

  test('rejects a NAD name with capitals', () => {
    const result = templateWith({ networks: [{ ...network, name: 'DataPlane' }] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("at '/networks/0/name': 'DataPlane' does not match pattern");
  });

  test('rejects an unknown key', () => {
    const result = templateWith({ networks: [{ ...network, rnage: '172.16.1.0/24' }] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("at '/networks/0': additional properties 'rnage' not allowed");
  });

  test('rejects an unknown top-level key', () => {
    const result = templateWith({ network: [network] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("additional properties 'network' not allowed");
  });

  test('rejects a network without master', () => {
    const result = templateWith({ networks: [{ name: 'dataplane', range: '172.16.1.0/24' }] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("at '/networks/0': missing property 'master'");
  });

  test('rejects an excluded range that is not a CIDR', () => {
    const result = templateWith({ networks: [{ ...network, exclude: ['172.16.1.1'] }] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("at '/networks/0/exclude/0': '172.16.1.1' does not match pattern");
  });
});

describe('configurable through values', () => {
  test('overrides images, log levels and the gc schedule', () => {
    const ds = findObject(
      renderChart({
        multus: { image: { registry: 'europe-docker.pkg.dev', repository: 'mirror/multus', tag: 'v4.2.1', digest: '' }, logLevel: 'error' },
        whereabouts: { logLevel: 'verbose', gcSchedule: '*/5 * * * *' },
      }),
      'DaemonSet',
      'gke-multinet',
    );
    const config = ds.spec.template.spec.initContainers.find((c: K8sObject) => c.name === 'install-multus-config');
    expect(config.image).toBe('europe-docker.pkg.dev/mirror/multus:v4.2.1');
    expect(config.args).toContain('--multus-log-level=error');
    expect(ds.spec.template.spec.containers[0].args).toEqual(['--log-level=verbose', '--enable-pod-watch=false', '--cron-schedule=*/5 * * * *']);
  });

  test('overrides tolerations, node selector and resources', () => {
    const ds = findObject(
      renderChart({
        daemonset: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'net', effect: 'NoSchedule' }], nodeSelector: { pool: 'multinet' } },
        whereabouts: { gcResources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } } },
      }),
      'DaemonSet',
      'gke-multinet',
    );
    expect(ds.spec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'net', effect: 'NoSchedule' }]);
    expect(ds.spec.template.spec.nodeSelector).toEqual({ pool: 'multinet' });
    expect(ds.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } });
  });
});

describe('helm test', () => {
  const rendered = renderChart(twoNetworks);
  const hooks = rendered.filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
  const jobs = hooks.filter((o) => o.kind === 'Job');
  const job = (name: string) => findObject(jobs, 'Job', name);
  const env = (j: K8sObject) => Object.fromEntries(j.spec.template.spec.containers[0].env.filter((e: K8sObject) => 'value' in e).map((e: K8sObject) => [e.name, e.value]));
  const script = (name: string) => `${readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8')}\n${readFileSync(path.join(CHART_DIR, 'files', name), 'utf8')}`;

  test('runs two test Jobs per network, in the network namespace, with the cross-node test\'s Service, and no bare Pod', () => {
    expect(hooks.filter((o) => o.kind !== 'Job').map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Service default/dataplane-cross-node-test',
      'Service storage/storage-cross-node-test',
    ]);
    expect(jobs.map((j) => `${j.kind} ${j.metadata.namespace}/${j.metadata.name}`)).toEqual([
      'Job default/dataplane-attachment-test',
      'Job storage/storage-attachment-test',
      'Job default/dataplane-cross-node-test',
      'Job storage/storage-cross-node-test',
    ]);
  });

  test('renders no test when tests are disabled', () => {
    expect(renderChart({ ...twoNetworks, tests: { enabled: false } }).filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test')).toEqual([]);
  });

  test('keeps finished tests for their logs, prints them with Helm 4, and lets Kubernetes delete them later', () => {
    for (const j of jobs) {
      expect(j.metadata.annotations).toEqual({
        'helm.sh/hook': 'test',
        'helm.sh/hook-delete-policy': 'before-hook-creation',
        'helm.sh/hook-output-log-policy': 'hook-succeeded,hook-failed',
      });
      expect(j.spec.ttlSecondsAfterFinished).toBe(3600);
    }
  });

  test('never hangs: one try, and a deadline past which a pod that cannot start fails the test', () => {
    for (const j of jobs) expect(j.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 240 });
  });

  describe('attachment test', () => {
    test("annotates its pod like the guide's samplepod, for its own network", () => {
      expect(job('storage-attachment-test').spec.template.metadata.annotations).toEqual({ 'k8s.v1.cni.cncf.io/networks': 'storage/storage' });
    });

    test('passes the range, every exclusion and the bounds to the check', () => {
      expect(env(job('storage-attachment-test'))).toEqual({
        TEST_IMAGE: TEST_IMAGE,
        INTERFACE: 'net1',
        ATTACHMENT: 'storage/storage',
        RANGE: '172.16.2.0/24',
        EXCLUDE: '172.16.2.0/30',
        RANGE_START: '172.16.2.10',
        RANGE_END: '172.16.2.200',
      });
    });

    test('runs the shared library and the attachment check shipped in the chart', () => {
      expect(job('dataplane-attachment-test').spec.template.spec.containers[0].command).toEqual(['/bin/sh', '-c', script('check-attachment.sh')]);
    });
  });

  describe('cross-node test', () => {
    const crossNode = job('dataplane-cross-node-test');
    const pod = crossNode.spec.template.spec;

    test('runs two indexed pods at once, so they can talk and know each other\'s name (Helm runs test hooks one after another)', () => {
      expect(crossNode.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
    });

    test('gives its pods DNS names through a headless Service created before the Job', () => {
      const service = findObject(rendered, 'Service', 'dataplane-cross-node-test');
      expect(service.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'test', 'helm.sh/hook-weight': '-1' });
      expect(service.spec).toEqual({
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: { 'batch.kubernetes.io/job-name': 'dataplane-cross-node-test' },
        ports: [{ name: 'discovery', port: 7778, protocol: 'TCP' }],
      });
      expect(pod.subdomain).toBe('dataplane-cross-node-test');
    });

    test('prefers two nodes by default, so a single-node cluster still runs the test', () => {
      expect(pod.affinity).toEqual({
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'batch.kubernetes.io/job-name': 'dataplane-cross-node-test' } } },
            },
          ],
        },
      });
    });

    test('requires two nodes when tests.requireCrossNode is set', () => {
      const required = findObject(renderChart({ ...twoNetworks, tests: { requireCrossNode: true } }), 'Job', 'dataplane-cross-node-test');
      expect(required.spec.template.spec.affinity).toEqual({
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'batch.kubernetes.io/job-name': 'dataplane-cross-node-test' } } },
          ],
        },
      });
    });

    test("attaches its pods through the network's own attachment, as production pods are", () => {
      expect(crossNode.spec.template.metadata.annotations).toEqual({ 'k8s.v1.cni.cncf.io/networks': 'default/dataplane' });
    });

    test('tells each pod where to ask for its peer\'s address, and nothing about the addresses themselves', () => {
      expect(env(crossNode)).toEqual({
        TEST_IMAGE: TEST_IMAGE,
        INTERFACE: 'net1',
        NETWORK: 'dataplane',
        ATTACHMENT: 'default/dataplane',
        RANGE: '172.16.1.0/24',
        PORT: '7777',
        DISCOVERY_PORT: '7778',
        TIMEOUT_SECONDS: '120',
        REQUIRE_CROSS_NODE: 'false',
        JOB: 'dataplane-cross-node-test',
        SERVICE: 'dataplane-cross-node-test',
        NAMESPACE: 'default',
        IPAM: 'whereabouts',
        MASTER: 'eth1',
        BLOCKS_DIR: '/node-blocks',
      });
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    test('names its node in the logs through the downward API', () => {
      expect(pod.containers[0].env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    });

    test('runs the shared library and the cross-node check shipped in the chart', () => {
      expect(pod.containers[0].command).toEqual(['/bin/sh', '-c', script('check-cross-node.sh')]);
    });

    test('passes tests.* values through', () => {
      const custom = findObject(renderChart({ ...twoNetworks, tests: { port: 9000, discoveryPort: 9001, timeoutSeconds: 30, requireCrossNode: true } }), 'Job', 'dataplane-cross-node-test');
      expect(env(custom)).toMatchObject({ PORT: '9000', DISCOVERY_PORT: '9001', TIMEOUT_SECONDS: '30', REQUIRE_CROSS_NODE: 'true' });
      expect(custom.spec.activeDeadlineSeconds).toBe(150);
    });
  });

  test('runs the test pods on the nodes tests.nodeSelector and tests.tolerations name, and leaves scheduling alone by default', () => {
    const values = { ...twoNetworks, tests: { nodeSelector: { 'cloud.google.com/gke-nodepool': 'multinet-pool' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'multinet', effect: 'NoSchedule' }] } };
    for (const j of renderChart(values).filter((o) => o.kind === 'Job')) {
      expect(j.spec.template.spec).toMatchObject({ nodeSelector: values.tests.nodeSelector, tolerations: values.tests.tolerations });
    }
    for (const j of jobs) {
      expect(j.spec.template.spec).not.toHaveProperty('nodeSelector');
      expect(j.spec.template.spec).not.toHaveProperty('tolerations');
    }
  });

  test('runs every test pod unprivileged: non-root, no capabilities, read-only root, memory scratch; the cross-node test also reads the node-blocks folder, read-only', () => {
    for (const j of jobs) {
      const spec = j.spec.template.spec;
      expect(spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 65534 } });
      expect(spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      const blocks = j.metadata.name.endsWith('-cross-node-test') ? [{ name: 'node-blocks', hostPath: { path: '/var/lib/gke-multinet/node-blocks', type: 'DirectoryOrCreate' } }] : [];
      expect(spec.volumes).toEqual([{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }, ...blocks]);
      expect(spec.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }, ...(blocks.length ? [{ name: 'node-blocks', mountPath: '/node-blocks', readOnly: true }] : [])]);
    }
  });

  test('mounts no host folder in any test pod with tests.reportNodeBlocks false (a namespace that enforces the baseline Pod Security Standard)', () => {
    for (const j of renderChart({ ...twoNetworks, tests: { reportNodeBlocks: false } }).filter((o) => o.kind === 'Job')) {
      expect(j.spec.template.spec.volumes).toEqual([{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]);
      expect(j.spec.template.spec.containers[0].env.map((e: K8sObject) => e.name)).not.toContain('BLOCKS_DIR');
    }
  });

  test('runs BusyBox (its tools are known), pinned by digest, from a registry private nodes reach without NAT', () => {
    for (const j of jobs) {
      expect(j.spec.template.spec.containers[0].image).toBe('mirror.gcr.io/library/busybox:1.37.0-musl@sha256:fc6dddc4c44b1bfe37f41cae8e67d1693828e8f42a91862816d7953e2c9d3f23');
    }
  });

  test('validates against the Kubernetes Job schema and the NAD CRD schema', () => {
    expect(schemaErrors(rendered)).toEqual([]);
  });

  test('renders no sample pod: the Terraform module creates those once Multus is ready', () => {
    expect(rendered.filter((o) => o.kind === 'Pod')).toEqual([]);
  });
});

/** The attachment check, run for real against an interface in a private network namespace. */
describe('check-attachment.sh', () => {
  const script = `${readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8')}\n${readFileSync(path.join(CHART_DIR, 'files', 'check-attachment.sh'), 'utf8')}`;
  const canUseNetns = spawnSync('unshare', ['-n', 'true']).status === 0;
  const run = (address: string, env: Record<string, string>, withoutIp = false) => {
    const setup = [
      'ip link add net1 type veth peer name peer1',
      `ip addr add ${address} dev net1`,
      'ip link set net1 up',
      'ip link set peer1 up',
      // Without `ip`, as in a minimal image: only sh and awk on PATH.
      withoutIp ? 'bin=$(mktemp -d); for t in sh awk; do ln -s "$(command -v $t)" "$bin/$t"; done; PATH=$bin' : 'true',
      'sh -c "$SCRIPT"',
    ].join(' && ');
    return spawnSync('unshare', ['-n', 'sh', '-c', setup], { encoding: 'utf8', env: { ...process.env, INTERFACE: 'net1', NODE_NAME: 'node-a', SCRIPT: script, ...env } });
  };
  const maybe = canUseNetns ? test : test.skip;

  maybe('passes when net1 has an address inside the range, naming the node', () => {
    const result = run('172.16.1.5/24', { RANGE: '172.16.1.0/24' });
    expect([result.status, result.stdout.trim()]).toEqual([0, 'PASS: net1 has 172.16.1.5, inside 172.16.1.0/24 (node node-a)']);
  });

  maybe('fails when net1 has an address outside the range', () => {
    const result = run('172.16.2.5/24', { RANGE: '172.16.1.0/24' });
    expect([result.status, result.stdout.trim()]).toEqual([1, "FAIL: net1 has 172.16.2.5, outside the network's range 172.16.1.0/24"]);
  });

  maybe('fails when net1 has an excluded address', () => {
    const result = run('172.16.1.2/24', { RANGE: '172.16.1.0/24', EXCLUDE: '172.16.1.0/30' });
    expect([result.status, result.stdout.trim()]).toEqual([1, 'FAIL: net1 has 172.16.1.2, inside the excluded range 172.16.1.0/30']);
  });


  maybe('fails when net1 is past the range end', () => {
    const result = run('172.16.1.200/24', { RANGE: '172.16.1.0/24', RANGE_END: '172.16.1.100' });
    expect(result.stdout.trim()).toBe('FAIL: net1 has 172.16.1.200, after range end 172.16.1.100');
  });

  maybe('finds the address from /proc when the image has no ip command', () => {
    const result = run('172.16.1.5/24', { RANGE: '172.16.1.0/24' }, true);
    expect([result.status, result.stdout.trim()]).toEqual([0, 'PASS: net1 has 172.16.1.5, inside 172.16.1.0/24 (node node-a)']);
  });

  maybe('fails when the pod has no net1 at all, naming the node and the attachment', () => {
    const result = spawnSync('unshare', ['-n', 'sh', '-c', script], {
      encoding: 'utf8',
      env: { ...process.env, INTERFACE: 'net1', RANGE: '172.16.1.0/24', NODE_NAME: 'node-a', ATTACHMENT: 'default/dataplane' },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL: the pod on node node-a has no interface net1: Multus did not attach default/dataplane');
  });
});

describe('chart documentation', () => {
  test('documents every value of values.yaml in the chart README', () => {
    const values = parse(readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8')) as K8sObject;
    const readme = readFileSync(path.join(CHART_DIR, 'README.md'), 'utf8');
    const leaves = (obj: K8sObject, prefix = ''): string[] =>
      Object.entries(obj).flatMap(([key, value]) =>
        value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && !/Resources$|^updateStrategy$/.test(key)
          ? leaves(value, `${prefix}${key}.`)
          : [`${prefix}${key}`],
      );
    const undocumented = leaves(values).filter((key) => {
      const short = key.replace(/\.(registry|repository|tag|digest)$/, '.registry');
      return !readme.includes(`\`${key}\``) && !readme.includes(`\`${short}\``);
    });
    expect(undocumented).toEqual([]);
  });
});

describe('rule families, in the chart (helm template)', () => {
  const cases = casesFor('chart');
  const results = new Map<string, HelmResult>();
  /**
   * Each refused value gets a render of its own (a render stops at its first error); a family's accepted values share
   * one render, as networks side by side (a name repeated in a namespace gets a suffix), which must pass whole.
   */
  const acceptedTogether = (family: string) => {
    const seen = new Set<string>();
    const networks = cases
      .filter((c) => c.family.family === family && c.accepted)
      .flatMap((c, k) => (c.surface.values(c.value).networks as K8sObject[]).map((n) => ({ n, k })))
      .map(({ n, k }) => {
        const key = (x: K8sObject) => `${x.namespace ?? 'default'}/${x.name}`;
        const renamed = seen.has(key(n)) ? { ...n, name: `${String(n.name).slice(0, 40)}-${k}` } : n;
        seen.add(key(renamed));
        return renamed;
      });
    return { networks };
  };
  /** What names a refused value's network when it is the `index`-th of a render: its pattern, at that index. */
  const namesAt = (names: string | RegExp, index: number) =>
    new RegExp((typeof names === 'string' ? names.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : names.source).replace(/\\\/networks\\\/0\\\//g, `\\/networks\\/${index}\\/`).replace(/\/networks\/0\//g, `/networks/${index}/`));
  /** Why each refused case failed: the values schema reports every violation of a render at once, a template only its first. */
  const refusals = new Map<string, { result: HelmResult; index: number }>();
  beforeAll(async () => {
    const families = [...new Set(cases.filter((c) => c.accepted).map((c) => c.family.family))];
    // Every refused value of one network, side by side in one render: those the values schema refuses all show there.
    const single = cases.filter((c) => !c.accepted && (c.surface.values(c.value).networks as K8sObject[]).length === 1);
    const [together, ...accepted] = await Promise.all([
      helmAsync(['template', 'multinet', CHART_DIR], { networks: single.map((c) => (c.surface.values(c.value).networks as K8sObject[])[0]) }),
      ...families.map((f) => helmAsync(['template', 'multinet', CHART_DIR], acceptedTogether(f))),
    ]);
    families.forEach((f, i) => results.set(f, accepted[i]));
    single.forEach((c, i) => {
      if (together.stderr.includes(`at '/networks/${i}/`)) refusals.set(c.name, { result: together, index: i });
    });
    // The rest (a template's check, or a value of several networks), each in a render of its own.
    const alone = cases.filter((c) => !c.accepted && !refusals.has(c.name));
    const rendered = await Promise.all(alone.map((c) => helmAsync(['template', 'multinet', CHART_DIR], c.surface.values(c.value))));
    alone.forEach((c, i) => refusals.set(c.name, { result: rendered[i], index: 0 }));
  });

  test.each(cases)('$name', ({ name, family, surface, accepted }) => {
    if (accepted) expect(results.get(family.family)).toEqual(expect.objectContaining({ ok: true, stderr: '' }));
    else {
      const { result, index } = refusals.get(name)!;
      expect(result.ok).toBe(false);
      expect(result.stderr).toMatch(namesAt(surface.names, index));
    }
  });
});

describe('names YAML 1.1 reads as something else', () => {
  // Helm's client and many tools read YAML 1.1, where on, no, yes, off and true are booleans and null is null.
  const words = ['on', 'no', 'yes', 'off', 'true', 'null'];
  let cached: K8sObject[] | undefined;
  const objects = () =>
    (cached ??= parseAllDocuments(
      helm(['template', words[0], CHART_DIR, '--namespace', 'kube-system'], {
        networks: words.map((word, i) => ({ name: word, namespace: word, master: `eth${i + 1}`, range: `172.16.${i + 1}.0/24` })),
      }).stdout,
      { version: '1.1' },
    )
      .map((d) => d.toJS() as K8sObject)
      .filter(Boolean));

  test('renders every attachment name and namespace as a string, read back as the same string with a YAML 1.1 reader', () => {
    const nads = objects().filter((o) => o.kind === 'NetworkAttachmentDefinition');
    expect(nads.map((o) => [o.metadata.namespace, o.metadata.name])).toEqual(words.map((w) => [w, w]));
  });

  test('renders the test objects, their annotations and the release labels as strings too', () => {
    for (const o of objects().filter((x) => x.kind !== 'NetworkAttachmentDefinition')) {
      expect({ kind: o.kind, name: typeof o.metadata.name, namespace: typeof (o.metadata.namespace ?? '') }).toEqual({ kind: o.kind, name: 'string', namespace: 'string' });
      for (const value of Object.values({ ...o.metadata.labels, ...o.spec?.template?.metadata?.annotations })) expect(typeof value).toBe('string');
    }
  });
});
