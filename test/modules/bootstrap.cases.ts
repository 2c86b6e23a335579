import { Testing } from 'cdktf';
import { NodeServiceAccount, StateBucket, TfcProject, TfcWorkloadIdentity, TfcWorkloadIdentityProps, TfcWorkspaces, TfcWorkspacesProps } from '../../modules';

describe('StateBucket', () => {
  test('rejects keeping no earlier state version', () => {
    expect(() => Testing.synthScope((scope) => new StateBucket(scope, 'state', { name: 'acme-state', location: 'us-central1', keepNoncurrentVersions: 0 }))).toThrow(
      'StateBucket "state": keepNoncurrentVersions 0 must be an integer from 1 to 10000',
    );
  });

  test('rejects a bucket name GCS refuses', () => {
    expect(() => Testing.synthScope((scope) => new StateBucket(scope, 'state', { name: 'Acme_State', location: 'us-central1' }))).toThrow(
      'StateBucket "state": name "Acme_State" is not a GCS bucket name',
    );
  });
});

describe('StateBucket audit logs', () => {
  test('records Data Access of the project by default, and not when told the project records them already', () => {
    const types = (auditDataAccess?: boolean) =>
      Object.keys(JSON.parse(Testing.synthScope((scope) => new StateBucket(scope, 'state', { name: 'acme-state', location: 'us-central1', project: 'p-123456', auditDataAccess }))).resource).sort();
    expect(types()).toEqual(['google_project_iam_audit_config', 'google_storage_bucket']);
    expect(types(false)).toEqual(['google_storage_bucket']);
  });
});

describe('TfcWorkloadIdentity', () => {
  const identity = (accountId: string) => ({ accountId, displayName: accountId, description: accountId, roles: [{ role: 'roles/compute.networkViewer', why: 'networks' }] });
  const props: TfcWorkloadIdentityProps = {
    project: 'example-dev-project',
    hostname: 'app.terraform.io',
    organization: 'acme',
    organizationId: 'org-AbCdEfGhIjKlMnOp',
    tfcProject: 'gke-multinet',
    identities: { plan: identity('dev-tfc-plan'), run: identity('dev-tfc-runs') },
    workspaces: { network: { name: 'dev-network', id: 'ws-123', plan: 'plan', apply: 'run' } },
    poolId: 'tfc-dev',
  };
  const synth = (overrides: Partial<TfcWorkloadIdentityProps>) => Testing.synthScope((scope) => new TfcWorkloadIdentity(scope, 'gcp', { ...props, ...overrides }));

  test('rejects an organization id that is none (a name where the id belongs)', () => {
    expect(() => synth({ organizationId: 'acme' })).toThrow('TfcWorkloadIdentity "gcp": organizationId "acme" is not a Terraform Cloud organization id');
  });

  test('rejects a pool id GCP refuses', () => {
    expect(() => synth({ poolId: 'gcp-runs' })).toThrow('TfcWorkloadIdentity "gcp": poolId "gcp-runs" must be 4-32 lowercase letters, digits and hyphens, not starting with "gcp-"');
  });

  test('rejects a workspace name that would break out of the CEL condition', () => {
    expect(() => synth({ workspaces: { network: { name: 'dev"||true', id: 'ws-1', plan: 'plan', apply: 'run' } } })).toThrow('may not contain quotes or backslashes');
  });

  test('rejects a service account id too short for GCP', () => {
    expect(() => synth({ identities: { plan: identity('plan'), run: identity('dev-tfc-runs') } })).toThrow('TfcWorkloadIdentity "gcp": identities.plan.accountId "plan" must be 6 to 30 characters');
  });

  test('rejects one account for two identities: plans need an identity of their own', () => {
    expect(() => synth({ identities: { plan: identity('dev-tfc-runs'), run: identity('dev-tfc-runs') } })).toThrow(
      'TfcWorkloadIdentity "gcp": identities.run.accountId "dev-tfc-runs" is also identities.plan.accountId: each identity needs an account of its own',
    );
  });

  test('rejects a workspace phase that names no identity', () => {
    expect(() => synth({ workspaces: { network: { name: 'dev-network', id: 'ws-1', plan: 'plan', apply: 'admin' } } })).toThrow(
      'TfcWorkloadIdentity "gcp": workspaces.network.apply names "admin", which is not one of the identities',
    );
  });

  test('rejects acting as an account for an identity that does not exist', () => {
    expect(() => synth({ actAs: [{ key: 'nodes', identity: 'admin', serviceAccount: 'projects/p/serviceAccounts/n@p.iam.gserviceaccount.com', why: 'x' }] })).toThrow(
      'TfcWorkloadIdentity "gcp": actAs.nodes.identity "admin" is not one of the identities',
    );
  });
});

describe('TfcWorkspaces', () => {
  const props: TfcWorkspacesProps = {
    organization: 'acme',
    projectName: 'gke-multinet',
    terraformVersion: '1.11.4',
    workspaces: { network: { name: 'dev-network', description: 'network', stateConsumers: ['cluster'] }, cluster: { name: 'dev-cluster', description: 'cluster' } },
  };
  const synth = (overrides: Partial<TfcWorkspacesProps>) => Testing.synthScope((scope) => new TfcWorkspaces(scope, 'tfc', { ...props, ...overrides }));

  test('rejects a workspace name Terraform Cloud refuses', () => {
    expect(() => synth({ workspaces: { network: { name: 'dev network', description: 'x' } } })).toThrow('TfcWorkspaces "tfc": workspaces.network.name "dev network" is not a workspace name');
  });

  test('rejects state sharing with a workspace it does not create', () => {
    expect(() => synth({ workspaces: { network: { name: 'dev-network', description: 'x', stateConsumers: ['workloads'] } } })).toThrow(
      'TfcWorkspaces "tfc": workspaces.network.stateConsumers names "workloads", which is not one of the workspaces',
    );
  });

  test('rejects a Terraform version range: every run must plan with the same version', () => {
    expect(() => synth({ terraformVersion: '~> 1.11' })).toThrow('TfcWorkspaces "tfc": terraformVersion "~> 1.11" must be an exact version');
  });
});

describe('TfcProject', () => {
  test('rejects a project name Terraform Cloud refuses', () => {
    expect(() => Testing.synthScope((scope) => new TfcProject(scope, 'tfc', { organization: 'acme', name: ' x' }))).toThrow('TfcProject "tfc": name " x" is not a Terraform Cloud project name');
  });
});

describe('NodeServiceAccount', () => {
  test('rejects an account id too short for GCP', () => {
    expect(() => Testing.synthScope((scope) => new NodeServiceAccount(scope, 'nodes', { project: 'example-dev-project', accountId: 'nodes', clusterName: 'c' }))).toThrow(
      'NodeServiceAccount "nodes": nodeServiceAccountId "nodes" must be 6 to 30 characters',
    );
  });
});

describe('TfcWorkspaces variables', () => {
  test('rejects variables for a workspace it does not create', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new TfcWorkspaces(scope, 'tfc', { organization: 'acme', projectName: 'p-1', terraformVersion: '1.11.4', workspaces: { network: { name: 'dev-network', description: 'x' } } }).addWorkspaceVariables('cluster', { A: 'b' });
      }),
    ).toThrow('TfcWorkspaces "tfc": addWorkspaceVariables names "cluster", which is not one of the workspaces');
  });
});
