import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { stacksOf, synthJson, synthText } from '../support/stacks';
import { terraformIn } from '../support/terraform';

const fromCluster = (output: string) => `data.terraform_remote_state.cluster.outputs.${output}`;
const connection = {
  host: `https://\${${fromCluster('cluster_endpoint')}}`,
  cluster_ca_certificate: `\${base64decode(${fromCluster('cluster_ca_certificate')})}`,
};
/** A person's runs: the plugin hands the providers a token of their application default credentials. */
const plugin = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: ['--use_application_default_credentials=true'] };

describe('workloads stack', () => {
  const prod = stacksOf(() => {}, 'prod').workloads;
  const dev = stacksOf().workloads;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const releaseOf = (json: Record<string, any>) => Object.values(json.resource.helm_release)[0] as Record<string, any>;

  test('is named <env>-workloads and comes after the network and cluster stacks', () => {
    expect(prod.stackName).toBe('prod-workloads');
    expect(prod.dependencies.map((s) => s.node.id).sort()).toEqual(['prod-cluster', 'prod-network']);
  });

  test("configures the kubernetes provider from the cluster outputs and the person's own credentials, through gke-gcloud-auth-plugin", () => {
    const json = synthText(prod);
    expect(json).toHaveProviderWithProperties(KubernetesProvider, { ...connection, exec: [plugin] });
    expect(JSON.parse(json).provider.kubernetes[0]).not.toHaveProperty('token');
  });

  test('configures the helm provider the same way', () => {
    expect(synthText(prod)).toHaveProviderWithProperties(HelmProvider, { kubernetes: { ...connection, exec: plugin } });
  });

  test('reads no credential through a data source, whose result Terraform would write to state', () => {
    for (const stack of [prod, dev]) expect(synthJson(stack).data ?? {}).not.toHaveProperty('google_client_config');
  });

  test('on Terraform Cloud, opens an ephemeral token of the workloads identity at plan and at apply (Terraform >= 1.10)', () => {
    const json = synthJson(
      stacksOf((env) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet' })).workloads,
    );
    expect(json.ephemeral.google_service_account_access_token).toEqual({
      cluster_credentials: { target_service_account: 'dev-tfc-k8s@example-dev-project.iam.gserviceaccount.com', scopes: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '3600s' },
    });
    expect(json.provider.kubernetes[0]).toEqual({ ...connection, token: '${ephemeral.google_service_account_access_token.cluster_credentials.access_token}' });
    expect(json.provider.helm[0].kubernetes).toEqual({ ...connection, token: '${ephemeral.google_service_account_access_token.cluster_credentials.access_token}' });
    expect(json.terraform.required_version).toBe('>= 1.10.0');
    // The real terraform parses the ephemeral block and the provider's reference to it (no provider needs installing).
    const dir = mkdtempSync(path.join(tmpdir(), 'ephemeral-'));
    try {
      writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ ephemeral: json.ephemeral, provider: { kubernetes: json.provider.kubernetes } }));
      const providers = terraformIn(dir, ['providers', '-no-color']);
      expect({ status: providers.status, stderr: providers.stderr }).toEqual({ status: 0, stderr: '' });
      expect(providers.stdout).toContain('provider[registry.terraform.io/hashicorp/google]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('uses no kubeconfig file', () => {
    expect(synthText(prod)).not.toMatch(/config_path|kubeconfig/i);
  });

  test('installs the chart archive copied into the stack, by a relative path', () => {
    expect(releaseOf(synthJson(prod)).chart).toMatch(/^assets\/chart\/[0-9A-F]{32}\/multus-whereabouts\.tgz$/);
  });

  test('reads every Whereabouts range from the network stack outputs', () => {
    const set = releaseOf(synthJson(prod)).set;
    expect(set).toContainEqual({
      name: 'networks[0].range',
      type: 'string',
      value: '${data.terraform_remote_state.network.outputs.additional_networks.dataplane.pod_cidr}',
    });
    expect(set).toContainEqual({
      name: 'networks[1].range',
      type: 'string',
      value: '${data.terraform_remote_state.network.outputs.additional_networks.storage.pod_cidr}',
    });
  });

  test('copies no pod CIDR literally from the environment', () => {
    expect(JSON.stringify(releaseOf(synthJson(prod)).set)).not.toMatch(/172\.16\.\d+\.0\/24/);
  });

  test('attaches each network on its own NIC: eth1, eth2, …', () => {
    expect(releaseOf(synthJson(prod)).set.filter((s: { name: string }) => s.name.endsWith('.master'))).toEqual([
      { name: 'networks[0].master', type: 'string', value: 'eth1' },
      { name: 'networks[1].master', type: 'string', value: 'eth2' },
    ]);
  });

  test('installs in kube-system, waits for Multus on every node, and never rolls back or uninstalls on a timeout', () => {
    expect(synthText(prod)).toHaveResourceWithProperties(Release, { namespace: 'kube-system', atomic: false, wait: true });
  });

  test('creates the sample pods in dev, after the release, and none in prod', () => {
    const devJson = synthJson(dev);
    const pods = Object.values(devJson.resource.kubernetes_pod_v1) as { metadata: { name: string }; depends_on: string[] }[];
    expect(pods.map((p) => p.metadata.name)).toEqual(['samplepod-dataplane']);
    expect(pods[0].depends_on).toContain(`helm_release.${Object.keys(devJson.resource.helm_release)[0]}`);
    expect(synthJson(prod).resource).not.toHaveProperty('kubernetes_pod_v1');
  });

  test('creates the storage namespace of prod', () => {
    expect(Object.values(synthJson(prod).resource.kubernetes_namespace_v1).map((ns) => (ns as { metadata: { name: string } }).metadata.name)).toEqual([
      'storage',
    ]);
  });

  test('never creates kube-public or kube-node-lease, which every cluster has (the apply would fail with AlreadyExists)', () => {
    // dev attaches in default, prod in default and storage: one synth with both namespaces the stack must not create.
    const json = synthJson(
      stacksOf((env) => {
        env.additionalNetworks[0].attachment.namespace = 'kube-public';
        env.additionalNetworks[1].attachment.namespace = 'kube-node-lease';
      }, 'prod').workloads,
    );
    expect(json.resource.kubernetes_namespace_v1).toBeUndefined();
    expect(Object.values(json.output.network_attachments.value).map((n) => (n as { attachment: string }).attachment)).toEqual(['kube-public/dataplane', 'kube-node-lease/storage']);
  });

  test('outputs the annotation value and range of each network', () => {
    const outputs = synthJson(prod).output;
    expect(outputs.network_attachments.value).toEqual({
      dataplane: {
        attachment: 'default/dataplane',
        master: 'eth1',
        ipam: 'whereabouts',
        range: '${data.terraform_remote_state.network.outputs.additional_networks.dataplane.pod_cidr}',
      },
      storage: {
        attachment: 'storage/storage',
        master: 'eth2',
        ipam: 'whereabouts',
        range: '${data.terraform_remote_state.network.outputs.additional_networks.storage.pod_cidr}',
      },
    });
  });

  test('passes a node-block network to the chart with its node block prefix, and says how many addresses each node hands out', () => {
    const stacks = stacksOf((env) => (env.additionalNetworks[1].attachment.ipam = 'node-block'), 'prod');
    const json = synthJson(stacks.workloads);
    const set = (Object.values(json.resource.helm_release)[0] as { set: { name: string; value: string }[] }).set;
    expect(set.filter((e) => e.name.startsWith('networks[1].')).map((e) => [e.name, e.value])).toEqual(
      expect.arrayContaining([
        ['networks[1].ipam', 'node-block'],
        ['networks[1].nodeBlockPrefix', '28'],
      ]),
    );
    expect(set.some((e) => e.name === 'networks[0].ipam')).toBe(false);
    // maxPodsPerNode 8: a /28 block per node, less network, gateway and broadcast.
    expect(json.output.network_attachments.value.storage).toMatchObject({ ipam: 'node-block', addresses_per_node: 13 });
    expect(json.output.network_attachments.value.dataplane).not.toHaveProperty('addresses_per_node');
  });

  test('requires the cross-node test on two nodes when the environment starts with two nodes or more', () => {
    const required = (stack: typeof dev) => (Object.values(synthJson(stack).resource.helm_release)[0] as { set: { name: string; value: string }[] }).set.find((e) => e.name === 'tests.requireCrossNode')?.value;
    expect(required(dev)).toBe('true');
    expect(required(prod)).toBe('true');
    expect(required(stacksOf((env) => (env.nodePools[0].nodeCount = 1)).workloads)).toBe('false');
  });

  test('counts the minimum of an autoscaled pool, per zone, for two nodes', () => {
    const oneZoneMinOne = stacksOf((env) => Object.assign(env.nodePools[0], { nodeCount: 2, autoscaling: { minNodeCount: 1, maxNodeCount: 3 } })).workloads;
    const settings = (Object.values(synthJson(oneZoneMinOne).resource.helm_release)[0] as { set: { name: string; value: string }[] }).set;
    expect(settings.find((e) => e.name === 'tests.requireCrossNode')?.value).toBe('false');
  });

  test('says in verify_commands that traffic between nodes is not checked in a one-node environment, and only there', () => {
    const oneNode = synthJson(stacksOf((env) => (env.nodePools[0].nodeCount = 1)).workloads).output.verify_commands.value as string[];
    expect(oneNode).toContain('# one node: helm test checks traffic between two pods on that node only; traffic between nodes is NOT checked until the environment has two nodes');
    expect((synthJson(dev).output.verify_commands.value as string[]).some((c) => c.startsWith('#'))).toBe(false);
  });

  test('outputs one annotation per namespace, with only the attachments Multus lets a pod of that namespace use', () => {
    expect(synthJson(prod).output.pod_annotations.value).toEqual({ default: 'default/dataplane', storage: 'default/dataplane,storage/storage' });
  });

  test('leaves out of a namespace\'s annotation the attachments of another namespace that is not default', () => {
    const stacks = stacksOf((env) => {
      env.additionalNetworks[0].attachment.namespace = 'dataplane';
      env.additionalNetworks[1].attachment.namespace = 'storage';
    }, 'prod');
    expect(synthJson(stacks.workloads).output.pod_annotations.value).toEqual({ dataplane: 'dataplane/dataplane', storage: 'storage/storage' });
  });

  test('outputs the helm test command that verifies the attachments, without --logs (the tests are Jobs)', () => {
    expect(synthJson(dev).output.verify_commands.value).toEqual([
      'gcloud container clusters get-credentials multinet-dev --location us-central1-c --project example-dev-project',
      expect.stringMatching(/^helm test \$\{helm_release\.multus_release_[0-9A-F]+\.name\} --namespace \$\{helm_release\.multus_release_[0-9A-F]+\.namespace\}$/),
      expect.stringMatching(/^kubectl logs --namespace default -l 'app\.kubernetes\.io\/instance=\$\{helm_release\..+\.name\},app\.kubernetes\.io\/component in \(attachment-test,cross-node-test\)' --prefix --tail=-1$/),
      'kubectl describe pod samplepod-dataplane --namespace default',
    ]);
  });
});
