import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork, ComputeSubnetworkSecondaryIpRange } from '@cdktf/provider-google/lib/compute-subnetwork';

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
  });
  return { network, subnetwork };
}
