import { Construct } from 'constructs';
import type { TerraformStack } from 'cdktf';
import { BootstrapStack, StateBucketStack, TfcProjectStack } from './bootstrap-stack';
import { ClusterStack } from './cluster-stack';
import type { EnvironmentPlan } from './environment';
import { NetworkStack } from './network-stack';
import { PolicyAspect } from './policy';
import { WorkloadsStack } from './workloads-stack';

export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly workloads: WorkloadsStack;
  /** `bootstrap-<env>`, for a Terraform Cloud backend: deployed by an administrator, before the others. */
  readonly bootstrap?: BootstrapStack;
  /** Checks every resource of these stacks against the policy rules (see `enforcePolicy`). */
  readonly policy: PolicyAspect;
}

/** The stacks of one environment, wired network -> cluster -> workloads, and the bootstrap of its backend. */
export function buildEnvironment(scope: Construct, plan: EnvironmentPlan): EnvironmentStacks {
  const network = new NetworkStack(scope, plan);
  const cluster = new ClusterStack(scope, plan, { network });
  const workloads = new WorkloadsStack(scope, plan, { network, cluster });
  const bootstrap = plan.bootstrapStackName ? new BootstrapStack(scope, plan) : undefined;
  const policy = PolicyAspect.addTo(plan, bootstrap ? [network, cluster, workloads, bootstrap] : [network, cluster, workloads]);
  return { network, cluster, workloads, bootstrap, policy };
}

/**
 * The stacks that create what environments share (a state bucket, a Terraform Cloud project), once each for the whole
 * folder, in the order of `plans`; the shared-backends folder rule has made sure the environments agree on them.
 */
export function buildSharedBootstraps(scope: Construct, plans: readonly EnvironmentPlan[]): TerraformStack[] {
  const stacks = new Map<string, TerraformStack>();
  for (const plan of plans) {
    const b = plan.backend;
    if (b.type === 'gcs' && b.createdBucket && !stacks.has(b.createdBucket.stackName)) {
      stacks.set(b.createdBucket.stackName, new StateBucketStack(scope, { bucket: b.bucket, ...b.createdBucket }));
    }
    if (b.type === 'cloud' && b.createdProject && !stacks.has(b.createdProject.stackName)) {
      const stackName = b.createdProject.stackName;
      stacks.set(stackName, new TfcProjectStack(scope, { stackName, hostname: b.hostname, organization: b.organization, project: b.project }));
    }
  }
  // No stack dependency from bootstrap-<env> on the project's stack: `cdktf deploy bootstrap-<env>` alone (a day-2
  // change) would then refuse to run without the project's stack selected too. The README orders the first deploy.
  return [...stacks.values()];
}

export { NetworkStack, NetworkOutputs, NETWORK_OUTPUTS } from './network-stack';
export { ClusterStack, ClusterOutputs, CLUSTER_OUTPUTS } from './cluster-stack';
export { WorkloadsStack, WORKLOADS_OUTPUTS, CHART_DIR } from './workloads-stack';
export { constructProblems } from './construct-validations';
export { KNOWN_WAIVERS_RULE, POLICY_RULES, PolicyAspect, enforcePolicy, formatViolation, formatWaiver } from './policy';
export type { PolicyFinding, PolicyReport, PolicyResource, PolicyRule } from './policy';
export { BootstrapStack, StateBucketStack, TfcProjectStack, REMOTE_TERRAFORM_VERSION, TFC_PLAN_ROLES, TFC_RUN_ACT_AS_NODES, TFC_RUN_ROLES, TFC_WORKLOADS_OWN_TOKEN, TFC_WORKLOADS_ROLES } from './bootstrap-stack';
