import { Construct } from 'constructs';
import { TerraformOutput, TerraformRemoteState } from 'cdktf';
import { ClusterNetwork, IClusterNetwork, IPodNetwork, ProjectApis, SecondaryNetwork } from '../modules';
import type { EnvironmentPlan } from './environment';
import { EnvironmentStack } from './environment-stack';

/**
 * `<env>-network`: the cluster's primary VPC and one VPC + subnet + pod range + firewall per additional
 * network. Its two outputs are the contract the cluster and workloads stacks (and plain Terraform users)
 * read; their names and fields are API.
 */
export class NetworkStack extends EnvironmentStack {
  /** The cluster's VPC: created, or read when the environment names an existing one. */
  readonly primary: PrimaryNetwork;
  /** Keyed by network name from the environment file: created, or read when the network is an existing one. */
  readonly additional: ReadonlyMap<string, AdditionalNetwork>;

  constructor(scope: Construct, plan: EnvironmentPlan) {
    super(scope, plan, 'network');
    // The cluster stack runs after this one, so the Kubernetes Engine API is on before the cluster is created.
    const apis = new ProjectApis(this, 'apis', { project: plan.project });
    const p = plan.primaryNetwork;
    this.primary = p.existing
      ? ClusterNetwork.fromExisting(this, 'primary', {
          project: p.existing.project,
          region: plan.region,
          network: p.existing.network,
          subnetwork: p.existing.subnetwork,
          nodeCidr: p.nodeCidr,
          secondaryRanges: [
            { rangeName: p.podRangeName, ipCidrRange: p.podCidr },
            { rangeName: p.serviceRangeName, ipCidrRange: p.serviceCidr },
          ],
        })
      : new ClusterNetwork(this, 'primary', {
          name: plan.cluster.name,
          region: plan.region,
          vpcName: p.vpcName,
          subnetName: p.subnetName,
          nodeCidr: p.nodeCidr,
          podCidr: p.podCidr,
          podRangeName: p.podRangeName,
          serviceCidr: p.serviceCidr,
          serviceRangeName: p.serviceRangeName,
          cloudNat: p.cloudNat,
          flowLogs: plan.flowLogs,
          dependsOn: apis.services,
        });

    const additional = new Map<string, AdditionalNetwork>();
    for (const n of plan.additionalNetworks) {
      // The construct id is the network's name, never its position: adding a network renames nothing.
      additional.set(
        n.key,
        n.existing
          ? SecondaryNetwork.fromExisting(this, n.key, {
              project: n.existing.project,
              region: plan.region,
              network: n.existing.network,
              subnetwork: n.existing.subnetwork,
              nodeCidr: n.nodeCidr,
              secondaryRanges: [{ rangeName: n.podRangeName, ipCidrRange: n.podCidr }],
            })
          : new SecondaryNetwork(this, n.key, {
              name: `${plan.cluster.name}-${n.key}`,
              region: plan.region,
              vpcName: n.vpcName,
              subnetName: n.subnetName,
              firewallName: n.firewallName,
              nodeCidr: n.nodeCidr,
              podCidr: n.podCidr,
              podRangeName: n.podRangeName,
              flowLogs: plan.flowLogs,
              dependsOn: apis.services,
            }),
      );
    }
    this.additional = additional;

    new TerraformOutput(this, NETWORK_OUTPUTS.primary, {
      description: 'Primary VPC of the cluster: network, subnet and the pod/service secondary range names.',
      value: {
        network_name: this.primary.networkName,
        network_self_link: this.primary.networkSelfLink,
        subnetwork_name: this.primary.subnetworkName,
        subnetwork_self_link: this.primary.subnetworkSelfLink,
        pod_range_name: this.primary.podRangeName,
        service_range_name: this.primary.serviceRangeName,
      },
    });
    new TerraformOutput(this, NETWORK_OUTPUTS.additional, {
      description:
        'Additional networks by name: VPC, subnet (node NIC range) and pod secondary range (name and CIDR Whereabouts hands out).',
      value: Object.fromEntries(
        [...additional].map(([key, n]) => [
          key,
          {
            network_name: n.networkName,
            network_self_link: n.networkSelfLink,
            subnetwork_name: n.subnetworkName,
            subnetwork_self_link: n.subnetworkSelfLink,
            node_cidr: n.nodeCidr,
            pod_range_name: n.podRangeName,
            pod_cidr: n.podCidr,
          },
        ]),
      ),
    });
  }
}

/** The cluster's network as the network stack holds it: created or existing, one interface. */
export type PrimaryNetwork = IClusterNetwork;
/** An additional network as the network stack holds it: created or existing, one interface. */
export type AdditionalNetwork = IPodNetwork;

/** Output names of the network stack. */
export const NETWORK_OUTPUTS = { primary: 'primary_network', additional: 'additional_networks' } as const;

/** Typed reader of the network stack's outputs from another stack (values are remote-state references). */
export class NetworkOutputs {
  constructor(private readonly state: TerraformRemoteState) {}

  get primary() {
    const field = (name: string) => this.state.getString(`${NETWORK_OUTPUTS.primary}.${name}`);
    return {
      networkSelfLink: field('network_self_link'),
      subnetworkSelfLink: field('subnetwork_self_link'),
      podRangeName: field('pod_range_name'),
      serviceRangeName: field('service_range_name'),
    };
  }

  additional(key: string) {
    const field = (name: string) => this.state.getString(`${NETWORK_OUTPUTS.additional}.${key}.${name}`);
    return {
      networkName: field('network_name'),
      subnetworkName: field('subnetwork_name'),
      podRangeName: field('pod_range_name'),
      podCidr: field('pod_cidr'),
    };
  }
}
