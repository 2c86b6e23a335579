import { tmpdir } from 'node:os';
import { App, Testing } from 'cdktf';
import { Release } from '@cdktf/provider-helm/lib/release';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PodV1 } from '@cdktf/provider-kubernetes/lib/pod-v1';
import { ClusterCredentials, ClusterCredentialsProps, MIN_TERRAFORM_FOR_AUTH, MultusWhereabouts, MultusWhereaboutsProps, NetworkAttachment, SAMPLE_POD_IMAGE, helmSetEntries } from '../../modules';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { parseYamlDocuments } from '../support/helm';
import { applyLater, terraformIn } from '../support/terraform';
import { PROJECT_ROOT } from '../support/tools';
import { multusWhereaboutsModule } from '../../modules/hcl/terraform-modules';

const dataplane: NetworkAttachment = { name: 'dataplane', master: 'eth1', range: '172.16.1.0/24' };
const props: MultusWhereaboutsProps & { networks: readonly NetworkAttachment[] } = { chartPath: 'assets/chart/ABC', networks: [dataplane] };
const synth = (overrides: Partial<MultusWhereaboutsProps> = {}) =>
  Testing.synthScope((scope) => new MultusWhereabouts(scope, 'multus', { ...props, ...overrides }));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const release = (json: string): Record<string, any> => Object.values(JSON.parse(json).resource.helm_release)[0] as Record<string, any>;

describe('MultusWhereabouts', () => {
  test('installs the chart in kube-system as a system component: waited for, never rolled back or uninstalled on a timeout, bounded history', () => {
    expect(synth()).toHaveResourceWithProperties(Release, {
      name: 'multus-whereabouts',
      chart: 'assets/chart/ABC',
      namespace: 'kube-system',
      atomic: false,
      replace: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 5,
      lint: true,
    });
  });

  test('passes every network as typed set entries', () => {
    expect(release(synth()).set).toEqual([
      { name: 'networks[0].name', value: 'dataplane', type: 'string' },
      { name: 'networks[0].namespace', value: 'default', type: 'string' },
      { name: 'networks[0].master', value: 'eth1', type: 'string' },
      { name: 'networks[0].mode', value: 'l2', type: 'string' },
      { name: 'networks[0].range', value: '172.16.1.0/24', type: 'string' },
    ]);
  });

  test('adds exclude, rangeStart and rangeEnd only when set', () => {
    const json = synth({ networks: [{ ...props.networks[0], exclude: ['172.16.1.0/30'], rangeStart: '172.16.1.10', rangeEnd: '172.16.1.99' }] });
    expect(release(json).set_list).toEqual([{ name: 'networks[0].exclude', value: ['172.16.1.0/30'] }]);
    expect(release(json).set).toEqual(
      expect.arrayContaining([
        { name: 'networks[0].rangeStart', value: '172.16.1.10', type: 'string' },
        { name: 'networks[0].rangeEnd', value: '172.16.1.99', type: 'string' },
      ]),
    );
    expect(release(synth()).set_list).toBeUndefined();
  });

  test('creates no sample pod unless asked', () => {
    expect(JSON.parse(synth()).resource).not.toHaveProperty('kubernetes_pod_v1');
  });

  test("creates the guide's sample pod per network, attached to it, only after the release is ready on every node", () => {
    const json = JSON.parse(synth({ samplePods: true, networks: [...props.networks, { name: 'storage', namespace: 'storage', master: 'eth2', range: '172.16.2.0/24' }] }));
    const pods = Object.values(json.resource.kubernetes_pod_v1) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(pods.map((p) => [p.metadata.namespace, p.metadata.name, p.metadata.annotations])).toEqual([
      ['default', 'samplepod-dataplane', { 'k8s.v1.cni.cncf.io/networks': 'default/dataplane' }],
      ['storage', 'samplepod-storage', { 'k8s.v1.cni.cncf.io/networks': 'storage/storage' }],
    ]);
    const releaseId = `helm_release.${Object.keys(json.resource.helm_release)[0]}`;
    for (const pod of pods) expect(pod.depends_on).toContain(releaseId);
    expect(pods[1].depends_on).toContain(`kubernetes_namespace_v1.${Object.keys(json.resource.kubernetes_namespace_v1)[0]}`);
  });

  test("leaves Multus's network-status annotation on the sample pods alone", () => {
    expect(synth({ samplePods: true })).toHaveResourceWithProperties(PodV1, {
      lifecycle: { ignore_changes: ['metadata[0].annotations["k8s.v1.cni.cncf.io/network-status"]'] },
    });
  });

  test('runs the sample pods unprivileged, from an image private nodes pull without NAT, pinned by digest', () => {
    expect(synth({ samplePods: true })).toHaveResourceWithProperties(PodV1, {
      spec: expect.objectContaining({
        automount_service_account_token: false,
        security_context: expect.objectContaining({ run_as_non_root: true, run_as_user: '65534' }),
        container: [
          expect.objectContaining({
            name: 'sample-container',
            image: SAMPLE_POD_IMAGE,
            security_context: { allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } },
          }),
        ],
      }),
    });
    expect(SAMPLE_POD_IMAGE).toMatch(/^gcr\.io\/.+@sha256:[0-9a-f]{64}$/);
  });

  test('keeps the guide sample pod container name', () => {
    const guidePod = parseYamlDocuments(readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'guide', 'samplepod.yaml'), 'utf8'))[0];
    expect(synth({ samplePods: true })).toHaveResourceWithProperties(PodV1, {
      spec: expect.objectContaining({ container: [expect.objectContaining({ name: guidePod.spec.containers[0].name })] }),
    });
  });

  test('creates attachment namespaces other than default and kube-system, before the release', () => {
    const json = synth({
      networks: [
        { name: 'a', namespace: 'default', master: 'eth1', range: '172.16.1.0/24' },
        { name: 'b', namespace: 'storage', master: 'eth2', range: '172.16.2.0/24' },
        { name: 'c', namespace: 'kube-system', master: 'eth3', range: '172.16.3.0/24' },
      ],
    });
    expect(json).toHaveResourceWithProperties(NamespaceV1, { metadata: expect.objectContaining({ name: 'storage' }) });
    expect(Object.keys(JSON.parse(json).resource.kubernetes_namespace_v1)).toHaveLength(1);
    expect(release(json).depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\.multus_namespace-storage_[0-9A-F]+$/)]);
  });

  test('enforces the baseline pod security standard in the namespaces it creates', () => {
    const json = synth({ networks: [{ name: 'b', namespace: 'storage', master: 'eth2', range: '172.16.2.0/24' }] });
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { name: 'storage', labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'baseline' }) },
    });
  });


  test('rejects an empty network list', () => {
    expect(() => synth({ networks: [] })).toThrow('MultusWhereabouts "multus": networks is empty; give at least one network to attach');
  });

  test('rejects a NAD name that is not a DNS-1123 label', () => {
    expect(() => synth({ networks: [{ ...props.networks[0], name: 'Data' }] })).toThrow('MultusWhereabouts "multus": networks[0].name "Data" is not a DNS-1123 label');
  });

  test('rejects an IPVLAN mode other than l2', () => {
    expect(() => synth({ networks: [{ ...props.networks[0], mode: 'l4' as never }] })).toThrow('MultusWhereabouts "multus": networks[0].mode "l4" must be l2');
  });

  test('rejects a literal range that is not a CIDR', () => {
    expect(() => synth({ networks: [{ ...props.networks[0], range: '172.16.1.0' }] })).toThrow(
      'MultusWhereabouts "multus": networks[0].range "172.16.1.0" is not an IPv4 CIDR block',
    );
  });

  test('rejects the same attachment twice', () => {
    expect(() => synth({ networks: [props.networks[0], { ...props.networks[0], master: 'eth2' }] })).toThrow(
      'MultusWhereabouts "multus": networks[1] repeats attachment "default/dataplane"',
    );
  });

  test('rejects a timeout too short for a DaemonSet rollout', () => {
    expect(() => synth({ timeoutSeconds: 10 })).toThrow('MultusWhereabouts "multus": timeoutSeconds 10 must be an integer from 60 to 3600');
  });
});

describe('MultusWhereabouts and nodes that are down', () => {
  const release = () => {
    const json = JSON.parse(Testing.synthScope((scope) => new MultusWhereabouts(scope, 'multus', { chartPath: './chart.tgz', networks: [{ name: 'dataplane', master: 'eth1', range: '172.16.1.0/24' }] })));
    return { json, release: Object.values(json.resource.helm_release)[0] as Record<string, any> };
  };

  test('reads every node at plan time', () => {
    expect(Object.keys(release().json.data.kubernetes_nodes)).toHaveLength(1);
  });

  test('warns at plan, naming the nodes that are not Ready and what to do, and refuses no plan (a check block)', () => {
    const { release: r, json } = release();
    expect(r.lifecycle?.precondition ?? []).toEqual([]);
    expect(json.check.multus_nodes_ready.assert).toEqual([
      {
        condition: expect.stringMatching(/^\$\{length\(\[for n in data\.kubernetes_nodes\.[^.]+\.nodes : n\.metadata\[0\]\.name if !anytrue\(\[for c in n\.status\[0\]\.conditions : c\.type == "Ready" && c\.status == "True"\]\)\]\) == 0\}$/),
        error_message: expect.stringContaining('are not Ready: Multus cannot become ready there, so an apply that changes the release waits for it until the timeout'),
      },
    ]);
  });

  const nodes = (ready: Record<string, string>) => ({
    nodes: Object.entries(ready).map(([name, status]) => ({ metadata: [{ name }], status: [{ conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status }] }] })),
  });
  /** The check block against nodes as the data source would read them, applied by terraform: its warnings and status. */
  const checked = (ready: Record<string, string>) => {
    const [assertion] = release().json.check.multus_nodes_ready.assert as Record<string, string>[];
    const dir = mkdtempSync(path.join(tmpdir(), 'nodes-check-'));
    try {
      const local = (text: string) => text.replace(/data\.kubernetes_nodes\.[A-Za-z0-9_]+\./g, 'local.data_nodes.');
      writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals: { data_nodes: nodes(ready) }, check: { nodes_ready: { assert: [{ condition: local(assertion.condition), error_message: local(assertion.error_message) }] } } }));
      const run = terraformIn(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
      return { status: run.status, output: (run.stdout + run.stderr).replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test('names exactly the nodes that are not Ready in a warning, evaluated by terraform, and the apply goes on', () => {
    expect(checked({ 'node-a': 'True', 'node-b': 'True' }).output).not.toContain('not Ready');
    const down = checked({ 'node-a': 'True', 'node-b': 'Unknown', 'node-c': 'False' });
    expect(down.status).toBe(0);
    expect(down.output).toContain('Warning: Check block assertion failed');
    expect(down.output).toContain('Node(s) node-b, node-c are not Ready');
  });
});

describe('helmSetEntries', () => {
  test('escapes commas and backslashes in literal strings', () => {
    expect(helmSetEntries({ a: 'x,y\\z' }).set).toEqual([{ name: 'a', value: 'x\\,y\\\\z', type: 'string' }]);
  });

  test('keeps numbers and booleans typed', () => {
    expect(helmSetEntries({ n: 3, b: true }).set).toEqual([
      { name: 'n', value: '3', type: 'auto' },
      { name: 'b', value: 'true', type: 'auto' },
    ]);
  });
});

describe('the HCL module output pod_annotations, evaluated by terraform', () => {
  // The output reads what the release was installed with (helm provider 3.x metadata.values: the values it gave Helm,
  // as JSON); here a local holds that JSON.
  const output = () =>
    (multusWhereaboutsModule(new App({ skipValidation: true })).toTerraform() as { output: Record<string, { value: string }> }).output.pod_annotations.value.replace(
      /helm_release\.release\.metadata\.values/g,
      'local.release_values',
    );

  const networks = [
    { name: 'dataplane', namespace: 'default' },
    { name: 'storage', namespace: 'storage' },
    { name: 'backup', namespace: 'storage' },
    { name: 'edge', namespace: 'edge' },
  ];
  const annotations = applyLater({ release_values: JSON.stringify({ networks }) }, { annotations: { value: output() } });

  test('gives each attachment namespace the attachments of its own namespace and of default, in order', () => {
    expect(annotations()).toMatchObject({
      ok: true,
      values: { annotations: { default: 'default/dataplane', storage: 'default/dataplane,storage/storage,storage/backup', edge: 'default/dataplane,edge/edge' } },
    });
  });
});

describe('ClusterCredentials', () => {
  const synthCredentials = (auth: ClusterCredentialsProps['auth']) =>
    JSON.parse(
      Testing.synthScope((scope) => {
        const credentials = new ClusterCredentials(scope, 'creds', { endpoint: '203.0.113.10', caCertificate: 'Q0E=', auth });
        new KubernetesProvider(scope, 'kubernetes', credentials.kubernetesProvider);
      }),
    );

  test("runs gke-gcloud-auth-plugin with the person's application default credentials, and writes no token", () => {
    const json = synthCredentials({ kind: 'gcloud-plugin' });
    expect(json.provider.kubernetes[0]).toEqual({
      host: 'https://203.0.113.10',
      cluster_ca_certificate: '${base64decode("Q0E=")}',
      exec: [{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: ['--use_application_default_credentials=true'] }],
    });
    expect(json).not.toHaveProperty('ephemeral');
    expect(json).not.toHaveProperty('data');
  });

  test('opens an ephemeral access token of the service account, never a data source', () => {
    const json = synthCredentials({ kind: 'ephemeral-token', serviceAccountEmail: 'dev-tfc-k8s@example-dev-project.iam.gserviceaccount.com', lifetimeSeconds: 1800 });
    expect(json.ephemeral.google_service_account_access_token.creds).toEqual({ target_service_account: 'dev-tfc-k8s@example-dev-project.iam.gserviceaccount.com', scopes: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '1800s' });
    expect(json.provider.kubernetes[0].token).toBe('${ephemeral.google_service_account_access_token.creds.access_token}');
    expect(json).not.toHaveProperty('data');
  });

  test('rejects a service account email that is no service account email', () => {
    expect(() => synthCredentials({ kind: 'ephemeral-token', serviceAccountEmail: 'someone@example.com' })).toThrow('auth.serviceAccountEmail "someone@example.com" is not a service account email');
  });

  test('rejects a token lifetime outside what the API allows', () => {
    expect(() => synthCredentials({ kind: 'ephemeral-token', serviceAccountEmail: 'dev-tfc-k8s@example-dev-project.iam.gserviceaccount.com', lifetimeSeconds: 60 })).toThrow('auth.lifetimeSeconds 60 must be a whole number of seconds from 600 to 43200');
  });

  test('says the Terraform each kind needs: 1.10 for an ephemeral resource', () => {
    expect(MIN_TERRAFORM_FOR_AUTH).toEqual({ 'gcloud-plugin': '1.5.0', 'ephemeral-token': '1.10.0' });
  });
});
