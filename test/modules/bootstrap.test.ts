import { Testing } from 'cdktf';
import { StateBucket, TfcWorkloadIdentity, TfcWorkloadIdentityProps, TfcWorkspaces, TfcWorkspacesProps } from '../../modules';

describe('StateBucket', () => {
  test('rejects a bucket name GCS refuses', () => {
    expect(() => Testing.synthScope((scope) => new StateBucket(scope, 'state', { name: 'Acme_State', location: 'us-central1' }))).toThrow(
      'StateBucket "state": name "Acme_State" is not a GCS bucket name',
    );
  });
});

describe('TfcWorkloadIdentity', () => {
  const props: TfcWorkloadIdentityProps = {
    project: 'example-dev-project',
    hostname: 'app.terraform.io',
    organization: 'acme',
    tfcProject: 'gke-multinet',
    workspaces: { network: { name: 'dev-network', id: 'ws-123' } },
    poolId: 'tfc-dev',
    runServiceAccountId: 'dev-tfc-runs',
    roles: [{ role: 'roles/compute.networkAdmin', why: 'networks' }],
  };
  const synth = (overrides: Partial<TfcWorkloadIdentityProps>) => Testing.synthScope((scope) => new TfcWorkloadIdentity(scope, 'gcp', { ...props, ...overrides }));

  test('rejects a pool id GCP refuses', () => {
    expect(() => synth({ poolId: 'gcp-runs' })).toThrow('TfcWorkloadIdentity "gcp": poolId "gcp-runs" must be 4-32 lowercase letters, digits and hyphens, not starting with "gcp-"');
  });

  test('rejects a workspace name that would break out of the CEL condition', () => {
    expect(() => synth({ workspaces: { network: { name: 'dev"||true', id: 'ws-1' } } })).toThrow('may not contain quotes or backslashes');
  });

  test('rejects a run service account id too short for GCP', () => {
    expect(() => synth({ runServiceAccountId: 'runs' })).toThrow('TfcWorkloadIdentity "gcp": runServiceAccountId "runs" must be 6 to 30 characters');
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
