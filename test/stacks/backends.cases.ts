import { stacksOf, synthJson } from '../support/stacks';
import type { RawEnvironment } from '../support/environments';

/** Every stack's state location and every consumer's read of it, for each backend. */
const gcs = (env: RawEnvironment) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state', prefix: 'platform/gke' });
const cloud = (env: RawEnvironment) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet', workspacePrefix: 'multinet-' });

describe('local backend', () => {
  const { workloads } = stacksOf();

  test('keeps each stack in its own file under state/, read in the default workspace its producer writes', () => {
    const json = synthJson(workloads);
    expect(json.terraform.backend).toEqual({ local: { path: '../../../state/dev-workloads.tfstate' } });
    expect(json.data.terraform_remote_state).toEqual({
      network: { backend: 'local', config: { path: '../../../state/dev-network.tfstate' }, workspace: 'default' },
      cluster: { backend: 'local', config: { path: '../../../state/dev-cluster.tfstate' }, workspace: 'default' },
    });
  });
});

describe('gcs backend', () => {
  const stacks = stacksOf(gcs);

  test.each(['network', 'cluster', 'workloads'] as const)('keeps dev-%s at <prefix>/dev-%s in the bucket', (kind) => {
    expect(synthJson(stacks[kind]).terraform.backend).toEqual({ gcs: { bucket: 'acme-multinet-state', prefix: `platform/gke/dev-${kind}` } });
  });

  test("reads each producer's prefix in the default workspace it writes, not terraform.workspace", () => {
    expect(synthJson(stacks.workloads).data.terraform_remote_state).toEqual({
      network: { backend: 'gcs', config: { bucket: 'acme-multinet-state', prefix: 'platform/gke/dev-network' }, workspace: 'default' },
      cluster: { backend: 'gcs', config: { bucket: 'acme-multinet-state', prefix: 'platform/gke/dev-cluster' }, workspace: 'default' },
    });
    expect(synthJson(stacks.cluster).data.terraform_remote_state).toEqual({
      network: { backend: 'gcs', config: { bucket: 'acme-multinet-state', prefix: 'platform/gke/dev-network' }, workspace: 'default' },
    });
  });
});

describe('cloud backend', () => {
  const stacks = stacksOf(cloud);

  test.each(['network', 'cluster', 'workloads'] as const)('runs dev-%s in its own named workspace', (kind) => {
    const json = synthJson(stacks[kind]);
    expect(json.terraform.cloud).toEqual({ organization: 'acme', hostname: 'app.terraform.io', workspaces: { name: `multinet-dev-${kind}` } });
    expect(json.terraform).not.toHaveProperty('backend');
  });

  test('reads the producers through the remote backend, by workspace name, with no token', () => {
    expect(synthJson(stacks.workloads).data.terraform_remote_state).toEqual({
      network: { backend: 'remote', config: { organization: 'acme', hostname: 'app.terraform.io', workspaces: { name: 'multinet-dev-network' } } },
      cluster: { backend: 'remote', config: { organization: 'acme', hostname: 'app.terraform.io', workspaces: { name: 'multinet-dev-cluster' } } },
    });
  });

  test('uses another Terraform Enterprise host when asked', () => {
    const json = synthJson(stacksOf((env) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet', hostname: 'tfe.acme.example' })).cluster);
    expect(json.terraform.cloud.hostname).toBe('tfe.acme.example');
    expect(json.data.terraform_remote_state.network.config.hostname).toBe('tfe.acme.example');
  });
});

describe.each([
  ['local', () => {}],
  ['gcs', gcs],
  ['cloud', cloud],
] as const)('every stack with the %s backend', (_, mutate) => {
  const stacks = stacksOf(mutate);
  const all = [stacks.network, stacks.cluster, stacks.workloads, ...(stacks.bootstrap ? [stacks.bootstrap] : [])];
  const texts = all.map((s) => JSON.stringify(synthJson(s)));

  test('never reads the state of the workspace Terraform happens to run in', () => {
    for (const text of texts) expect(text).not.toContain('terraform.workspace');
  });

  test('holds no token or credential, and takes none from a data source (Terraform writes data sources to state)', () => {
    for (const text of texts) expect(text).not.toMatch(/"(token|credentials|access_token|private_key)"\s*:\s*"(?!\$\{ephemeral\.)/);
    // A credential attribute of any provider (the endpoint and CA certificate are no secret) names no data source.
    const credentialsOf = (value: unknown): string[] =>
      value && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => (['token', 'access_token', 'password', 'client_key', 'client_certificate', 'credentials'].includes(k) ? [String(v)] : credentialsOf(v)))
        : [];
    for (const stack of all) for (const credential of credentialsOf(synthJson(stack).provider)) expect(credential).not.toMatch(/\$\{data\./);
    expect(texts.join('')).not.toContain('google_client_config');
  });

  test('keeps the sensitive cluster outputs flowing to the workloads stack', () => {
    const provider = synthJson(stacks.workloads).provider.kubernetes[0];
    expect(provider.host).toBe('https://${data.terraform_remote_state.cluster.outputs.cluster_endpoint}');
    expect(provider.cluster_ca_certificate).toBe('${base64decode(data.terraform_remote_state.cluster.outputs.cluster_ca_certificate)}');
  });
});
