import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import { NODE_SERVICE_ACCOUNT_ROLES } from '../../modules';
import { identityGrants } from '../../stacks/reference-tables';
import { REMOTE_TERRAFORM_VERSION, TFC_PLAN_ROLES, TFC_RUN_ACT_AS_NODES, TFC_WORKLOADS_OWN_TOKEN, TFC_RUN_ROLES, TFC_WORKLOADS_ROLES } from '../../stacks';
import { folderOf, stacksOf, synthJson, synthText } from '../support/stacks';
import { applyEvaluations } from '../support/terraform';
import { PROJECT_ROOT } from '../support/tools';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const values = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const gcs = (extra: Json = {}) => (env: Json) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state', ...extra });
const cloud = (extra: Json = {}) => (env: Json) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet', ...extra });

describe('bootstrap stacks', () => {
  test('exist only for remote backends', () => {
    expect(Object.keys(folderOf({ dev: () => {} }).stacks).filter((s) => s.startsWith('bootstrap'))).toEqual([]);
    expect(Object.keys(folderOf({ dev: gcs() }).stacks).filter((s) => s.startsWith('bootstrap'))).toEqual(['bootstrap-state-acme-multinet-state']);
    expect(Object.keys(folderOf({ dev: cloud() }).stacks).filter((s) => s.startsWith('bootstrap')).sort()).toEqual(['bootstrap-dev', 'bootstrap-tfc-acme-gke-multinet']);
  });

  test("are never selected by `cdktf deploy '<env>-*'`, and select only themselves", () => {
    const names = Object.keys(folderOf({ dev: cloud(), prod: gcs() }).stacks);
    expect(names.filter((n) => minimatch(n, 'dev-*')).sort()).toEqual(['dev-cluster', 'dev-network', 'dev-workloads']);
    expect(names.filter((n) => minimatch(n, 'prod-*')).sort()).toEqual(['prod-cluster', 'prod-network', 'prod-workloads']);
    expect(names.filter((n) => minimatch(n, 'bootstrap-dev'))).toEqual(['bootstrap-dev']);
  });

  test('keep their state where docs/backends.md says, in state/, which git ignores as it says', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'docs/backends.md'), 'utf8');
    const gitignore = readFileSync(path.join(PROJECT_ROOT, '.gitignore'), 'utf8').split('\n');
    expect(gitignore).toContain('state/');
    expect(readme).toContain('the bootstrap stacks keep **local state**, in\n`state/bootstrap-*.tfstate`. Like every local state, `state/` is git-ignored (`.gitignore`)');
    expect(readme).not.toMatch(/commit it to a private repository/);
  });

  test('keep their own state locally, and no environment stack reads it', () => {
    const { stacks } = folderOf({ dev: gcs() });
    expect(synthJson(stacks['bootstrap-state-acme-multinet-state']).terraform.backend).toEqual({ local: { path: '../../../state/bootstrap-state-acme-multinet-state.tfstate' } });
    for (const stack of ['dev-network', 'dev-cluster', 'dev-workloads']) expect(JSON.stringify(synthJson(stacks[stack]))).not.toContain('bootstrap');
  });
});

describe('environments sharing a backend', () => {
  const folder = folderOf({ a: gcs(), b: gcs(), c: gcs({ prefix: 'teams/c' }), t1: cloud(), t2: cloud() });
  const names = Object.keys(folder.stacks);
  const resources = (type: string): Json[] => names.flatMap((n) => values(synthJson(folder.stacks[n]), type).map((r) => ({ stack: n, ...r })));
  const data = (type: string) => names.flatMap((n) => Object.values(synthJson(folder.stacks[n]).data?.[type] ?? {}) as Json[]);

  test('create a shared state bucket once, for three environments', () => {
    expect(resources('google_storage_bucket').map((b) => [b.stack, b.name])).toEqual([['bootstrap-state-acme-multinet-state', 'acme-multinet-state']]);
  });

  test('keep each environment state at its own location in the shared bucket', () => {
    const prefixes = ['a', 'b', 'c'].flatMap((env) => ['network', 'cluster', 'workloads'].map((kind) => synthJson(folder.stacks[`${env}-${kind}`]).terraform.backend.gcs));
    expect(prefixes.every((b) => b.bucket === 'acme-multinet-state')).toBe(true);
    expect(new Set(prefixes.map((b) => b.prefix)).size).toBe(9);
    expect(prefixes.map((b) => b.prefix)).toContain('teams/c/c-network');
  });

  test('create a shared Terraform Cloud project once, for two environments, each with its own workspaces', () => {
    expect(resources('tfe_project').map((p) => [p.stack, p.name])).toEqual([['bootstrap-tfc-acme-gke-multinet', 'gke-multinet']]);
    expect(data('tfe_project')).toEqual([{ organization: 'acme', name: 'gke-multinet' }, { organization: 'acme', name: 'gke-multinet' }]);
    expect(resources('tfe_workspace').map((w) => w.name).sort()).toEqual(['t1-cluster', 't1-network', 't1-workloads', 't2-cluster', 't2-network', 't2-workloads']);
  });

  test('leave each bootstrap deployable on its own (`cdktf deploy` refuses a stack whose dependencies are not selected)', () => {
    for (const name of names.filter((n) => n.startsWith('bootstrap-'))) expect([name, folder.stacks[name].dependencies]).toEqual([name, []]);
  });

  test('create nothing shared when the bucket and the project exist already', () => {
    const existing = folderOf({ a: gcs({ createBucket: false }), t1: cloud({ createProject: false }) });
    expect(Object.keys(existing.stacks).filter((s) => s.startsWith('bootstrap')).sort()).toEqual(['bootstrap-t1']);
    expect(values(synthJson(existing.stacks['bootstrap-t1']), 'tfe_project')).toEqual([]);
    expect(Object.values(synthJson(existing.stacks['bootstrap-t1']).data.tfe_project)).toEqual([{ organization: 'acme', name: 'gke-multinet' }]);
  });
});

describe('bootstrap-state-<bucket>', () => {
  const bucketStack = (extra: Json = {}) => folderOf({ prod: gcs(extra) }).stacks['bootstrap-state-acme-multinet-state'];

  test('creates the state bucket versioned, with uniform access, never public, in the project and region, never force-destroyed', () => {
    expect(synthText(bucketStack())).toHaveResourceWithProperties(StorageBucket, {
      name: 'acme-multinet-state',
      project: 'example-dev-project',
      location: 'us-central1',
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("records every read and write of the bucket's project's objects (Data Access audit logs, off by default in GCP)", () => {
    expect(synthText(bucketStack())).toHaveResourceWithProperties(ProjectIamAuditConfig, {
      project: 'example-dev-project',
      service: 'storage.googleapis.com',
      audit_log_config: [{ log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
    });
  });

  test('keeps the newest 100 earlier versions of each state by default (GCS counts the live one among the newer)', () => {
    expect(synthText(bucketStack())).toHaveResourceWithProperties(StorageBucket, {
      lifecycle_rule: [{ action: { type: 'Delete' }, condition: { with_state: 'ARCHIVED', num_newer_versions: 101 } }],
    });
  });

  test('keeps as many earlier versions as the file says, in the project and location it names', () => {
    expect(synthText(bucketStack({ keepNoncurrentVersions: 5, bucketProject: 'acme-admin-project', bucketLocation: 'EU' }))).toHaveResourceWithProperties(StorageBucket, {
      project: 'acme-admin-project',
      location: 'EU',
      lifecycle_rule: [{ action: { type: 'Delete' }, condition: { with_state: 'ARCHIVED', num_newer_versions: 6 } }],
    });
  });

  test('enables the Cloud Storage API first', () => {
    const json = synthJson(bucketStack());
    expect(values(json, 'google_project_service').map((s) => s.service)).toEqual(['storage.googleapis.com']);
    expect(values(json, 'google_storage_bucket')[0].depends_on).toEqual([expect.stringMatching(/^google_project_service\./)]);
  });
});

describe('bootstrap-<env> for cloud', () => {
  const bootstrap = stacksOf(cloud()).bootstrap!;
  const json = synthJson(bootstrap);
  const workspaceId = (kind: string) => `\${tfe_workspace.${Object.keys(json.resource.tfe_workspace).find((k) => k.startsWith(`tfc_workspace-${kind}_`))}.id}`;
  const account = (name: string) => `\${google_service_account.${Object.keys(json.resource.google_service_account).find((k) => k.startsWith(`${name}_`))}`;

  test('reads the Terraform Cloud project and creates none', () => {
    expect(values(json, 'tfe_project')).toEqual([]);
    expect(Object.values(json.data.tfe_project)).toEqual([{ organization: 'acme', name: 'gke-multinet' }]);
  });

  test('creates one CLI-driven workspace per stack, in the project, on the pinned Terraform version, without VCS', () => {
    const workspaces = values(json, 'tfe_workspace');
    expect(workspaces.map((w) => w.name).sort()).toEqual(['dev-cluster', 'dev-network', 'dev-workloads']);
    for (const w of workspaces) {
      expect(w).toMatchObject({ organization: 'acme', project_id: expect.stringMatching(/^\$\{data\.tfe_project\./), terraform_version: REMOTE_TERRAFORM_VERSION });
      expect(w).not.toHaveProperty('vcs_repo');
      expect(w).not.toHaveProperty('working_directory');
    }
    expect(synthText(bootstrap)).toHaveResourceWithProperties(Workspace, { name: 'dev-network', queue_all_runs: false });
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
    const agents = stacksOf(cloud({ agentPool: 'gke-agents' })).bootstrap!;
    expect(synthText(agents)).toHaveResourceWithProperties(WorkspaceSettings, {
      execution_mode: 'agent',
      agent_pool_id: expect.stringMatching(/^\$\{data\.tfe_agent_pool\./),
    });
  });

  test('fails the plan, saying how to allow it, when the agent pool admits neither the organization nor the project', () => {
    const pool = Object.values(synthJson(stacksOf(cloud({ agentPool: 'gke-agents' })).bootstrap!).data.tfe_agent_pool)[0] as Json;
    expect(pool).toMatchObject({ organization: 'acme', name: 'gke-agents' });
    expect(pool.lifecycle.postcondition).toEqual([
      {
        condition: expect.stringMatching(/^\$\{self\.organization_scoped \|\| contains\(self\.allowed_project_ids, data\.tfe_project\.[^.]+\.id\) \|\| length\(self\.allowed_workspace_ids\) > 0\}$/),
        error_message: expect.stringContaining('allow that project (or all workspaces of the organization), then plan again'),
      },
    ]);
  });

  test('checks, on each workspace, that the agent pool admits it: excluded, or neither it nor its project allowed, fails', () => {
    const agents = synthJson(stacksOf(cloud({ agentPool: 'gke-agents' })).bootstrap!);
    const settings = values(agents, 'tfe_workspace_settings');
    expect(settings).toHaveLength(3);
    const conditions = settings.map((s) => s.lifecycle.precondition[0]);
    const pool = Object.keys(agents.data.tfe_agent_pool)[0];
    const project = Object.keys(agents.data.tfe_project)[0];
    const evaluation = (data: Json) => ({
      locals: { pool: data, project: { id: 'prj-1' }, workspace: { id: 'ws-1' } },
      checks: {
        settings: {
          value: 'ok',
          precondition: [
            {
              condition: conditions[0].condition
                .replaceAll(`data.tfe_agent_pool.${pool}`, 'local.pool')
                .replaceAll(`data.tfe_project.${project}`, 'local.project')
                .replace(/tfe_workspace\.[A-Za-z0-9_-]+\./g, 'local.workspace.'),
              error_message: 'refused',
            },
          ],
        },
      },
    });
    const pool0 = { organization_scoped: false, allowed_project_ids: [], allowed_workspace_ids: [], excluded_workspace_ids: [] };
    expect(conditions.every((c) => c.error_message.includes('does not admit workspace'))).toBe(true);
    // Workspace ws-1 in project prj-1, against each way a pool admits (or not) its workspaces: one terraform run.
    const results = applyEvaluations({
      organization: evaluation({ ...pool0, organization_scoped: true }),
      organizationExcluded: evaluation({ ...pool0, organization_scoped: true, excluded_workspace_ids: ['ws-1'] }),
      project: evaluation({ ...pool0, allowed_project_ids: ['prj-1'] }),
      workspace: evaluation({ ...pool0, allowed_workspace_ids: ['ws-1'] }),
      otherWorkspace: evaluation({ ...pool0, allowed_workspace_ids: ['ws-2'] }),
    });
    expect(Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.ok]))).toEqual({ organization: true, organizationExcluded: false, project: true, workspace: true, otherWorkspace: false });
  });

  test('trusts the Terraform Cloud issuer only for this organization, by id and name, this project and these workspaces', () => {
    expect(synthText(bootstrap)).toHaveResourceWithProperties(IamWorkloadIdentityPoolProvider, {
      workload_identity_pool_provider_id: 'terraform-cloud',
      oidc: { issuer_uri: 'https://app.terraform.io' },
      attribute_mapping: expect.objectContaining({ 'attribute.terraform_organization_id': 'assertion.terraform_organization_id' }),
      attribute_condition:
        'assertion.terraform_organization_id == "org-AbCdEfGhIjKlMnOp" && assertion.terraform_organization_name == "acme" && assertion.terraform_project_name == "gke-multinet" && assertion.terraform_workspace_name in ["dev-network", "dev-cluster", "dev-workloads"]',
    });
    expect(values(json, 'google_iam_workload_identity_pool')).toEqual([expect.objectContaining({ workload_identity_pool_id: 'tfc-dev', project: 'example-dev-project' })]);
  });

  test("takes a private Terraform Enterprise issuer's keys from the file", () => {
    const jwks = '{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"abc","e":"AQAB"}]}';
    expect(synthText(stacksOf(cloud({ hostname: 'tfe.acme.internal', jwksJson: jwks })).bootstrap!)).toHaveResourceWithProperties(IamWorkloadIdentityPoolProvider, {
      oidc: { issuer_uri: 'https://tfe.acme.internal', jwks_json: jwks },
    });
  });

  test('gives the run service account exactly the listed roles, and none of the IAM administration roles', () => {
    const runs = values(json, 'google_project_iam_member').filter((b) => b.member.startsWith(account('gcp_run-sa')));
    expect(runs.map((b) => b.role).sort()).toEqual(TFC_RUN_ROLES.map((r) => r.role).sort());
    const all = values(json, 'google_project_iam_member').filter((b) => !b.member.startsWith(account('nodes_node-sa'))).map((b) => b.role);
    for (const role of ['roles/iam.serviceAccountAdmin', 'roles/resourcemanager.projectIamAdmin', 'roles/iam.serviceAccountUser', 'roles/owner', 'roles/editor']) {
      expect(all).not.toContain(role);
    }
    expect(runs.filter((b) => b.condition)).toEqual([]);
  });

  test('gives the workloads service account exactly its Kubernetes role, and nothing in the network', () => {
    const k8s = values(json, 'google_project_iam_member').filter((b) => b.member.startsWith(account('gcp_k8s-sa')));
    expect(k8s.map((b) => b.role)).toEqual(TFC_WORKLOADS_ROLES.map((r) => r.role));
    expect(k8s.map((b) => b.role).some((role) => role.startsWith('roles/compute.') || role.startsWith('roles/serviceusage.'))).toBe(false);
  });

  test('gives the plan service account exactly the read-only roles listed', () => {
    const plans = values(json, 'google_project_iam_member').filter((b) => b.member.startsWith(account('gcp_plan-sa')));
    expect(plans.map((b) => b.role).sort()).toEqual(TFC_PLAN_ROLES.map((r) => r.role).sort());
    expect(plans.map((b) => b.role).every((role) => /Viewer$/.test(role))).toBe(true);
  });

  test('creates the node service account with its roles, and lets the runs act as that one account only', () => {
    const nodes = values(json, 'google_project_iam_member').filter((b) => b.member.startsWith(account('nodes_node-sa')));
    expect(nodes.map((b) => b.role).sort()).toEqual([...NODE_SERVICE_ACCOUNT_ROLES].sort());
    expect(values(json, 'google_service_account').find((a) => a.account_id === 'multinet-dev-nodes')).toBeDefined();
    const actAs = values(json, 'google_service_account_iam_member').filter((u) => u.role === 'roles/iam.serviceAccountUser');
    expect(actAs.map((u) => [u.service_account_id, u.member])).toEqual([[`${account('nodes_node-sa')}.name}`, `${account('gcp_run-sa')}.member}`]]);
  });

  test('grants exactly what docs/security.md lists, identity by identity, role by role, with its scope', () => {
    // Each binding, as "<account id> <role> <scope>": the member and the bound account resolved to account ids.
    const idOf = (ref: string) => {
      const key = /^\$\{google_service_account\.([^.]+)\.(member|name)\}$/.exec(ref)?.[1];
      return key ? json.resource.google_service_account[key].account_id : ref;
    };
    const synthesized = [
      ...values(json, 'google_project_iam_member').map((b) => `${idOf(b.member)} ${b.role} the environment project`),
      ...values(json, 'google_service_account_iam_member')
        .filter((b) => b.role !== 'roles/iam.workloadIdentityUser')
        .map((b) => `${idOf(b.member)} ${b.role} ${idOf(b.service_account_id) === idOf(b.member) ? 'its own account only' : 'the node service account only'}`),
    ];
    const listed = identityGrants().map((g) => `${g.identity.replace('<env>', 'dev').replace('<cluster>', 'multinet-dev')} ${g.role} ${g.scope}`);
    expect(synthesized.sort()).toEqual(listed.sort());
  });

  test('lets the workloads identity mint tokens of itself, for the ephemeral Kubernetes token, and of no other account', () => {
    const creators = values(json, 'google_service_account_iam_member').filter((u) => u.role === 'roles/iam.serviceAccountTokenCreator');
    expect(creators.map((u) => [u.service_account_id, u.member])).toEqual([[`${account('gcp_k8s-sa')}.name}`, `${account('gcp_k8s-sa')}.member}`]]);
    expect(values(json, 'google_project_iam_member').map((b) => b.role)).not.toContain('roles/iam.serviceAccountTokenCreator');
  });

  test('lets the network and cluster workspaces plan as the read-only account and apply as the run account, each phase by workspace id, and workloads use their own', () => {
    const users = values(json, 'google_service_account_iam_member').filter((u) => u.role === 'roles/iam.workloadIdentityUser');
    const member = (attribute: string, kind: string, phase = '') =>
      expect.stringMatching(new RegExp(`^principalSet://iam\\.googleapis\\.com/\\$\\{google_iam_workload_identity_pool\\.[^}]+\\.name\\}/attribute\\.${attribute}/\\$\\{tfe_workspace\\.tfc_workspace-${kind}_[0-9A-F]+\\.id\\}${phase}$`));
    expect(users).toHaveLength(5);
    expect(users.map((u) => [u.service_account_id, u.member])).toEqual(expect.arrayContaining([
      [`${account('gcp_plan-sa')}.name}`, member('workspace_run_phase', 'cluster', ':plan')],
      [`${account('gcp_plan-sa')}.name}`, member('workspace_run_phase', 'network', ':plan')],
      [`${account('gcp_run-sa')}.name}`, member('workspace_run_phase', 'cluster', ':apply')],
      [`${account('gcp_run-sa')}.name}`, member('workspace_run_phase', 'network', ':apply')],
      [`${account('gcp_k8s-sa')}.name}`, member('terraform_workspace_id', 'workloads')],
    ]));
    expect(synthText(bootstrap)).toHaveResourceWithProperties(IamWorkloadIdentityPoolProvider, {
      attribute_mapping: expect.objectContaining({ 'attribute.workspace_run_phase': 'assertion.terraform_workspace_id + ":" + assertion.terraform_run_phase' }),
    });
  });

  test('hands each workspace its plan and apply identities, and the provider through a variable set of these workspaces, and creates no key', () => {
    const variables = values(json, 'tfe_variable');
    const shared = Object.fromEntries(variables.filter((v) => v.variable_set_id).map((v) => [v.key, v.value]));
    expect(shared).toEqual({ TFC_GCP_PROVIDER_AUTH: 'true', TFC_GCP_WORKLOAD_PROVIDER_NAME: expect.stringMatching(/^\$\{google_iam_workload_identity_pool_provider\..+\.name\}$/) });
    const byWorkspace = (kind: string) => Object.fromEntries(variables.filter((v) => v.workspace_id === workspaceId(kind)).map((v) => [v.key, v.value]));
    expect(byWorkspace('network')).toEqual({ TFC_GCP_PLAN_SERVICE_ACCOUNT_EMAIL: `${account('gcp_plan-sa')}.email}`, TFC_GCP_APPLY_SERVICE_ACCOUNT_EMAIL: `${account('gcp_run-sa')}.email}` });
    expect(byWorkspace('cluster')).toEqual(byWorkspace('network'));
    expect(byWorkspace('workloads')).toEqual({ TFC_GCP_PLAN_SERVICE_ACCOUNT_EMAIL: `${account('gcp_k8s-sa')}.email}`, TFC_GCP_APPLY_SERVICE_ACCOUNT_EMAIL: `${account('gcp_k8s-sa')}.email}` });
    expect(variables.every((v) => v.category === 'env' && v.sensitive === false)).toBe(true);
    expect(values(json, 'tfe_workspace_variable_set').map((a) => a.workspace_id).sort()).toEqual(['network', 'cluster', 'workloads'].map(workspaceId).sort());
    expect(JSON.stringify(json)).not.toMatch(/google_service_account_key|GOOGLE_CREDENTIALS|"token"/);
  });

  test('are listed in docs/backends.md, each with why, as the run and plan service accounts have them', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'docs/backends.md'), 'utf8');
    for (const r of [...TFC_RUN_ROLES, ...TFC_PLAN_ROLES, ...TFC_WORKLOADS_ROLES]) expect(readme).toContain(`| \`${r.role}\` | ${r.why} |`);
    expect(readme).toContain(`| \`roles/iam.serviceAccountUser\` on the node service account only | ${TFC_RUN_ACT_AS_NODES} |`);
    expect(readme).toContain(`| \`roles/iam.serviceAccountTokenCreator\` on the workloads account itself only | ${TFC_WORKLOADS_OWN_TOKEN} |`);
    expect(readme).toContain(`executed remotely on Terraform ${REMOTE_TERRAFORM_VERSION}`);
  });

  test('configures the tfe provider with the host and organization only, never a token', () => {
    expect(json.provider.tfe).toEqual([{ hostname: 'app.terraform.io', organization: 'acme' }]);
  });
});
