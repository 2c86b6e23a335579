import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { minimatch } from 'minimatch';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import { NODE_SERVICE_ACCOUNT_ROLES } from '../../modules';
import { REMOTE_TERRAFORM_VERSION, TFC_RUN_ROLES } from '../../stacks';
import { stacksOf, synthJson } from '../support/stacks';
import { PROJECT_ROOT } from '../support/tools';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const values = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});

describe('bootstrap stacks', () => {
  test('exist only for remote backends', () => {
    expect(stacksOf().bootstrap).toBeUndefined();
    expect(stacksOf((env) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state' })).bootstrap?.stackName).toBe('bootstrap-dev');
  });

  test("are never selected by `cdktf deploy '<env>-*'`, and select only themselves", () => {
    const names = ['dev-network', 'dev-cluster', 'dev-workloads', 'bootstrap-dev', 'prod-network', 'bootstrap-prod'];
    expect(names.filter((n) => minimatch(n, 'dev-*'))).toEqual(['dev-network', 'dev-cluster', 'dev-workloads']);
    expect(names.filter((n) => minimatch(n, 'bootstrap-dev'))).toEqual(['bootstrap-dev']);
  });

  test('keep their own state locally, and no environment stack reads it', () => {
    const stacks = stacksOf((env) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state' }));
    expect(synthJson(stacks.bootstrap!).terraform.backend).toEqual({ local: { path: '../../../state/bootstrap-dev.tfstate' } });
    for (const stack of [stacks.network, stacks.cluster, stacks.workloads]) expect(JSON.stringify(synthJson(stack))).not.toContain('bootstrap');
  });
});

describe('bootstrap-<env> for gcs', () => {
  const bootstrap = stacksOf((env) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state' }), 'prod').bootstrap!;

  test('creates the state bucket versioned, with uniform access, never public, in the project and region, never force-destroyed', () => {
    expect(Testing.synth(bootstrap, true)).toHaveResourceWithProperties(StorageBucket, {
      name: 'acme-multinet-state',
      project: 'example-prod-project',
      location: 'us-central1',
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('enables the Cloud Storage API first', () => {
    const json = synthJson(bootstrap);
    expect(values(json, 'google_project_service').map((s) => s.service)).toEqual(['storage.googleapis.com']);
    expect(values(json, 'google_storage_bucket')[0].depends_on).toEqual([expect.stringMatching(/^google_project_service\./)]);
  });
});

describe('bootstrap-<env> for cloud', () => {
  const backend = { type: 'cloud', organization: 'acme', project: 'gke-multinet' };
  const bootstrap = stacksOf((env) => (env.backend = backend)).bootstrap!;
  const json = synthJson(bootstrap);
  const workspaceId = (kind: string) => `\${tfe_workspace.${Object.keys(json.resource.tfe_workspace).find((k) => k.startsWith(`tfc_workspace-${kind}_`))}.id}`;

  test('creates the Terraform Cloud project', () => {
    expect(values(json, 'tfe_project')).toEqual([{ organization: 'acme', name: 'gke-multinet' }]);
  });

  test('creates one CLI-driven workspace per stack, in the project, on the pinned Terraform version, without VCS', () => {
    const workspaces = values(json, 'tfe_workspace');
    expect(workspaces.map((w) => w.name).sort()).toEqual(['dev-cluster', 'dev-network', 'dev-workloads']);
    for (const w of workspaces) {
      expect(w).toMatchObject({ organization: 'acme', project_id: expect.stringMatching(/^\$\{tfe_project\./), terraform_version: REMOTE_TERRAFORM_VERSION });
      expect(w).not.toHaveProperty('vcs_repo');
      expect(w).not.toHaveProperty('working_directory');
    }
    expect(Testing.synth(bootstrap, true)).toHaveResourceWithProperties(Workspace, { name: 'dev-network', queue_all_runs: false });
  });

  test('runs remotely and shares state exactly network -> cluster and workloads, cluster -> workloads, nothing globally', () => {
    const settings = Object.fromEntries(values(json, 'tfe_workspace_settings').map((s) => [s.workspace_id, s]));
    expect(settings[workspaceId('network')]).toEqual({
      workspace_id: workspaceId('network'),
      execution_mode: 'remote',
      global_remote_state: false,
      remote_state_consumer_ids: [workspaceId('cluster'), workspaceId('workloads')],
    });
    expect(settings[workspaceId('cluster')].remote_state_consumer_ids).toEqual([workspaceId('workloads')]);
    expect(settings[workspaceId('workloads')].remote_state_consumer_ids).toEqual([]);
  });

  test('runs on the named agent pool when there is one', () => {
    const agents = synthJson(stacksOf((env) => (env.backend = { ...backend, agentPool: 'gke-agents' })).bootstrap!);
    expect(Object.values(agents.data.tfe_agent_pool)).toEqual([{ organization: 'acme', name: 'gke-agents' }]);
    expect(Testing.synth(stacksOf((env) => (env.backend = { ...backend, agentPool: 'gke-agents' })).bootstrap!, true)).toHaveResourceWithProperties(WorkspaceSettings, {
      execution_mode: 'agent',
      agent_pool_id: expect.stringMatching(/^\$\{data\.tfe_agent_pool\./),
    });
  });

  test('trusts the Terraform Cloud issuer only for this organization, project and these workspaces', () => {
    expect(Testing.synth(bootstrap, true)).toHaveResourceWithProperties(IamWorkloadIdentityPoolProvider, {
      workload_identity_pool_provider_id: 'terraform-cloud',
      oidc: { issuer_uri: 'https://app.terraform.io' },
      attribute_condition:
        'assertion.terraform_organization_name == "acme" && assertion.terraform_project_name == "gke-multinet" && assertion.terraform_workspace_name in ["dev-network", "dev-cluster", "dev-workloads"]',
    });
    expect(values(json, 'google_iam_workload_identity_pool')).toEqual([expect.objectContaining({ workload_identity_pool_id: 'tfc-dev', project: 'example-dev-project' })]);
  });

  test('gives the run service account exactly the listed roles, grants of node roles only', () => {
    const bindings = values(json, 'google_project_iam_member');
    expect(bindings.map((b) => b.role).sort()).toEqual(TFC_RUN_ROLES.map((r) => r.role).sort());
    const iamAdmin = bindings.find((b) => b.role === 'roles/resourcemanager.projectIamAdmin')!;
    expect(iamAdmin.condition.expression).toBe(
      `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${NODE_SERVICE_ACCOUNT_ROLES.map((r) => `'${r}'`).join(', ')}])`,
    );
    expect(bindings.filter((b) => b.condition).map((b) => b.role)).toEqual(['roles/resourcemanager.projectIamAdmin']);
    expect(bindings.map((b) => b.role)).not.toEqual(expect.arrayContaining(['roles/owner']));
    expect(bindings.map((b) => b.role)).not.toEqual(expect.arrayContaining(['roles/editor']));
  });

  test('lets each workspace, by id, impersonate the run service account, and not the whole pool', () => {
    const users = values(json, 'google_service_account_iam_member');
    expect(users.map((u) => [u.role, u.member])).toEqual(
      ['cluster', 'network', 'workloads'].map((kind) => [
        'roles/iam.workloadIdentityUser',
        expect.stringMatching(new RegExp(`^principalSet://iam\\.googleapis\\.com/\\$\\{google_iam_workload_identity_pool\\.[^}]+\\.name\\}/attribute\\.terraform_workspace_id/\\$\\{tfe_workspace\\.tfc_workspace-${kind}_[0-9A-F]+\\.id\\}$`)),
      ]),
    );
  });

  test('hands the runs their dynamic credentials through a variable set of these workspaces, and creates no key', () => {
    const variables = Object.fromEntries(values(json, 'tfe_variable').map((v) => [v.key, v]));
    expect(Object.keys(variables).sort()).toEqual(['TFC_GCP_PROVIDER_AUTH', 'TFC_GCP_RUN_SERVICE_ACCOUNT_EMAIL', 'TFC_GCP_WORKLOAD_PROVIDER_NAME']);
    expect(variables.TFC_GCP_PROVIDER_AUTH).toMatchObject({ category: 'env', value: 'true' });
    expect(variables.TFC_GCP_RUN_SERVICE_ACCOUNT_EMAIL.value).toMatch(/^\$\{google_service_account\.gcp_run-sa_[0-9A-F]+\.email\}$/);
    expect(variables.TFC_GCP_WORKLOAD_PROVIDER_NAME.value).toMatch(/^\$\{google_iam_workload_identity_pool_provider\..+\.name\}$/);
    expect(values(json, 'tfe_workspace_variable_set').map((a) => a.workspace_id).sort()).toEqual(['network', 'cluster', 'workloads'].map(workspaceId).sort());
    expect(values(json, 'tfe_variable_set')[0]).not.toHaveProperty('global');
    expect(JSON.stringify(json)).not.toMatch(/google_service_account_key|GOOGLE_CREDENTIALS|"token"/);
  });

  test('are listed in the README, each with why, as the run service account has them', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const r of TFC_RUN_ROLES) expect(readme).toContain(`| \`${r.role}\` | ${r.why} |`);
    expect(readme).toContain(`executed remotely on Terraform ${REMOTE_TERRAFORM_VERSION}`);
  });

  test('configures the tfe provider with the host and organization only, never a token', () => {
    expect(json.provider.tfe).toEqual([{ hostname: 'app.terraform.io', organization: 'acme' }]);
  });
});
