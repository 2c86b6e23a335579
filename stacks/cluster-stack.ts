import { Construct } from 'constructs';
import { TerraformOutput, TerraformRemoteState } from 'cdktf';
import { MultinetCluster, MultinetNodePool, RegionZones, serviceAccountEmail } from '../modules';
import type { EnvironmentPlan } from './environment';
import { EnvironmentStack } from './environment-stack';
import { NetworkOutputs, NetworkStack } from './network-stack';

export interface ClusterStackProps {
  readonly network: NetworkStack;
}

/**
 * `<env>-cluster`: GKE Standard with Dataplane V2, IP alias and multi-networking, and its node pools with
 * one extra NIC and pod range per additional network, all read from the network stack's outputs.
 */
export class ClusterStack extends EnvironmentStack {
  readonly cluster: MultinetCluster;
  readonly nodePools: readonly MultinetNodePool[];

  constructor(scope: Construct, plan: EnvironmentPlan, props: ClusterStackProps) {
    super(scope, plan, 'cluster');
    const network = new NetworkOutputs(this.remoteStateOf(props.network, 'network'));
    const c = plan.cluster;

    // The file's zones are checked against the ones Compute Engine lists for the region, at plan time.
    new RegionZones(this, 'zones', {
      project: plan.project,
      region: plan.region,
      zones: [
        ...(c.regional ? [] : [{ field: 'cluster.location', zone: c.location }]),
        ...(c.nodeLocations ?? []).map((zone, i) => ({ field: `cluster.nodeLocations[${i}]`, zone })),
      ],
    });

    this.cluster = new MultinetCluster(this, 'gke', {
      name: c.name,
      location: c.location,
      project: plan.project,
      network: network.primary.networkSelfLink,
      subnetwork: network.primary.subnetworkSelfLink,
      podRangeName: network.primary.podRangeName,
      serviceRangeName: network.primary.serviceRangeName,
      version: c.version,
      releaseChannel: c.releaseChannel,
      deletionProtection: c.deletionProtection,
      privateNodes: c.privateNodes,
      authorizedNetworks: c.authorizedNetworks,
      maxPodsPerNode: c.maxPodsPerNode,
      // With Terraform Cloud the administrator's bootstrap-<env> creates the account and grants its roles: the runs
      // may act as that one account and grant nothing.
      ...(c.nodeServiceAccountCreatedBy === 'bootstrap'
        ? { nodeServiceAccount: serviceAccountEmail(c.nodeServiceAccountId, plan.project) }
        : { nodeServiceAccountId: c.nodeServiceAccountId }),
      maintenancePolicy: c.maintenancePolicy,
      resourceLabels: plan.labels,
    });

    this.nodePools = plan.nodePools.map(
      (pool) =>
        // The construct id is the pool's name: renaming or reordering other pools replaces nothing.
        new MultinetNodePool(this, `pool-${pool.name}`, {
          name: pool.name,
          cluster: this.cluster.cluster.id,
          location: c.location,
          project: plan.project,
          serviceAccount: this.cluster.nodeServiceAccountEmail,
          nodeLocations: c.nodeLocations,
          machineType: pool.machineType,
          nodeCount: pool.nodeCount,
          autoscaling: pool.autoscaling,
          diskSizeGb: pool.diskSizeGb,
          diskType: pool.diskType,
          spot: pool.spot,
          privateNodes: c.privateNodes,
          // Nodes boot only once their service account may write logs and metrics and pull images (with Terraform
          // Cloud, bootstrap-<env> granted those roles before any run).
          dependsOn: this.cluster.nodeServiceAccountBindings.length > 0 ? this.cluster.nodeServiceAccountBindings : undefined,
          // NIC order is the environment file's order: network k is eth<k> on every node.
          additionalNetworks: plan.additionalNetworks.map((n) => {
            const out = network.additional(n.key);
            return {
              network: out.networkName,
              subnetwork: out.subnetworkName,
              podRangeName: out.podRangeName,
              maxPodsPerNode: n.maxPodsPerNode,
            };
          }),
        }),
    );

    const gke = this.cluster.cluster;
    new TerraformOutput(this, CLUSTER_OUTPUTS.name, { description: 'GKE cluster name.', value: gke.name });
    new TerraformOutput(this, CLUSTER_OUTPUTS.location, { description: 'GKE cluster zone or region.', value: gke.location });
    new TerraformOutput(this, CLUSTER_OUTPUTS.endpoint, {
      description: 'Control-plane IP address (without scheme).',
      value: gke.endpoint,
      sensitive: true,
    });
    new TerraformOutput(this, CLUSTER_OUTPUTS.caCertificate, {
      description: "Base64 PEM of the cluster's CA certificate.",
      value: gke.masterAuth.clusterCaCertificate,
      sensitive: true,
    });
    new TerraformOutput(this, CLUSTER_OUTPUTS.nodePools, {
      description: 'Node pool names (generated from each pool name prefix), by pool.',
      value: Object.fromEntries(plan.nodePools.map((pool, i) => [pool.name, this.nodePools[i].nodePool.name])),
    });
    new TerraformOutput(this, CLUSTER_OUTPUTS.getCredentials, {
      description: 'Command that points kubectl at the cluster.',
      value: `gcloud container clusters get-credentials ${c.name} --location ${c.location} --project ${plan.project}`,
    });
  }
}

/** Output names of the cluster stack. */
export const CLUSTER_OUTPUTS = {
  name: 'cluster_name',
  location: 'cluster_location',
  endpoint: 'cluster_endpoint',
  caCertificate: 'cluster_ca_certificate',
  nodePools: 'node_pools',
  getCredentials: 'get_credentials',
} as const;

/** Typed reader of the cluster stack's outputs from another stack. */
export class ClusterOutputs {
  constructor(private readonly state: TerraformRemoteState) {}
  get endpoint() {
    return this.state.getString(CLUSTER_OUTPUTS.endpoint);
  }
  get caCertificate() {
    return this.state.getString(CLUSTER_OUTPUTS.caCertificate);
  }
  get name() {
    return this.state.getString(CLUSTER_OUTPUTS.name);
  }
  get location() {
    return this.state.getString(CLUSTER_OUTPUTS.location);
  }
}
