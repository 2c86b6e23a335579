import { Construct } from 'constructs';
import { ClusterStack } from './cluster-stack';
import type { EnvironmentPlan } from './environment';
import { NetworkStack } from './network-stack';
import { WorkloadsStack } from './workloads-stack';

export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly workloads: WorkloadsStack;
}

/** The stacks of one environment, wired network -> cluster -> workloads. */
export function buildEnvironment(scope: Construct, plan: EnvironmentPlan): EnvironmentStacks {
  const network = new NetworkStack(scope, plan);
  const cluster = new ClusterStack(scope, plan, { network });
  const workloads = new WorkloadsStack(scope, plan, { network, cluster });
  return { network, cluster, workloads };
}

export { NetworkStack, NetworkOutputs, NETWORK_OUTPUTS } from './network-stack';
export { ClusterStack, ClusterOutputs, CLUSTER_OUTPUTS } from './cluster-stack';
export { WorkloadsStack, WORKLOADS_OUTPUTS, CHART_DIR } from './workloads-stack';
