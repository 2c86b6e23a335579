import { Construct } from 'constructs';
import { IResolvable, ITerraformDependable, Token } from 'cdktf';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import type { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import type { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { addCustomVpc, checkFlowLogs } from './custom-vpc';
import { ExistingNetwork, ExistingNetworkProps, IPodNetwork } from './existing-network';
import { VPC_MTU, type SubnetFlowLogs } from './facts';
import { checkGcpName, checkInteger, checkSubnetRange } from './validate';

export interface SecondaryNetworkProps {
  /** Network name; also prefixes the VPC, subnet and firewall names. */
  readonly name: string;
  /** Region of the subnet. */
  readonly region: string;
  /** Primary range of the subnet: the nodes' extra NIC. */
  readonly nodeCidr: string;
  /** Secondary range handed to pods on this network (Whereabouts hands out addresses from it). */
  readonly podCidr: string;
  /**
   * Name of the pod secondary range.
   * @default `${name}-pods`
   */
  readonly podRangeName?: string;
  /**
   * VPC name.
   * @default `${name}-vpc`
   */
  readonly vpcName?: string;
  /**
   * Subnet name.
   * @default name
   */
  readonly subnetName?: string;
  /**
   * Name of the firewall rule that lets nodes and pods of this network reach each other.
   * @default `${name}-allow-internal`
   */
  readonly firewallName?: string;
  /**
   * VPC flow logs of the subnet; `false` turns them off. Also a reference known only to Terraform to an object with
   * `aggregation_interval`, `flow_sampling` and `metadata`, or null for none.
   * @default on, at Compute Engine's defaults: 5-second aggregation, half of the flows, all metadata
   */
  readonly flowLogs?: SubnetFlowLogs | false | IResolvable;
  /**
   * MTU of the VPC, `VPC_MTU.min` to `VPC_MTU.max` bytes (modules/facts/compute.ts). IPVLAN interfaces take their master NIC's MTU, and the NIC takes the VPC's, so jumbo frames for pods start
   * here. Changing it on an existing VPC needs every VM on it stopped (same page, "Change the MTU setting").
   * @default Compute Engine's default, 1460
   */
  readonly mtu?: number;
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

/**
 * One additional network for GKE multi-networking: a dedicated VPC (each extra node NIC must be in its own
 * VPC), a subnet whose primary range is the nodes' NIC and whose secondary range is the pods' addresses,
 * and the firewall rule a custom VPC needs before its nodes and pods can talk.
 */
export class SecondaryNetwork extends Construct implements IPodNetwork {
  /** An additional network another team owns: read, never created, and checked at plan time against the ranges given. */
  static fromExisting(scope: Construct, id: string, props: ExistingNetworkProps): IPodNetwork {
    return new ExistingNetwork(scope, id, props);
  }

  readonly network: ComputeNetwork;
  readonly subnetwork: ComputeSubnetwork;
  readonly firewall: ComputeFirewall;
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkName: string;
  readonly subnetworkSelfLink: string;
  /** The subnet's primary range (a reference to the subnet). */
  readonly nodeCidr: string;
  /** Name of the pod secondary range (a reference to the subnet). */
  readonly podRangeName: string;
  /** CIDR of the pod secondary range (a reference to the subnet). */
  readonly podCidr: string;

  constructor(scope: Construct, id: string, props: SecondaryNetworkProps) {
    super(scope, id);
    const what = `SecondaryNetwork "${id}"`;
    checkGcpName(what, 'name', props.name);
    checkSubnetRange(what, 'nodeCidr', props.nodeCidr);
    checkSubnetRange(what, 'podCidr', props.podCidr);
    checkFlowLogs(what, props.flowLogs);
    if (props.mtu !== undefined && !Token.isUnresolved(props.mtu)) checkInteger(what, 'mtu', props.mtu, VPC_MTU.min, VPC_MTU.max);
    const podRangeName = props.podRangeName ?? `${props.name}-pods`;
    const vpcName = props.vpcName ?? `${props.name}-vpc`;
    const subnetName = props.subnetName ?? props.name;
    const firewallName = props.firewallName ?? `${props.name}-allow-internal`;
    checkGcpName(what, 'podRangeName', podRangeName);
    checkGcpName(what, 'vpcName', vpcName);
    checkGcpName(what, 'subnetName', subnetName);
    checkGcpName(what, 'firewallName', firewallName);

    // Each extra node NIC must be in its own VPC.
    const { network, subnetwork } = addCustomVpc(this, {
      project: props.project,
      vpcName,
      description: `Additional network ${props.name} for GKE multi-networking (Multus IPVLAN)`,
      subnetName,
      region: props.region,
      nodeCidr: props.nodeCidr,
      secondaryRanges: [{ rangeName: podRangeName, ipCidrRange: props.podCidr }],
      flowLogs: props.flowLogs ?? {},
      mtu: props.mtu,
      dependsOn: props.dependsOn,
    });
    this.network = network;
    this.subnetwork = subnetwork;

    this.firewall = new ComputeFirewall(this, 'allow-internal', {
      project: props.project,
      name: firewallName,
      network: this.network.id,
      description: `Nodes and pods of ${props.name} may reach each other; a custom VPC denies all other ingress`,
      direction: 'INGRESS',
      priority: 1000,
      // Only this network's own ranges, in and out: the rule opens nothing to other networks.
      sourceRanges: [props.nodeCidr, props.podCidr],
      destinationRanges: [props.nodeCidr, props.podCidr],
      allow: [{ protocol: 'all' }],
    });

    this.networkName = this.network.name;
    this.networkSelfLink = this.network.selfLink;
    this.subnetworkName = this.subnetwork.name;
    this.subnetworkSelfLink = this.subnetwork.selfLink;
    this.nodeCidr = this.subnetwork.ipCidrRange;
    this.podRangeName = this.subnetwork.secondaryIpRange.get(0).rangeName;
    this.podCidr = this.subnetwork.secondaryIpRange.get(0).ipCidrRange;
  }
}
