import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { NODE_SERVICE_ACCOUNT_ROLES, ProjectApis, RunRole, StateBucket, TfcWorkloadIdentity, TfcWorkspaces } from '../modules';
import { configureLocalBackend } from './backend';
import { STACK_KINDS, type CloudBackendPlan, type EnvironmentPlan, type GcsBackendPlan } from './environment';
import { REQUIRED_TERRAFORM, addGoogleProvider, prepareWithoutCrossStackReferences } from './environment-stack';

/** Terraform version of every remote run: the one this product's tests run, within REQUIRED_TERRAFORM. */
export const REMOTE_TERRAFORM_VERSION = '1.11.4';

/**
 * What the runs of the three stacks do in GCP, and so the project roles of the run service account (README, "Terraform
 * Cloud"). Nothing else: no Owner, no Editor, and role grants limited to the node service account's roles.
 */
export const TFC_RUN_ROLES: readonly RunRole[] = [
  {
    role: 'roles/serviceusage.serviceUsageAdmin',
    why: 'network stack: enables the Compute Engine, Kubernetes Engine and IAM APIs (google_project_service)',
  },
  {
    role: 'roles/compute.networkAdmin',
    why: 'network stack: VPCs, subnets and their secondary ranges, Cloud Router and NAT; reads existing networks',
  },
  {
    role: 'roles/compute.securityAdmin',
    why: 'network stack: the internal firewall rule of each created additional network (Compute Network Admin cannot manage firewall rules)',
  },
  {
    role: 'roles/container.admin',
    why: 'cluster stack: the cluster and its node pools; workloads stack: GKE grants it full Kubernetes API access, needed to install the CRDs, ClusterRoles, bindings and the kube-system DaemonSet',
  },
  { role: 'roles/iam.serviceAccountAdmin', why: 'cluster stack: creates the node service account' },
  { role: 'roles/iam.serviceAccountUser', why: 'cluster stack: the nodes run as the node service account, which needs iam.serviceAccounts.actAs' },
  {
    role: 'roles/resourcemanager.projectIamAdmin',
    why: "cluster stack: grants the node service account its roles; the condition allows granting those roles and no other",
    condition: {
      title: 'Node service account roles only',
      expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${NODE_SERVICE_ACCOUNT_ROLES.map((r) => `'${r}'`).join(', ')}])`,
    },
  },
];

/** Which stack reads which: the network stack's state is read by the cluster and workloads stacks, the cluster's by workloads. */
const STATE_CONSUMERS = { network: ['cluster', 'workloads'], cluster: ['workloads'], workloads: [] } as const;

/**
 * `bootstrap-<env>`: what a remote backend needs before any environment stack can keep its state there, deployed once
 * by an administrator, with local state (a backend cannot hold the state of its own creation). Its name does not
 * match `<env>-*`, so `cdktf deploy '<env>-*'` never selects it, and no environment stack reads its state.
 */
export class BootstrapStack extends TerraformStack {
  readonly stackName: string;

  constructor(scope: Construct, plan: EnvironmentPlan) {
    if (!plan.bootstrapStackName || plan.backend.type === 'local') throw new Error(`environment ${plan.name} has a local backend: it needs no bootstrap`);
    const stackName = plan.bootstrapStackName;
    super(scope, stackName);
    this.stackName = stackName;
    configureLocalBackend(this, stackName);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    addGoogleProvider(this, plan);
    if (plan.backend.type === 'gcs') this.stateBucket(plan, plan.backend);
    else this.terraformCloud(plan, plan.backend);
  }

  /** As the environment stacks: no cross-stack references, no preparing pass (see prepareWithoutCrossStackReferences). */
  override prepareStack(): void {
    prepareWithoutCrossStackReferences(this);
  }

  private stateBucket(plan: EnvironmentPlan, backend: GcsBackendPlan): void {
    const apis = new ProjectApis(this, 'apis', { project: plan.project, services: ['storage.googleapis.com'] });
    const state = new StateBucket(this, 'state', { project: plan.project, name: backend.bucket, location: plan.region, dependsOn: apis.services });
    new TerraformOutput(this, 'state_bucket', { description: 'The bucket every stack of the environment keeps its state in.', value: state.bucket.name });
  }

  private terraformCloud(plan: EnvironmentPlan, backend: CloudBackendPlan): void {
    // The token is the administrator's (terraform login or TFE_TOKEN), never written here.
    new TfeProvider(this, 'tfe', { hostname: backend.hostname, organization: backend.organization });
    const tfc = new TfcWorkspaces(this, 'tfc', {
      organization: backend.organization,
      projectName: backend.project,
      terraformVersion: REMOTE_TERRAFORM_VERSION,
      agentPoolName: backend.agentPool,
      workspaces: Object.fromEntries(
        STACK_KINDS.map((kind) => [
          kind,
          { name: backend.workspaces[kind], description: `${plan.name}-${kind} of gke-multinet`, stateConsumers: STATE_CONSUMERS[kind] },
        ]),
      ),
    });
    const apis = new ProjectApis(this, 'apis', {
      project: plan.project,
      services: ['iam.googleapis.com', 'iamcredentials.googleapis.com', 'sts.googleapis.com', 'cloudresourcemanager.googleapis.com'],
    });
    const identity = new TfcWorkloadIdentity(this, 'gcp', {
      project: plan.project,
      hostname: backend.hostname,
      organization: backend.organization,
      tfcProject: backend.project,
      workspaces: Object.fromEntries(STACK_KINDS.map((kind) => [kind, { name: backend.workspaces[kind], id: tfc.workspaces.get(kind)!.id }])),
      poolId: backend.workloadIdentityPoolId,
      runServiceAccountId: backend.runServiceAccountId,
      roles: TFC_RUN_ROLES,
      dependsOn: apis.services,
    });
    // Dynamic provider credentials: the runs exchange their workload identity token for the run service account's.
    tfc.addEnvironmentVariables('gcp-credentials', `${plan.name} GCP dynamic credentials`, {
      TFC_GCP_PROVIDER_AUTH: 'true',
      TFC_GCP_RUN_SERVICE_ACCOUNT_EMAIL: identity.runServiceAccountEmail,
      TFC_GCP_WORKLOAD_PROVIDER_NAME: identity.providerName,
    });
    new TerraformOutput(this, 'workspaces', {
      description: 'Terraform Cloud workspace of each stack.',
      value: Object.fromEntries(STACK_KINDS.map((kind) => [kind, backend.workspaces[kind]])),
    });
    new TerraformOutput(this, 'workload_identity_provider', { description: 'Workload Identity provider the runs authenticate with.', value: identity.providerName });
    new TerraformOutput(this, 'run_service_account', { description: 'Service account every run impersonates.', value: identity.runServiceAccountEmail });
  }
}
