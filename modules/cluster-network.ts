import { Construct } from 'constructs';
import { IResolvable, ITerraformDependable } from 'cdktf';
import type { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import type { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { addCustomVpc, checkFlowLogs } from './custom-vpc';
import { ExistingNetwork, ExistingNetworkProps, ExpectedRange, IClusterNetwork } from './existing-network';
import { CLUSTER_POD_RANGE_PREFIX, SERVICE_RANGE_PREFIX } from './facts';
import type { SubnetFlowLogs } from './facts';
import { checkGcpName, checkSubnetRange } from './validate';

export interface ClusterNetworkProps {
  /** Prefix of every resource name (usually the cluster name). */
  readonly name: string;
  /** Region of the subnet and router. */
  readonly region: string;
  /** Primary range of the subnet: the nodes' eth0. */
  readonly nodeCidr: string;
  /** Secondary range for the cluster's pods (eth0 of every pod). */
  readonly podCidr: string;
  /** Secondary range for the cluster's Services. */
  readonly serviceCidr: string;
  /**
   * VPC name.
   * @default `${name}-vpc`
   */
  readonly vpcName?: string;
  /**
   * Subnet name.
   * @default `${name}-nodes`
   */
  readonly subnetName?: string;
  /**
   * Name of the pod secondary range.
   * @default `${name}-pods`
   */
  readonly podRangeName?: string;
  /**
   * Name of the service secondary range.
   * @default `${name}-services`
   */
  readonly serviceRangeName?: string;
  /**
   * Add a Cloud Router and Cloud NAT so private nodes reach registries outside Google.
   * @default false
   */
  readonly cloudNat?: boolean;
  /**
   * VPC flow logs of the subnet; `false` turns them off. Also a reference known only to Terraform to an object with
   * `aggregation_interval`, `flow_sampling` and `metadata`, or null for none.
   * @default on, at Compute Engine's defaults: 5-second aggregation, half of the flows, all metadata
   */
  readonly flowLogs?: SubnetFlowLogs | false | IResolvable;
  /**
   * Project of every resource.
   * @default the provider's project
   */
  readonly project?: string;
  /**
   * Resources the VPC waits for, e.g. the enabled Compute Engine API.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The cluster's primary VPC: nodes' eth0, pod and service secondary ranges, optional Cloud NAT. */
export class ClusterNetwork extends Construct implements IClusterNetwork {
  /**
   * The cluster network another team owns: read, never created, and checked at plan time against the ranges given
   * (`secondaryRanges`: the pod range, then the Services range).
   */
  static fromExisting(scope: Construct, id: string, props: ExistingNetworkProps & { readonly secondaryRanges: readonly [ExpectedRange, ExpectedRange] }): IClusterNetwork {
    const existing = new ExistingNetwork(scope, id, props);
    return {
      networkName: existing.networkName,
      networkSelfLink: existing.networkSelfLink,
      subnetworkName: existing.subnetworkName,
      subnetworkSelfLink: existing.subnetworkSelfLink,
      podRangeName: existing.podRangeName,
      serviceRangeName: existing.rangeNames[1],
    };
  }

  readonly network: ComputeNetwork;
  readonly subnetwork: ComputeSubnetwork;
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkName: string;
  readonly subnetworkSelfLink: string;
  /** Name of the pod secondary range (a reference to the subnet). */
  readonly podRangeName: string;
  /** Name of the service secondary range (a reference to the subnet). */
  readonly serviceRangeName: string;
  readonly router?: ComputeRouter;
  readonly nat?: ComputeRouterNat;

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    const what = `ClusterNetwork "${id}"`;
    checkGcpName(what, 'name', props.name);
    checkSubnetRange(what, 'nodeCidr', props.nodeCidr);
    checkSubnetRange(what, 'podCidr', props.podCidr, CLUSTER_POD_RANGE_PREFIX.min, CLUSTER_POD_RANGE_PREFIX.max);
    checkFlowLogs(what, props.flowLogs);
    checkSubnetRange(what, 'serviceCidr', props.serviceCidr, SERVICE_RANGE_PREFIX.min, SERVICE_RANGE_PREFIX.max);
    const vpcName = props.vpcName ?? `${props.name}-vpc`;
    const subnetName = props.subnetName ?? `${props.name}-nodes`;
    const podRangeName = props.podRangeName ?? `${props.name}-pods`;
    const serviceRangeName = props.serviceRangeName ?? `${props.name}-services`;
    for (const [prop, value] of Object.entries({ vpcName, subnetName, podRangeName, serviceRangeName })) {
      checkGcpName(what, prop, value);
    }

    const { network, subnetwork } = addCustomVpc(this, {
      project: props.project,
      vpcName,
      description: `Primary network of GKE cluster ${props.name}`,
      subnetName,
      region: props.region,
      nodeCidr: props.nodeCidr,
      secondaryRanges: [
        { rangeName: podRangeName, ipCidrRange: props.podCidr },
        { rangeName: serviceRangeName, ipCidrRange: props.serviceCidr },
      ],
      flowLogs: props.flowLogs ?? {},
      dependsOn: props.dependsOn,
    });
    this.network = network;
    this.subnetwork = subnetwork;

    if (props.cloudNat ?? false) {
      this.router = new ComputeRouter(this, 'router', {
        project: props.project,
        name: `${props.name}-router`,
        region: props.region,
        network: this.network.id,
      });
      this.nat = new ComputeRouterNat(this, 'nat', {
        project: props.project,
        name: `${props.name}-nat`,
        region: props.region,
        router: this.router.name,
        natIpAllocateOption: 'AUTO_ONLY',
        // Egress only for this subnet's nodes and pods, nothing else in the VPC.
        sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
        subnetwork: [{ name: this.subnetwork.id, sourceIpRangesToNat: ['ALL_IP_RANGES'] }],
        logConfig: { enable: true, filter: 'ERRORS_ONLY' },
      });
    }

    this.networkName = this.network.name;
    this.networkSelfLink = this.network.selfLink;
    this.subnetworkName = this.subnetwork.name;
    this.subnetworkSelfLink = this.subnetwork.selfLink;
    this.podRangeName = this.subnetwork.secondaryIpRange.get(0).rangeName;
    this.serviceRangeName = this.subnetwork.secondaryIpRange.get(1).rangeName;
  }
}
