import { Construct } from 'constructs';
import { DataGoogleComputeNetwork } from '@cdktf/provider-google/lib/data-google-compute-network';
import { DataGoogleComputeSubnetwork } from '@cdktf/provider-google/lib/data-google-compute-subnetwork';
import { checkCidr, checkGcpName } from './validate';

/** A secondary range the existing subnet must have. */
export interface ExpectedRange {
  /** Name of the secondary range. */
  readonly rangeName: string;
  /** The CIDR it must have. */
  readonly ipCidrRange: string;
}

export interface ExistingNetworkProps {
  /** Name of the existing VPC. */
  readonly network: string;
  /** Name of its subnet in `region`. */
  readonly subnetwork: string;
  /** Region of the subnet. */
  readonly region: string;
  /** The subnet's primary range, as the caller expects it (checked at plan time). */
  readonly nodeCidr: string;
  /** Secondary ranges the subnet must have (checked at plan time); the first is the pod range. */
  readonly secondaryRanges: readonly ExpectedRange[];
  /**
   * Project of the VPC and subnet, e.g. a Shared VPC host project.
   * @default the provider's project
   */
  readonly project?: string;
}

/**
 * A VPC and subnet another team owns, read instead of created: the plan fails at once when either is missing, when
 * the subnet is not in that VPC, or when its ranges differ from what the caller declared (the caller needs the pod
 * range's CIDR before Terraform runs: Whereabouts hands out addresses from it). Exposes the same attributes as a
 * created network, so what consumes them does not change.
 */
/** The names and links of a VPC and its subnet, created or existing. */
export interface ISubnetNames {
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkName: string;
  readonly subnetworkSelfLink: string;
}

/**
 * What the stacks read of a network with a pod range, created (`SecondaryNetwork`) or existing (`ExistingNetwork`,
 * `SecondaryNetwork.fromExisting`): the names and ranges the cluster's node pools and the attachments take.
 */
export interface IPodNetwork extends ISubnetNames {
  /** The subnet's primary range: the nodes' NIC. */
  readonly nodeCidr: string;
  /** Name and CIDR of the pod secondary range. */
  readonly podRangeName: string;
  readonly podCidr: string;
}

/**
 * What the cluster stack reads of the cluster's own network, created (`ClusterNetwork`) or existing
 * (`ClusterNetwork.fromExisting`).
 */
export interface IClusterNetwork extends ISubnetNames {
  readonly podRangeName: string;
  readonly serviceRangeName: string;
}

export class ExistingNetwork extends Construct implements IPodNetwork {
  readonly network: DataGoogleComputeNetwork;
  readonly subnetwork: DataGoogleComputeSubnetwork;
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkName: string;
  readonly subnetworkSelfLink: string;
  /** The subnet's primary range (as declared, and verified). */
  readonly nodeCidr: string;
  /** Name and CIDR of the first secondary range: the pod range (as declared, and verified). */
  readonly podRangeName: string;
  readonly podCidr: string;
  /** Names of every expected secondary range, in order. */
  readonly rangeNames: readonly string[];

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    const what = `ExistingNetwork "${id}"`;
    checkGcpName(what, 'network', props.network);
    checkGcpName(what, 'subnetwork', props.subnetwork);
    checkCidr(what, 'nodeCidr', props.nodeCidr);
    if (props.secondaryRanges.length === 0) throw new Error(`${what}: secondaryRanges is empty; give at least the pod range`);
    props.secondaryRanges.forEach((r, i) => {
      checkGcpName(what, `secondaryRanges[${i}].rangeName`, r.rangeName);
      checkCidr(what, `secondaryRanges[${i}].ipCidrRange`, r.ipCidrRange);
    });

    this.network = new DataGoogleComputeNetwork(this, 'vpc', { project: props.project, name: props.network });
    const where = `${props.project ? `${props.project}/` : ''}${props.region}/${props.subnetwork}`;
    const ranges = '${join(", ", [for r in self.secondary_ip_range : "${r.range_name}=${r.ip_cidr_range}"])}';
    this.subnetwork = new DataGoogleComputeSubnetwork(this, 'subnet', {
      project: props.project,
      region: props.region,
      name: props.subnetwork,
      lifecycle: {
        // Checked when the plan reads the subnet: nothing is planned on top of ranges that are not what the file says.
        postcondition: [
          {
            condition: `\${self.network == ${this.network.fqn}.self_link}`,
            errorMessage: `Subnet ${where} belongs to \${self.network}, not to VPC ${props.network}.`,
          },
          {
            condition: `\${self.ip_cidr_range == "${props.nodeCidr}"}`,
            errorMessage: `Subnet ${where} has primary range \${self.ip_cidr_range}, but the environment declares ${props.nodeCidr}.`,
          },
          ...props.secondaryRanges.map((r) => ({
            condition: `\${contains([for r in self.secondary_ip_range : r.ip_cidr_range if r.range_name == "${r.rangeName}"], "${r.ipCidrRange}")}`,
            errorMessage: `Subnet ${where} has no secondary range ${r.rangeName} with ${r.ipCidrRange}; its secondary ranges are: ${ranges}.`,
          })),
        ],
      },
    });

    this.networkName = props.network;
    this.networkSelfLink = this.network.selfLink;
    this.subnetworkName = props.subnetwork;
    this.subnetworkSelfLink = this.subnetwork.selfLink;
    this.nodeCidr = props.nodeCidr;
    this.podRangeName = props.secondaryRanges[0].rangeName;
    this.podCidr = props.secondaryRanges[0].ipCidrRange;
    this.rangeNames = props.secondaryRanges.map((r) => r.rangeName);
  }
}
