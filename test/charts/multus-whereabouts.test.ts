import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, K8sObject, findObject, guideManifest, helm, parseYamlDocuments, renderChart, schemaErrors } from '../support/helm';
import { HELM3, PROJECT_ROOT } from '../support/tools';

const MULTUS_IMAGE = 'gcr.io/gke-release/multus-cni:v4.2.1-gke.6@sha256:25b48b8dbbf6c78a10452836f52dee456514783565b70633a168a39e6d322310';
const WHEREABOUTS_IMAGE = 'gcr.io/gke-release/whereabouts:v0.7.0-gke.3@sha256:2bb8450a99d86c73b262f5ccd8c433d3e3abf17d36ee5c3bf1056a1fe479e8c2';

const twoNetworks = {
  networks: [
    { name: 'dataplane', namespace: 'default', master: 'eth1', mode: 'l2', range: '172.16.1.0/24' },
    {
      name: 'storage',
      namespace: 'storage',
      master: 'eth2',
      mode: 'l3',
      range: '172.16.2.0/24',
      exclude: ['172.16.2.0/30'],
      rangeStart: '172.16.2.10',
      rangeEnd: '172.16.2.200',
    },
  ],
};

/**
 * What the chart adds on purpose to the guide's objects (listed in the chart README): the standard
 * app.kubernetes.io/* and helm.sh/chart labels, and the checksum annotation that rolls the DaemonSet when
 * the Multus config changes. Removing exactly these must give back the guide's object.
 */
function withoutChartAdditions(obj: K8sObject): K8sObject {
  const copy = structuredClone(obj);
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
    expect(result.stderr).toContain('networks.0.mode must be one of the following: "l2", "l3", "l3s"');
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

    test('runs the three init containers in the guide order, then whereabouts-gc', () => {
      expect(pod.initContainers.map((c: K8sObject) => c.name)).toEqual(['install-multus-config', 'install-whereabouts', 'install-binary']);
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
      expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } });
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
});

describe('NetworkAttachmentDefinitions from values', () => {
  const rendered = renderChart(twoNetworks);
  const nads = rendered.filter((o) => o.kind === 'NetworkAttachmentDefinition');

  test('renders none by default', () => {
    expect(renderChart().filter((o) => o.kind === 'NetworkAttachmentDefinition')).toEqual([]);
  });

  test('renders one per network, in its namespace', () => {
    expect(nads.map((n) => `${n.metadata.namespace}/${n.metadata.name}`)).toEqual(['default/dataplane', 'storage/storage']);
  });

  test('builds the guide CNI config with the range CIDR (not its name) as valid JSON', () => {
    expect(JSON.parse(findObject(nads, 'NetworkAttachmentDefinition', 'dataplane').spec.config)).toEqual({
      cniVersion: '0.3.1',
      plugins: [{ type: 'ipvlan', master: 'eth1', mode: 'l2', ipam: { type: 'whereabouts', range: '172.16.1.0/24' } }],
    });
  });

  test('adds exclude, range_start and range_end only when set', () => {
    expect(JSON.parse(findObject(nads, 'NetworkAttachmentDefinition', 'storage').spec.config)).toEqual({
      cniVersion: '0.3.1',
      plugins: [
        {
          type: 'ipvlan',
          master: 'eth2',
          mode: 'l3',
          ipam: { type: 'whereabouts', range: '172.16.2.0/24', exclude: ['172.16.2.0/30'], range_start: '172.16.2.10', range_end: '172.16.2.200' },
        },
      ],
    });
  });

  test("is the guide's nad.yaml once its mistake is fixed (the range name, unquoted, becomes the quoted CIDR)", () => {
    // Read as text: the guide's file is not strict YAML either (its quoted scalar closes at the key's indentation).
    const guideConfig = /config: '([\s\S]*)'/.exec(readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'guide', 'nad.yaml'), 'utf8'))![1];
    expect(() => JSON.parse(guideConfig)).toThrow();
    const fixed = JSON.parse(guideConfig.replace('SECONDARY_RANGE_NAME', '"172.16.1.0/24"'));
    expect(JSON.parse(findObject(nads, 'NetworkAttachmentDefinition', 'dataplane').spec.config)).toEqual(fixed);
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

describe('values.schema.json rejects bad values', () => {
  const network = { name: 'dataplane', master: 'eth1', range: '172.16.1.0/24' };
  const templateWith = (values: unknown) => helm(['template', 'multinet', CHART_DIR], values);

  test('rejects IPVLAN mode l4', () => {
    const result = templateWith({ networks: [{ ...network, mode: 'l4' }] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("at '/networks/0/mode': value must be one of 'l2', 'l3', 'l3s'");
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
    const init = ds.spec.template.spec.initContainers;
    expect(init[0].image).toBe('europe-docker.pkg.dev/mirror/multus:v4.2.1');
    expect(init[0].args).toContain('--multus-log-level=error');
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

describe('helm test hook', () => {
  const tests = helm(['template', 'multinet', CHART_DIR, '--show-only', 'templates/tests/attachment-test-pod.yaml'], twoNetworks);
  const pods = renderChart(twoNetworks).filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');

  test('renders one test pod per network', () => {
    expect(tests.ok).toBe(true);
    expect(pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['default/dataplane-attachment-test', 'storage/storage-attachment-test']);
  });

  test("annotates each test pod like the guide's samplepod, for its own network", () => {
    expect(pods.map((p) => p.metadata.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual(['default/dataplane', 'storage/storage']);
  });

  test('passes the range, exclusions and bounds to the check', () => {
    const env = Object.fromEntries(pods[1].spec.containers[0].env.map((e: K8sObject) => [e.name, e.value]));
    expect(env).toEqual({ INTERFACE: 'net1', RANGE: '172.16.2.0/24', EXCLUDE: '172.16.2.0/30', RANGE_START: '172.16.2.10', RANGE_END: '172.16.2.200' });
  });

  test('runs the check script shipped in the chart, unprivileged', () => {
    const container = pods[0].spec.containers[0];
    expect(container.command).toEqual(['/bin/sh', '-c', readFileSync(path.join(CHART_DIR, 'files', 'check-attachment.sh'), 'utf8')]);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pods[0].spec).toMatchObject({ restartPolicy: 'Never', securityContext: { runAsNonRoot: true } });
  });

  test('validates against the Kubernetes Pod schema', () => {
    expect(schemaErrors(pods)).toEqual([]);
  });
});

describe('sample pods', () => {
  test('are off by default', () => {
    expect(renderChart(twoNetworks).filter((o) => o.metadata.name?.startsWith('samplepod-'))).toEqual([]);
  });

  test("carry the guide's samplepod annotation and container name", () => {
    const guidePod = parseYamlDocuments(readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'guide', 'samplepod.yaml'), 'utf8'))[0];
    const [pod] = renderChart({ networks: [{ name: 'dataplane', master: 'eth1', range: '172.16.1.0/24' }], samplePod: { enabled: true } }).filter((o) =>
      o.metadata.name?.startsWith('samplepod-'),
    );
    expect(pod.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe(guidePod.metadata.annotations['k8s.v1.cni.cncf.io/networks'].replace('NAD_NAME', 'dataplane'));
    expect(pod.spec.containers.map((c: K8sObject) => c.name)).toEqual(guidePod.spec.containers.map((c: K8sObject) => c.name));
  });

  test("render the guide's samplepod per network when enabled, from an image private nodes can pull", () => {
    const pods = renderChart({ ...twoNetworks, samplePod: { enabled: true } }).filter((o) => o.metadata.name?.startsWith('samplepod-'));
    expect(pods.map((p) => [p.metadata.namespace, p.metadata.name, p.metadata.annotations['k8s.v1.cni.cncf.io/networks']])).toEqual([
      ['default', 'samplepod-dataplane', 'default/dataplane'],
      ['storage', 'samplepod-storage', 'storage/storage'],
    ]);
    expect(pods[0].spec.containers[0].image).toMatch(/^gcr\.io\/.+@sha256:[0-9a-f]{64}$/);
    expect(schemaErrors(pods)).toEqual([]);
  });
});

/** The check script itself, run for real against an interface in a private network namespace. */
describe('check-attachment.sh', () => {
  const script = path.join(CHART_DIR, 'files', 'check-attachment.sh');
  const canUseNetns = spawnSync('unshare', ['-n', 'true']).status === 0;
  const run = (address: string, env: Record<string, string>, withoutIp = false) => {
    const setup = [
      'ip link add net1 type veth peer name peer1',
      `ip addr add ${address} dev net1`,
      'ip link set net1 up',
      'ip link set peer1 up',
      // Without `ip`, as in a minimal image: only sh, awk and coreutils on PATH.
      withoutIp ? 'bin=$(mktemp -d); for t in sh awk sort grep; do ln -s "$(command -v $t)" "$bin/$t"; done; PATH=$bin' : 'true',
      `sh ${script}`,
    ].join(' && ');
    return spawnSync('unshare', ['-n', 'sh', '-c', setup], { encoding: 'utf8', env: { ...process.env, INTERFACE: 'net1', ...env } });
  };
  const maybe = canUseNetns ? test : test.skip;

  maybe('passes when net1 has an address inside the range', () => {
    const result = run('172.16.1.5/24', { RANGE: '172.16.1.0/24' });
    expect([result.status, result.stdout.trim()]).toEqual([0, 'PASS: net1 has 172.16.1.5, inside 172.16.1.0/24']);
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
    expect([result.status, result.stdout.trim()]).toEqual([0, 'PASS: net1 has 172.16.1.5, inside 172.16.1.0/24']);
  });

  maybe('fails when the pod has no net1 at all', () => {
    const result = spawnSync('unshare', ['-n', 'sh', script], { encoding: 'utf8', env: { ...process.env, INTERFACE: 'net1', RANGE: '172.16.1.0/24' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL: the pod has no interface net1');
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
