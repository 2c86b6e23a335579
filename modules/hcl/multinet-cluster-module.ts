import { DataGoogleComputeSubnetwork } from '@cdktf/provider-google/lib/data-google-compute-subnetwork';
import { App, Fn } from 'cdktf';
import { DEFAULT_CLUSTER_LABELS, MultinetCluster } from '..';
import { hclValue } from '../hcl-expression';
import { CLUSTER_MAX_PODS_RANGE, CLUSTER_NAME_MAX, DEFAULT_CLUSTER_MAX_PODS, DEFAULT_RELEASE_CHANNEL, GKE_VERSION_PATTERN, MIN_GKE_VERSION, NODE_SERVICE_ACCOUNT_NAME_CHARS, NODE_SERVICE_ACCOUNT_SUFFIX, PROJECT_ID_PATTERN, RELEASE_CHANNELS, SERVICE_ACCOUNT_ID_PATTERN, alternatives } from '../facts';
import { everyItem, isCidr, isGcpName, isWhole, rule } from './hcl-rules';
import { TerraformModule } from './terraform-module';
import { maintenanceVariable } from './maintenance-variable';
import { SERVICE_ACCOUNT_EMAIL_MESSAGE, isServiceAccountEmail, locationAndProject, nodePoolsPart, poolOutputs } from './node-pools-part';
import { re, GOOGLE } from './common';

/** multinet-cluster: the cluster, its node service account and roles, and node pools with one NIC per additional network. */
export function multinetClusterModule(app: App): TerraformModule {
  const m = new TerraformModule(
    app,
    'multinet-cluster',
    'A GKE Standard cluster ready for Multus: Dataplane V2, VPC-native, multi-networking, private nodes, Workload Identity, shielded nodes, a control plane reachable only from the ranges you list (or its private endpoint), a dedicated least-privilege node service account (or yours); and node pools whose nodes carry one extra NIC and pod network per additional network, in list order (eth1, eth2, …).',
    { google: GOOGLE },
    `name                = "multinet-dev"
  location            = "us-central1-c"
  project             = "my-project"
  network             = "projects/my-project/global/networks/multinet-dev-vpc"
  subnetwork          = "projects/my-project/regions/us-central1/subnetworks/multinet-dev-nodes"
  pod_range_name      = "multinet-dev-pods"
  service_range_name  = "multinet-dev-services"
  authorized_networks = [{ cidr_block = "203.0.113.0/24", display_name = "office" }]
  node_pools          = [{ name = "multinet-pool", node_count = 2 }]
  additional_networks = [{
    network        = "multinet-dataplane-vpc"
    subnetwork     = "multinet-dataplane"
    pod_range_name = "multinet-dataplane-pods"
  }]`,
  );
  const name = m.variable({
    name: 'name',
    type: 'string',
    description: 'Cluster name.',
    validation: [rule('name', 'var.name', isGcpName('var.name', CLUSTER_NAME_MAX), `use lowercase letters, digits and hyphens, starting with a letter, at most ${CLUSTER_NAME_MAX} characters.`)],
  });
  const { location, project } = locationAndProject(m, { location: 'Zone (zonal cluster) or region (regional cluster).', project: 'Project of the cluster and its node service account; also names the Workload Identity pool.' });
  const network = m.variable({ name: 'network', type: 'string', description: "The cluster's VPC (eth0): a self link or id, or a name in `host_project` (or `project`)." });
  const subnetwork = m.variable({ name: 'subnetwork', type: 'string', description: "The cluster's subnet: a self link or id, or a name in `host_project` (or `project`) in the cluster's region." });
  const podRangeName = m.variable({ name: 'pod_range_name', type: 'string', description: 'Secondary range of `subnetwork` for pods.' });
  const serviceRangeName = m.variable({ name: 'service_range_name', type: 'string', description: 'Secondary range of `subnetwork` for Services.' });
  m.variable({
    name: 'authorized_networks',
    type: 'list(object({ cidr_block = string, display_name = string }))',
    description:
      'IPv4 ranges that may reach the control plane (where Terraform, kubectl and helm run). Required: an empty list is refused unless `private_endpoint` is true or `public_endpoint_open_to_any_address` says the public endpoint may answer every address.',
    validation: [
      everyItem('var.authorized_networks', 'n', isCidr('n.cidr_block', 0, 32), 'authorized_networks[#].cidr_block', 'n.cidr_block', 'use an IPv4 CIDR block with no host bits set, e.g. 203.0.113.0/24 (GKE takes IPv4 ranges here).'),
      everyItem('var.authorized_networks', 'n', 'length(n.display_name) > 0', 'authorized_networks[#].display_name', 'n.display_name', 'name the range, e.g. "office".'),
      // Listing every address is the named opt-out's job, so that a review sees it by name.
      everyItem('var.authorized_networks', 'n', 'n.cidr_block != "0.0.0.0/0"', 'authorized_networks[#].cidr_block', 'n.cidr_block', 'opens the control plane to every address: set public_endpoint_open_to_any_address = true instead (and list no range), or list the ranges that may reach it.'),
    ],
  });
  m.variable({
    name: 'public_endpoint_open_to_any_address',
    type: 'bool',
    description: "The explicit opt-out: with no authorized networks, the public control-plane endpoint answers every address (access still needs IAM and a valid Google identity). The cluster then gets the single authorized network 0.0.0.0/0, so turning this on later opens an existing cluster too (GKE keeps authorized networks that are merely left out). Scanners flag it (checkov CKV_GCP_18, CKV_GCP_20's intent); prefer `authorized_networks` or `private_endpoint`.",
    default: false,
  });
  const privateEndpoint = m.variable({
    name: 'private_endpoint',
    type: 'bool',
    description: "The control plane answers on its private endpoint only, no public address: Terraform, kubectl and helm must run inside the VPC (or a network connected to it). `authorized_networks` then lists the internal ranges allowed (empty: the cluster's VPC only).",
    default: false,
  });
  const globalAccess = m.variable({
    name: 'private_endpoint_global_access',
    type: 'bool',
    description: "The private endpoint answers clients in every region of the VPC, not only the cluster's.",
    default: false,
  });
  m.variable({
    name: 'host_project',
    type: 'string',
    description:
      "Shared VPC host project of the cluster's network: bare `network` and `subnetwork` names resolve there, and the links given must name it. GKE wants every NIC of a Shared VPC cluster in the host project and takes the additional networks by name (the repository's docs/existing-networks.md, \"Shared VPC\", says how to confirm what it resolves). null: the project the links name, or `project` for bare names.",
    default: null,
    validation: [rule('host_project', 'var.host_project', `var.host_project == null ? true : can(regex(${re(PROJECT_ID_PATTERN)}, var.host_project))`, 'use a GCP project id, or null.')],
  });
  const version = m.variable({
    name: 'min_master_version',
    type: 'string',
    description:
      `Minimum control-plane version: a minor (\`1.33\`) or a full GKE version (\`1.33.5-gke.1080000\`), ${MIN_GKE_VERSION.major}.${MIN_GKE_VERSION.minor} or later, kept as written as the control-plane floor (GKE takes \`1.33\` as the newest 1.33 patch), so a plan never upgrades on its own: patches come through the release channel and a raised value upgrades; the plan fails when the version is newer than anything the channel offers. null for the channel's default.`,
    default: null,
    validation: [
      rule(
        'min_master_version',
        'var.min_master_version',
        `var.min_master_version == null ? true : can(regex(${re(GKE_VERSION_PATTERN)}, var.min_master_version))`,
        'use a GKE minor (1.33) or full GKE version (1.33.5-gke.1080000), or null.',
      ),
      rule(
        'min_master_version',
        'var.min_master_version',
        `var.min_master_version == null ? true : tonumber(split(".", var.min_master_version)[0]) * 1000 + tonumber(split(".", var.min_master_version)[1]) >= ${MIN_GKE_VERSION.major * 1000 + MIN_GKE_VERSION.minor}`,
        `use ${MIN_GKE_VERSION.major}.${MIN_GKE_VERSION.minor} or later: private nodes without a master CIDR need the Private Service Connect control plane GKE gives clusters created at ${MIN_GKE_VERSION.major}.${MIN_GKE_VERSION.minor} or later.`,
      ),
    ],
  });
  const channel = m.variable({
    name: 'release_channel',
    type: 'string',
    description: 'GKE release channel; keeps the control plane and nodes patched.',
    default: DEFAULT_RELEASE_CHANNEL,
    validation: [rule('release_channel', 'var.release_channel', `contains(${JSON.stringify(RELEASE_CHANNELS)}, var.release_channel)`, `use ${alternatives(RELEASE_CHANNELS)}.`)],
  });
  const deletionProtection = m.variable({ name: 'deletion_protection', type: 'bool', description: 'Refuse to destroy the cluster until set to false.', default: true });
  const privateNodes = m.variable({ name: 'private_nodes', type: 'bool', description: 'Nodes get no external IP address.', default: true });
  const labels = m.variable({
    name: 'resource_labels',
    type: 'map(string)',
    description: 'Labels of the cluster: who owns it and what it costs.',
    default: DEFAULT_CLUSTER_LABELS,
    validation: [
      rule(
        'resource_labels',
        'var.resource_labels',
        'length(var.resource_labels) > 0 && alltrue([for k, v in var.resource_labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])',
        'give at least one label; keys start with a lowercase letter, and keys and values are at most 63 lowercase letters, digits, _ and -.',
      ),
    ],
  });
  const maxPods = m.variable({
    name: 'max_pods_per_node',
    type: 'number',
    description: `Max pods per node on the cluster's pod range (${CLUSTER_MAX_PODS_RANGE.min} to ${CLUSTER_MAX_PODS_RANGE.max}).`,
    default: DEFAULT_CLUSTER_MAX_PODS,
    validation: [rule('max_pods_per_node', 'var.max_pods_per_node', isWhole('var.max_pods_per_node', CLUSTER_MAX_PODS_RANGE.min, CLUSTER_MAX_PODS_RANGE.max), `use a whole number from ${CLUSTER_MAX_PODS_RANGE.min} to ${CLUSTER_MAX_PODS_RANGE.max}.`)],
  });
  const accountId = m.variable({
    name: 'node_service_account_id',
    type: 'string',
    description: `account_id of the node service account the module creates (6 to 30 characters); null for the first ${NODE_SERVICE_ACCOUNT_NAME_CHARS} characters of \`name\` followed by \`${NODE_SERVICE_ACCOUNT_SUFFIX}\`.`,
    default: null,
    validation: [
      rule(
        'node_service_account_id',
        'var.node_service_account_id',
        `var.node_service_account_id == null ? true : can(regex(${re(SERVICE_ACCOUNT_ID_PATTERN)}, var.node_service_account_id))`,
        'use 6 to 30 lowercase letters, digits and hyphens, starting with a letter, or null.',
      ),
    ],
  });
  const byoAccount = m.variable({
    name: 'node_service_account',
    type: 'string',
    description:
      'E-mail of an existing node service account to use instead of creating one: the module then creates no account and grants no role, so whoever applies needs only `roles/iam.serviceAccountUser` on it. It needs logging.logWriter, monitoring.metricWriter, monitoring.viewer, stackdriver.resourceMetadata.writer, autoscaling.metricsWriter and artifactregistry.reader. null: the module creates one.',
    default: null,
    validation: [
      rule(
        'node_service_account',
        'var.node_service_account',
        `var.node_service_account == null ? true : ${isServiceAccountEmail('var.node_service_account')}`,
        `${SERVICE_ACCOUNT_EMAIL_MESSAGE}, or null.`,
      ),
    ],
  });
  const maintenance = maintenanceVariable(m);
  const cluster = new MultinetCluster(m, 'cluster', {
    name: name.stringValue,
    location: location.stringValue,
    project: project.stringValue,
    // A bare name is one in the network's project: the Shared VPC host project, or the cluster's own.
    network: hclValue(() => `can(regex("/", ${network.fqn})) ? ${network.fqn} : "projects/\${coalesce(var.host_project, var.project)}/global/networks/\${${network.fqn}}"`),
    subnetwork: hclValue(() => 'local.subnetwork_path'),
    podRangeName: podRangeName.stringValue,
    serviceRangeName: serviceRangeName.stringValue,
    version: version.stringValue,
    releaseChannel: channel.stringValue,
    deletionProtection: deletionProtection.booleanValue,
    privateNodes: privateNodes.booleanValue,
    privateEndpoint: privateEndpoint.booleanValue,
    privateEndpointGlobalAccess: globalAccess.booleanValue,
    // The opt-out as an explicit authorized network, so that switching to it opens an existing cluster as well.
    authorizedNetworks: hclValue(
      () => 'var.public_endpoint_open_to_any_address ? [{ cidr_block = "0.0.0.0/0", display_name = "any address (public_endpoint_open_to_any_address)" }] : var.authorized_networks',
    ),
    resourceLabels: labels.value,
    maxPodsPerNode: maxPods.numberValue,
    nodeServiceAccountId: Fn.coalesce([accountId.stringValue, `${Fn.replace(Fn.substr(name.stringValue, 0, NODE_SERVICE_ACCOUNT_NAME_CHARS), '/-+$/', '')}${NODE_SERVICE_ACCOUNT_SUFFIX}`]),
    nodeServiceAccountOrNull: byoAccount.stringValue,
    maintenancePolicy: maintenance.value,
  });
  // The cluster's own subnet, read at plan: its node and pod ranges join the overlap check of the pools' networks.
  m.addOverride(
    'locals.subnetwork_path',
    `\${can(regex("/", ${subnetwork.fqn})) ? ${subnetwork.fqn} : "projects/\${coalesce(var.host_project, var.project)}/regions/\${local.region}/subnetworks/\${${subnetwork.fqn}}"}`,
  );
  m.addOverride('locals.primary_subnet_path', '${regex("projects/([^/]+)/regions/([^/]+)/subnetworks/([^/]+)$", local.subnetwork_path)}');
  const primarySubnet = new DataGoogleComputeSubnetwork(m, 'primary-subnet', {
    project: '${local.primary_subnet_path[0]}',
    region: '${local.primary_subnet_path[1]}',
    name: '${local.primary_subnet_path[2]}',
  });
  const primary = `data.${primarySubnet.terraformResourceType}.${primarySubnet.friendlyUniqueId}`;
  const { pool } = nodePoolsPart(m, {
    cluster: cluster.cluster.id,
    location: location.stringValue,
    project: project.stringValue,
    serviceAccount: cluster.nodeServiceAccountEmail,
    privateNodes: privateNodes.booleanValue,
    subnetProject: '${coalesce(var.host_project, var.project)}',
    primaryRanges: `[{ path = "subnetwork (the cluster's node range)", cidr = ${primary}.ip_cidr_range }, { path = "pod_range_name \${var.pod_range_name} (the cluster's pod range)", cidr = one([for r in ${primary}.secondary_ip_range : r.ip_cidr_range if r.range_name == var.pod_range_name]) }]`,
    target: cluster.cluster,
    dependsOn: [...cluster.nodeServiceAccountBindings],
  });
  m.guard(
    cluster.cluster,
    `one([for r in ${primary}.secondary_ip_range : r.ip_cidr_range if r.range_name == var.pod_range_name]) != null`,
    'pod_range_name "${var.pod_range_name}" is not a secondary range of subnetwork ${local.subnetwork_path}: give the name of its pod range.',
  );
  // Control-plane access is a choice the caller makes: a list of ranges, the private endpoint, or the named opt-out.
  m.guard(
    cluster.cluster,
    'length(var.authorized_networks) > 0 || var.private_endpoint || var.public_endpoint_open_to_any_address',
    'authorized_networks is []: the public control-plane endpoint would answer every address. List the ranges that may reach it (where Terraform, kubectl and helm run), set private_endpoint = true, or set public_endpoint_open_to_any_address = true to accept that (access still needs IAM).',
  );
  m.guard(
    cluster.cluster,
    '!(var.public_endpoint_open_to_any_address && (length(var.authorized_networks) > 0 || var.private_endpoint))',
    'public_endpoint_open_to_any_address is true, but authorized_networks lists ${length(var.authorized_networks)} range(s) and private_endpoint is ${var.private_endpoint}: the opt-out means no restriction at all; set it to false to keep the restriction.',
  );
  m.guard(
    cluster.cluster,
    'var.node_service_account == null || var.node_service_account_id == null',
    'node_service_account is ${jsonencode(var.node_service_account)}, an existing account, and node_service_account_id ${jsonencode(var.node_service_account_id)} one to create: give one of them.',
  );
  m.guard(
    cluster.cluster,
    `alltrue([for x in try(var.maintenance_policy.exclusions, []) : x.scope == "NO_UPGRADES"]) || var.release_channel != "UNSPECIFIED"`,
    'maintenance_policy.exclusions: scopes other than NO_UPGRADES need a release channel (GKE scopes exclusions only for clusters enrolled in one); release_channel is UNSPECIFIED.',
  );
  // nic-projects: every NIC in one project. With host_project, that one; without, the project the links name (a
  // Shared VPC given by self links, as 0.4.0 took it), or the cluster's for bare names.
  m.addOverride(
    'locals.link_projects',
    '${distinct(concat([for link in [var.network, var.subnetwork] : regex("projects/([^/]+)/", link)[0] if can(regex("projects/([^/]+)/", link))], var.host_project == null ? [] : [var.host_project]))}',
  );
  m.guard(
    cluster.cluster,
    'length(local.link_projects) <= 1',
    'network and subnetwork are ${var.network} and ${var.subnetwork}, which name projects ${join(" and ", local.link_projects)} (host_project included): every node NIC of the cluster must be in one project, the Shared VPC host project; give links in one project, and host_project that project or null.',
  );
  // 0.5.0 creates the node service account only when none is given (count): the existing account keeps its state.
  m.moved('google_service_account.node_sa', 'google_service_account.node_sa[0]');
  for (const binding of cluster.nodeServiceAccountBindings) m.moved(`google_project_iam_member.${binding.friendlyUniqueId}`, `google_project_iam_member.${binding.friendlyUniqueId}[0]`);

  const gke = cluster.cluster;
  // terraform-google-modules' outputs wait for the node pools: a provider configured from them reaches a cluster that
  // can run pods, not one still being built.
  const afterPools = [pool.nodePool];
  m.output({ name: 'cluster_id', description: 'Id of the cluster (`projects/<project>/locations/<location>/clusters/<name>`).', value: gke.id });
  m.output({ name: 'cluster_name', description: 'GKE cluster name.', value: gke.name });
  m.output({ name: 'cluster_location', description: 'GKE cluster zone or region.', value: gke.location });
  m.output({ name: 'cluster_endpoint', description: 'Control-plane IP address (without scheme), once the node pools exist; the private one with `private_endpoint`.', value: gke.endpoint, sensitive: true, dependsOn: afterPools });
  m.output({ name: 'cluster_ca_certificate', description: "Base64 PEM of the cluster's CA certificate, once the node pools exist.", value: gke.masterAuth.clusterCaCertificate, sensitive: true, dependsOn: afterPools });
  m.output({ name: 'node_service_account_email', description: 'E-mail of the node service account (created, or `node_service_account`).', value: cluster.nodeServiceAccountEmail });
  m.output({ name: 'master_version', description: 'The control plane\'s current version (GKE picks the patch; the release channel moves it).', value: gke.masterVersion });
  m.output({
    name: 'dns_endpoint',
    description: "The control plane's DNS-based endpoint (`gke-….<location>.gke.goog`), when its external traffic is allowed; null otherwise (this module does not turn it on).",
    value: hclValue(
      () =>
        `try(${gke.fqn}.control_plane_endpoints_config[0].dns_endpoint_config[0].allow_external_traffic, false) ? ${gke.fqn}.control_plane_endpoints_config[0].dns_endpoint_config[0].endpoint : null`,
    ),
  });
  poolOutputs(m, pool);
  return m;
}
