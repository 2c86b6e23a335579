import { Construct } from 'constructs';
import { BootstrapStack } from './bootstrap-stack';
import { ClusterStack } from './cluster-stack';
import type { EnvironmentPlan } from './environment';
import { NetworkStack } from './network-stack';
import { WorkloadsStack } from './workloads-stack';

export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly workloads: WorkloadsStack;
  /** `bootstrap-<env>`, for a GCS or Terraform Cloud backend: deployed once, on its own, before the others. */
  readonly bootstrap?: BootstrapStack;
}

/** The stacks of one environment, wired network -> cluster -> workloads, and the bootstrap of its backend. */
export function buildEnvironment(scope: Construct, plan: EnvironmentPlan): EnvironmentStacks {
  const network = new NetworkStack(scope, plan);
  const cluster = new ClusterStack(scope, plan, { network });
  const workloads = new WorkloadsStack(scope, plan, { network, cluster });
  const bootstrap = plan.bootstrapStackName ? new BootstrapStack(scope, plan) : undefined;
  return { network, cluster, workloads, bootstrap };
}

export { NetworkStack, NetworkOutputs, NETWORK_OUTPUTS } from './network-stack';
export { ClusterStack, ClusterOutputs, CLUSTER_OUTPUTS } from './cluster-stack';
export { WorkloadsStack, WORKLOADS_OUTPUTS, CHART_DIR } from './workloads-stack';
export { BootstrapStack, REMOTE_TERRAFORM_VERSION, TFC_RUN_ROLES } from './bootstrap-stack';
