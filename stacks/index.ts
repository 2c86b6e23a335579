import { Construct } from 'constructs';
import { BootstrapStack } from './bootstrap-stack';
import { ClusterStack } from './cluster-stack';
import type { EnvironmentPlan } from './environment';
import { NetworkStack } from './network-stack';
import { PolicyAspect } from './policy';
import { WorkloadsStack } from './workloads-stack';

export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly workloads: WorkloadsStack;
  /** `bootstrap-<env>`, for a GCS or Terraform Cloud backend: deployed once, on its own, before the others. */
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

export { NetworkStack, NetworkOutputs, NETWORK_OUTPUTS } from './network-stack';
export { ClusterStack, ClusterOutputs, CLUSTER_OUTPUTS } from './cluster-stack';
export { WorkloadsStack, WORKLOADS_OUTPUTS, CHART_DIR } from './workloads-stack';
export { PolicyAspect, enforcePolicy, formatViolation, formatWaiver } from './policy';
export type { PolicyFinding, PolicyReport } from './policy';
export { BootstrapStack, REMOTE_TERRAFORM_VERSION, TFC_RUN_ROLES } from './bootstrap-stack';
