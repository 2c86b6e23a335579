import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { NodeServiceAccount, ProjectApis, RunRole, StateBucket, TfcProject, TfcWorkloadIdentity, TfcWorkspaces } from '../modules';
import { configureLocalBackend } from './backend';
import { STACK_KINDS, type CloudBackendPlan, type CreatedBucketPlan, type EnvironmentPlan, type StackKind } from './environment';
import { REQUIRED_TERRAFORM, addGoogleProvider, prepareWithoutCrossStackReferences } from './environment-stack';

/** Terraform version of every remote run: the one this product's tests run, within REQUIRED_TERRAFORM. */
export const REMOTE_TERRAFORM_VERSION = '1.11.4';

/**
 * What the applies of the three stacks do in GCP, and so the project roles of the run service account (README,
 * "Terraform Cloud"). No Owner or Editor, no IAM administration: the node service account and its roles come from
 * bootstrap-<env>, and the runs may act as that one account (`roles/iam.serviceAccountUser` on it, not on the project).
 */
export const TFC_RUN_ROLES: readonly RunRole[] = [
  {
    role: 'roles/serviceusage.serviceUsageAdmin',
    why: 'network stack: enables the Compute Engine, Kubernetes Engine, IAM and Cloud Resource Manager APIs (google_project_service)',
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
    role: 'roles/container.clusterAdmin',
    why: 'cluster stack: the cluster and its node pools (Kubernetes Engine Cluster Admin manages clusters, not the Kubernetes objects inside them)',
  },
];

/**
 * What the workloads workspace does, at plan and at apply: its own identity, so that whoever may queue a plan there
 * gets Kubernetes access and nothing in the network or the rest of the project.
 */
export const TFC_WORKLOADS_ROLES: readonly RunRole[] = [
  {
    role: 'roles/container.admin',
    why: 'workloads stack: GKE grants it full Kubernetes API access, needed to install the CRDs, ClusterRoles, bindings and the kube-system DaemonSet (Kubernetes Engine Developer cannot create RBAC objects)',
  },
];

/**
 * What the plans of the network and cluster workspaces read: the refresh of every resource those stacks manage, and
 * their data sources. Read-only; a plan cannot change anything in GCP.
 */
export const TFC_PLAN_ROLES: readonly RunRole[] = [
  { role: 'roles/serviceusage.serviceUsageViewer', why: 'network stack: reads the state of the enabled APIs (google_project_service)' },
  { role: 'roles/compute.networkViewer', why: 'network stack: reads VPCs, subnets, firewall rules, Cloud Router and NAT, and existing networks' },
  { role: 'roles/container.clusterViewer', why: 'cluster stack: reads the cluster, its node pools and the versions GKE offers (google_container_engine_versions)' },
];

/** Why the workloads identity may mint tokens of itself (granted on that account only). */
export const TFC_WORKLOADS_OWN_TOKEN =
  'workloads stack: the kubernetes and helm providers take an ephemeral access token of this account at plan and at apply (google_service_account_access_token), which never reaches state';

/** Why the applies may act as the node service account (granted on that account, not on the project). */
export const TFC_RUN_ACT_AS_NODES = 'cluster stack: node pools run as the node service account, which needs iam.serviceAccounts.actAs on that account';

/** Which stack reads which: the network stack's state is read by the cluster and workloads stacks, the cluster's by workloads. */
const STATE_CONSUMERS = { network: ['cluster', 'workloads'], cluster: ['workloads'], workloads: [] } as const;

/**
 * Which identity each workspace's plans and applies impersonate. The workloads stack opens an ephemeral Kubernetes token
 * of its identity in each phase; one identity serves both (its plan refreshes what its apply manages), kept apart from
 * the network and cluster identities.
 */
const IDENTITIES: Readonly<Record<StackKind, { readonly plan: 'plan' | 'run' | 'k8s'; readonly apply: 'plan' | 'run' | 'k8s' }>> = {
  network: { plan: 'plan', apply: 'run' },
  cluster: { plan: 'plan', apply: 'run' },
  workloads: { plan: 'k8s', apply: 'k8s' },
};

/** Local state, no cross-stack references: what every bootstrap stack shares. */
abstract class LocalBootstrapStack extends TerraformStack {
  constructor(scope: Construct, readonly stackName: string) {
    super(scope, stackName);
    configureLocalBackend(this, stackName);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
  }

  /** As the environment stacks: no cross-stack references, no preparing pass (see prepareWithoutCrossStackReferences). */
  override prepareStack(): void {
    prepareWithoutCrossStackReferences(this);
  }
}

/**
 * `bootstrap-<env>` (Terraform Cloud backends): what an administrator creates once so that the environment's runs need
 * no IAM power: its three workspaces in the (shared) Terraform Cloud project, dynamic credentials with a read-only plan
 * identity and an apply identity, and the node service account with its roles. Local state; its name does not match
 * `<env>-*`, so `cdktf deploy '<env>-*'` never selects it, and no environment stack reads its state.
 */
export class BootstrapStack extends LocalBootstrapStack {
  constructor(scope: Construct, plan: EnvironmentPlan) {
    if (!plan.bootstrapStackName || plan.backend.type !== 'cloud') throw new Error(`environment ${plan.name} does not run on Terraform Cloud: it needs no bootstrap-<env>`);
    super(scope, plan.bootstrapStackName);
    addGoogleProvider(this, plan);
    this.terraformCloud(plan, plan.backend);
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
    // Granting roles is the administrator's job: the runs hold no IAM administration role.
    const nodes = new NodeServiceAccount(this, 'nodes', {
      project: plan.project,
      accountId: plan.cluster.nodeServiceAccountId,
      clusterName: plan.cluster.name,
      dependsOn: apis.services,
    });
    const identity = new TfcWorkloadIdentity(this, 'gcp', {
      project: plan.project,
      hostname: backend.hostname,
      organization: backend.organization,
      organizationId: backend.organizationId,
      tfcProject: backend.project,
      jwksJson: backend.jwksJson,
      identities: {
        run: {
          accountId: backend.runServiceAccountId,
          displayName: `Terraform Cloud applies of ${plan.name}-network and -cluster`,
          description: 'Impersonated by the applies of the network and cluster workspaces through Workload Identity Federation; it has no key',
          roles: TFC_RUN_ROLES,
        },
        plan: {
          accountId: backend.planServiceAccountId,
          displayName: `Terraform Cloud plans of ${plan.name}-network and -cluster`,
          description: 'Read-only identity of the plans of the network and cluster workspaces, through Workload Identity Federation; it has no key',
          roles: TFC_PLAN_ROLES,
        },
        k8s: {
          accountId: backend.workloadsServiceAccountId,
          displayName: `Terraform Cloud runs of ${plan.name}-workloads`,
          description: 'Plans and applies of the workloads workspace (Kubernetes only), through Workload Identity Federation; it has no key',
          roles: TFC_WORKLOADS_ROLES,
        },
      },
      workspaces: Object.fromEntries(
        STACK_KINDS.map((kind) => [kind, { name: backend.workspaces[kind], id: tfc.workspaces.get(kind)!.id, ...IDENTITIES[kind] }]),
      ),
      poolId: backend.workloadIdentityPoolId,
      actAs: [{ key: 'nodes', identity: 'run', serviceAccount: nodes.serviceAccount.name, why: TFC_RUN_ACT_AS_NODES }],
      ownTokens: [{ identity: 'k8s', why: TFC_WORKLOADS_OWN_TOKEN }],
      dependsOn: apis.services,
    });
    const email = (key: string) => identity.serviceAccounts.get(key)!.email;
    // Dynamic provider credentials: the runs exchange their workload identity token for a service account's.
    tfc.addEnvironmentVariables('gcp-credentials', `${plan.name} GCP dynamic credentials`, {
      TFC_GCP_PROVIDER_AUTH: 'true',
      TFC_GCP_WORKLOAD_PROVIDER_NAME: identity.providerName,
    });
    for (const kind of STACK_KINDS) {
      tfc.addWorkspaceVariables(kind, {
        TFC_GCP_PLAN_SERVICE_ACCOUNT_EMAIL: email(IDENTITIES[kind].plan),
        TFC_GCP_APPLY_SERVICE_ACCOUNT_EMAIL: email(IDENTITIES[kind].apply),
      });
    }
    new TerraformOutput(this, 'workspaces', {
      description: 'Terraform Cloud workspace of each stack.',
      value: Object.fromEntries(STACK_KINDS.map((kind) => [kind, backend.workspaces[kind]])),
    });
    new TerraformOutput(this, 'workload_identity_provider', { description: 'Workload Identity provider the runs authenticate with.', value: identity.providerName });
    new TerraformOutput(this, 'run_service_account', { description: 'Service account the network and cluster applies impersonate.', value: email('run') });
    new TerraformOutput(this, 'plan_service_account', { description: 'Read-only service account the network and cluster plans impersonate.', value: email('plan') });
    new TerraformOutput(this, 'workloads_service_account', { description: 'Service account the workloads plans and applies impersonate (Kubernetes only).', value: email('k8s') });
    new TerraformOutput(this, 'node_service_account', { description: 'Service account the nodes run as.', value: nodes.email });
  }
}

/** What a shared state bucket is, as the environments that name it agree (the shared-backends folder rule). */
export interface StateBucketStackProps extends CreatedBucketPlan {
  readonly bucket: string;
}

/**
 * `bootstrap-state-<bucket>`: a state bucket several environments share, created once by an administrator, with
 * local state. Each environment keeps its states under its own prefix; nothing here is per environment.
 */
export class StateBucketStack extends LocalBootstrapStack {
  constructor(scope: Construct, props: StateBucketStackProps) {
    super(scope, props.stackName);
    // Labels say which tool owns the bucket; it belongs to no single environment.
    new GoogleProvider(this, 'google', { project: props.project, region: props.location, defaultLabels: { managed_by: 'cdktf' } });
    const apis = new ProjectApis(this, 'apis', { project: props.project, services: ['storage.googleapis.com'] });
    const state = new StateBucket(this, 'state', {
      project: props.project,
      name: props.bucket,
      location: props.location,
      keepNoncurrentVersions: props.keepNoncurrentVersions,
      dependsOn: apis.services,
    });
    new TerraformOutput(this, 'state_bucket', { description: 'The bucket the environments keep their state in.', value: state.bucket.name });
  }
}

export interface TfcProjectStackProps {
  readonly stackName: string;
  readonly hostname: string;
  readonly organization: string;
  readonly project: string;
}

/** `bootstrap-tfc-<organization>-<project>`: a Terraform Cloud project several environments share, created once. */
export class TfcProjectStack extends LocalBootstrapStack {
  constructor(scope: Construct, props: TfcProjectStackProps) {
    super(scope, props.stackName);
    new TfeProvider(this, 'tfe', { hostname: props.hostname, organization: props.organization });
    const project = new TfcProject(this, 'tfc', { organization: props.organization, name: props.project, description: 'gke-multinet environments' });
    new TerraformOutput(this, 'project_id', { description: 'Id of the Terraform Cloud project.', value: project.project.id });
  }
}
