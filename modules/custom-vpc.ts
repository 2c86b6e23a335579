import { Construct } from 'constructs';
import { IResolvable, ITerraformDependable, Token } from 'cdktf';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork, ComputeSubnetworkSecondaryIpRange } from '@cdktf/provider-google/lib/compute-subnetwork';
import { hclOperand, hclValue } from './hcl-expression';
import { DEFAULT_FLOW_LOGS, FLOW_LOG_INTERVALS, FLOW_LOG_METADATA, SubnetFlowLogs } from './facts';

/** Throws, naming the prop and the value, when a literal flow log setting is not one Compute Engine accepts. */
export function checkFlowLogs(construct: string, flowLogs: SubnetFlowLogs | false | IResolvable | undefined): void {
  if (flowLogs === undefined || flowLogs === false || Token.isUnresolved(flowLogs)) return;
  const { aggregationInterval, flowSampling, metadata } = flowLogs as SubnetFlowLogs;
  if (aggregationInterval !== undefined && !Token.isUnresolved(aggregationInterval) && !(FLOW_LOG_INTERVALS as readonly string[]).includes(aggregationInterval)) {
    throw new Error(`${construct}: flowLogs.aggregationInterval "${aggregationInterval}" must be one of ${FLOW_LOG_INTERVALS.join(', ')}`);
  }
  if (flowSampling !== undefined && !Token.isUnresolved(flowSampling) && !(flowSampling >= 0 && flowSampling <= 1)) {
    throw new Error(`${construct}: flowLogs.flowSampling ${flowSampling} must be from 0 to 1`);
  }
  if (metadata !== undefined && !Token.isUnresolved(metadata) && !(FLOW_LOG_METADATA as readonly string[]).includes(metadata)) {
    throw new Error(`${construct}: flowLogs.metadata "${metadata}" must be one of ${FLOW_LOG_METADATA.join(', ')}`);
  }
}

/** What `addCustomVpc` needs: one VPC with one regional subnet. */
export interface CustomVpcSpec {
  readonly project?: string;
  readonly vpcName: string;
  readonly description: string;
  readonly subnetName: string;
  readonly region: string;
  /** Primary range of the subnet: the nodes' NIC. */
  readonly nodeCidr: string;
  readonly secondaryRanges: readonly ComputeSubnetworkSecondaryIpRange[];
  /**
   * Flow logs settings, `false` for none, or a reference to an object with `aggregation_interval`, `flow_sampling`
   * and `metadata` (null for none).
   */
  readonly flowLogs: SubnetFlowLogs | false | IResolvable;
  /** MTU of the VPC; undefined (or null, for a reference) leaves Compute Engine's default, 1460. */
  readonly mtu?: number;
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A custom-mode VPC and its single subnet, created in `scope` as `vpc` and `subnet` (their construct ids, and
 * so their Terraform ids, are those of the calling construct). Shared by the primary and the additional
 * networks, which differ only in their ranges and extras.
 */
export function addCustomVpc(scope: Construct, spec: CustomVpcSpec): { network: ComputeNetwork; subnetwork: ComputeSubnetwork } {
  const network = new ComputeNetwork(scope, 'vpc', {
    project: spec.project,
    name: spec.vpcName,
    description: spec.description,
    // Custom mode: the subnet below is the only one, so no auto-created range can overlap another network's.
    autoCreateSubnetworks: false,
    routingMode: 'REGIONAL',
    mtu: spec.mtu,
    dependsOn: spec.dependsOn ? [...spec.dependsOn] : undefined,
  });
  const subnetwork = new ComputeSubnetwork(scope, 'subnet', {
    project: spec.project,
    name: spec.subnetName,
    region: spec.region,
    network: network.id,
    ipCidrRange: spec.nodeCidr,
    secondaryIpRange: [...spec.secondaryRanges],
    // Private nodes have no external IP: this is how they reach Google APIs, gcr.io and Artifact Registry.
    privateIpGoogleAccess: true,
    // Flow logs: the record of who talked to whom on this network, which an incident review starts from.
    logConfig: spec.flowLogs === false || Token.isUnresolved(spec.flowLogs) ? undefined : { ...DEFAULT_FLOW_LOGS, ...spec.flowLogs },
  });
  if (spec.flowLogs !== false && Token.isUnresolved(spec.flowLogs)) {
    const settings = hclOperand(scope, 'flow-logs', spec.flowLogs);
    subnetwork.addOverride('dynamic.log_config', {
      // The module's flow_logs: on unless `enabled = false` (null is its default, never "off").
      for_each: hclValue(() => `${settings.text()}.enabled ? [${settings.text()}] : []`),
      content: {
        aggregation_interval: '${log_config.value.aggregation_interval}',
        flow_sampling: '${log_config.value.flow_sampling}',
        metadata: '${log_config.value.metadata}',
      },
    });
  }
  return { network, subnetwork };
}
