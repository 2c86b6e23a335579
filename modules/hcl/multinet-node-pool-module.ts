import { DataGoogleComputeSubnetwork } from '@cdktf/provider-google/lib/data-google-compute-subnetwork';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { App, DataResource } from 'cdktf';
import { PROJECT_ID_PATTERN } from '../facts';
import { rule } from './hcl-rules';
import { TerraformModule } from './terraform-module';
import { GOOGLE, re } from './common';
import { SERVICE_ACCOUNT_EMAIL_MESSAGE, isServiceAccountEmail, locationAndProject, nodePoolsPart, poolOutputs } from './node-pools-part';

/**
 * multinet-node-pool: the multi-network node pools of multinet-cluster, for a cluster made elsewhere (by
 * terraform-google-modules' gke-standard-cluster, say). The same pools, inputs and checks as multinet-cluster's
 * (modules/hcl/node-pools-part.ts), plus checks that the cluster can take them: multi-networking and Dataplane V2 on.
 */
export function multinetNodePoolModule(app: App): TerraformModule {
  const m = new TerraformModule(
    app,
    'multinet-node-pool',
    "Node pools whose nodes carry one extra NIC and pod network per additional network, in list order (eth1, eth2, …), for an existing GKE Standard cluster that has multi-networking and Dataplane V2 on (terraform-google-modules' gke-standard-cluster with `enable_multi_networking = true` and `datapath_provider = \"ADVANCED_DATAPATH\"`, or multinet-cluster's own): shielded COS nodes with the GKE metadata server, surge upgrades, and the same NIC, range and machine-type checks as multinet-cluster's pools.",
    { google: GOOGLE },
    `cluster         = "projects/my-project/locations/us-central1-c/clusters/platform"
  location        = "us-central1-c"
  project         = "my-project"
  service_account = "platform-nodes@my-project.iam.gserviceaccount.com"
  node_pools      = [{ name = "multinet-pool", node_count = 2 }]
  additional_networks = [{
    network        = "multinet-dataplane-vpc"
    subnetwork     = "multinet-dataplane"
    pod_range_name = "multinet-dataplane-pods"
  }]`,
  );
  const cluster = m.variable({
    name: 'cluster',
    type: 'string',
    description: "The cluster the pools join: its id (`projects/<project>/locations/<location>/clusters/<name>`, terraform-google-modules' `cluster_id` output) or its name.",
    validation: [rule('cluster', 'var.cluster', 'can(regex("^(projects/[^/]+/locations/[^/]+/clusters/)?[a-z]([-a-z0-9]{0,38}[a-z0-9])?$", var.cluster))', 'use the cluster id (projects/<project>/locations/<location>/clusters/<name>) or its name.')],
  });
  const { location, project } = locationAndProject(m, { location: "The cluster's zone or region.", project: "The cluster's project." });
  const serviceAccount = m.variable({
    name: 'service_account',
    type: 'string',
    description:
      "E-mail of the nodes' service account (terraform-google-modules' `service_account` output, or your own): it needs logging.logWriter, monitoring.metricWriter, monitoring.viewer, stackdriver.resourceMetadata.writer, autoscaling.metricsWriter and artifactregistry.reader. Not the Compute Engine default account (project Editor).",
    validation: [rule('service_account', 'var.service_account', isServiceAccountEmail('var.service_account'), `${SERVICE_ACCOUNT_EMAIL_MESSAGE}.`)],
  });
  const privateNodes = m.variable({ name: 'private_nodes', type: 'bool', description: 'Nodes get no external IP address.', default: true });
  m.variable({
    name: 'host_project',
    type: 'string',
    description: "Shared VPC host project of the additional networks, where their subnets are read; null: `project`.",
    default: null,
    validation: [rule('host_project', 'var.host_project', `var.host_project == null ? true : can(regex(${re(PROJECT_ID_PATTERN)}, var.host_project))`, 'use a GCP project id, or null.')],
  });

  // The cluster, read at plan: its node and pod ranges join the overlap check, and it must take multi-network pools.
  m.addOverride('locals.cluster_name', '${element(split("/", var.cluster), length(split("/", var.cluster)) - 1)}');
  const existing = new DataGoogleContainerCluster(m, 'cluster', { name: '${local.cluster_name}', location: location.stringValue, project: project.stringValue });
  const clusterRead = `data.${existing.terraformResourceType}.${existing.friendlyUniqueId}`;
  // GKE keeps the cluster's subnet as projects/<p>/regions/<r>/subnetworks/<name>; a bare name is in the cluster's region.
  m.addOverride(
    'locals.cluster_subnet',
    `\${can(regex("projects/([^/]+)/regions/([^/]+)/subnetworks/([^/]+)$", ${clusterRead}.subnetwork)) ? regex("projects/([^/]+)/regions/([^/]+)/subnetworks/([^/]+)$", ${clusterRead}.subnetwork) : [coalesce(var.host_project, var.project), local.region, ${clusterRead}.subnetwork]}`,
  );
  const subnet = new DataGoogleComputeSubnetwork(m, 'cluster-subnet', { project: '${local.cluster_subnet[0]}', region: '${local.cluster_subnet[1]}', name: '${local.cluster_subnet[2]}' });
  const subnetRead = `data.${subnet.terraformResourceType}.${subnet.friendlyUniqueId}`;
  // The checks over every pool and network (one error per mistake, not one per pool), on a resource of their own:
  // terraform_data is Terraform's built-in, so it needs no provider.
  const checks = new DataResource(m, 'checks', {});
  const { pool } = nodePoolsPart(m, {
    cluster: cluster.stringValue,
    location: location.stringValue,
    project: project.stringValue,
    serviceAccount: serviceAccount.stringValue,
    privateNodes: privateNodes.booleanValue,
    subnetProject: '${coalesce(var.host_project, var.project)}',
    primaryRanges: `[{ path = "the cluster's node range", cidr = ${subnetRead}.ip_cidr_range }, { path = "the cluster's pod range", cidr = try(${clusterRead}.ip_allocation_policy[0].cluster_ipv4_cidr_block, null) }]`,
    target: checks,
  });
  // GKE creates multi-network pools only in clusters with multi-networking, which needs Dataplane V2 ("Set up
  // multi-network support for Pods", requirements).
  m.guard(
    checks,
    `${clusterRead}.enable_multi_networking == true`,
    `cluster \${local.cluster_name} has multi-networking off: GKE attaches additional networks to node pools only in a cluster created with it (terraform-google-modules: enable_multi_networking = true; gcloud: --enable-multi-networking). It cannot be turned on later.`,
  );
  m.guard(
    checks,
    `${clusterRead}.datapath_provider == "ADVANCED_DATAPATH"`,
    `cluster \${local.cluster_name} has datapath_provider "\${${clusterRead}.datapath_provider}": multi-networking needs GKE Dataplane V2 (datapath_provider = "ADVANCED_DATAPATH"), which GKE sets only when it creates a cluster.`,
  );

  poolOutputs(m, pool);
  return m;
}
