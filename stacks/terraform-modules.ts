import { App, Fn, TerraformIterator } from 'cdktf';
import { DEFAULT_CLUSTER_LABELS, DEFAULT_FLOW_LOGS, FLOW_LOG_INTERVALS, FLOW_LOG_METADATA, MultinetCluster, MultinetNodePool, MultusWhereabouts, SecondaryNetwork } from '../modules';
import { hclValue } from '../modules/hcl-expression';
import { TerraformModule } from './terraform-module';

/**
 * The Terraform (HCL) form of the modules, built from the very constructs the stacks use: `npm run build:modules`
 * writes each one to `modules/terraform/<name>/`, and a test fails when the committed copy differs.
 */

/** Semver of the HCL modules (git tags `v<version>`); every change is in modules/terraform/CHANGELOG.md. */
export const MODULE_VERSION = '0.4.0';

/** Provider version ranges: the versions the bindings were generated for, up to the next major. */
const GOOGLE = { source: 'hashicorp/google', version: '>= 6.50, < 8' };
const KUBERNETES = { source: 'hashicorp/kubernetes', version: '>= 2.38, < 3' };
const HELM = { source: 'hashicorp/helm', version: '>= 3.1, < 4' };

/** The chart, inside the module folder: `${path.module}` resolves wherever Terraform installed the module. */
export const MODULE_CHART_PATH = 'charts/multus-whereabouts';

// HCL's && evaluates both sides: a malformed value must make the whole rule false, not an evaluation error.
const CIDR = (v: string, min: number, max: number) =>
  `try(cidrsubnet(${v}, 0, 0) == ${v} && tonumber(split("/", ${v})[1]) >= ${min} && tonumber(split("/", ${v})[1]) <= ${max}, false)`;
const GCP_NAME = (v: string, max: number) => `can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", ${v})) && length(${v}) <= ${max}`;
const DNS_LABEL = (v: string) => `can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ${v})) && length(${v}) <= 63`;

/** additional-network: one VPC, its subnet with the pod secondary range, and the internal firewall rule. */
export function additionalNetworkModule(app: App): TerraformModule {
  const m = new TerraformModule(
    app,
    'additional-network',
    'One additional network for GKE multi-networking: a custom-mode VPC, a subnet whose primary range is the nodes\' extra NIC and whose secondary range holds the pod addresses Whereabouts hands out, and the firewall rule that lets the network\'s nodes and pods reach each other. Use `for_each` for several.',
    { google: GOOGLE },
    `name      = "multinet-dataplane"
  region    = "us-central1"
  node_cidr = "10.0.1.0/24"
  pod_cidr  = "172.16.1.0/24"`,
  );
  const name = m.variable({
    name: 'name',
    type: 'string',
    description: 'Network name; the VPC is `<name>-vpc`, the subnet `<name>`, the firewall rule `<name>-allow-internal`.',
    validation: [{ condition: GCP_NAME('var.name', 48), errorMessage: 'name must be lowercase letters, digits and hyphens, start with a letter and have at most 48 characters (the firewall rule name adds 15).' }],
  });
  const region = m.variable({ name: 'region', type: 'string', description: 'Region of the subnet.', validation: [{ condition: 'can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))', errorMessage: 'region must be a GCP region, e.g. us-central1.' }] });
  const nodeCidr = m.variable({
    name: 'node_cidr',
    type: 'string',
    description: "Subnet primary range: the nodes' extra NIC (IPv4 CIDR, /8 to /29).",
    validation: [{ condition: CIDR('var.node_cidr', 8, 29), errorMessage: 'node_cidr must be an IPv4 CIDR block from /8 to /29 with no host bits set, e.g. 10.0.1.0/24.' }],
  });
  const podCidr = m.variable({
    name: 'pod_cidr',
    type: 'string',
    description: 'Subnet secondary range for pods on this network, handed out by Whereabouts (IPv4 CIDR, /8 to /29).',
    validation: [{ condition: CIDR('var.pod_cidr', 8, 29), errorMessage: 'pod_cidr must be an IPv4 CIDR block from /8 to /29 with no host bits set, e.g. 172.16.1.0/24.' }],
  });
  const podRangeName = m.variable({
    name: 'pod_range_name',
    type: 'string',
    description: 'Name of the pod secondary range; null for `<name>-pods`.',
    default: null,
    validation: [{ condition: `var.pod_range_name == null || (${GCP_NAME('var.pod_range_name', 63)})`, errorMessage: 'pod_range_name must be a GCP name: lowercase letters, digits and hyphens, at most 63 characters.' }],
  });
  const project = m.variable({ name: 'project', type: 'string', description: "Project of every resource; null for the provider's project.", default: null });
  const flowLogs = m.variable({
    name: 'flow_logs',
    type: `object({ aggregation_interval = optional(string, "${DEFAULT_FLOW_LOGS.aggregationInterval}"), flow_sampling = optional(number, ${DEFAULT_FLOW_LOGS.flowSampling}), metadata = optional(string, "${DEFAULT_FLOW_LOGS.metadata}") })`,
    description: "VPC flow logs of the subnet, at Compute Engine's defaults unless set; null turns them off.",
    default: {},
    validation: [
      {
        condition: `var.flow_logs == null || try(contains([${FLOW_LOG_INTERVALS.map((i) => `"${i}"`).join(', ')}], var.flow_logs.aggregation_interval) && var.flow_logs.flow_sampling >= 0 && var.flow_logs.flow_sampling <= 1 && contains([${FLOW_LOG_METADATA.map((i) => `"${i}"`).join(', ')}], var.flow_logs.metadata), false)`,
        errorMessage: `flow_logs must be null or have aggregation_interval ${FLOW_LOG_INTERVALS.join(', ')}; flow_sampling from 0 to 1; metadata ${FLOW_LOG_METADATA.join(' or ')}.`,
      },
    ],
  });

  const network = new SecondaryNetwork(m, 'network', {
    name: name.stringValue,
    region: region.stringValue,
    nodeCidr: nodeCidr.stringValue,
    podCidr: podCidr.stringValue,
    podRangeName: Fn.coalesce([podRangeName.stringValue, `${name.stringValue}-pods`]),
    project: project.stringValue,
    flowLogs: flowLogs.value,
  });

  m.output({ name: 'network_name', description: 'Name of the VPC: an `additional_networks[].network` of multinet-cluster.', value: network.networkName });
  m.output({ name: 'network_self_link', description: 'Self link of the VPC.', value: network.networkSelfLink });
  m.output({ name: 'subnetwork_name', description: 'Name of the subnet: an `additional_networks[].subnetwork` of multinet-cluster.', value: network.subnetworkName });
  m.output({ name: 'subnetwork_self_link', description: 'Self link of the subnet.', value: network.subnetworkSelfLink });
  m.output({ name: 'node_cidr', description: "The subnet's primary range.", value: network.nodeCidr });
  m.output({ name: 'pod_range_name', description: 'Name of the pod secondary range: an `additional_networks[].pod_range_name` of multinet-cluster.', value: network.podRangeName });
  m.output({ name: 'pod_cidr', description: 'CIDR of the pod secondary range: the `range` of its network in multus-whereabouts.', value: network.podCidr });
  return m;
}

/** multinet-cluster: the cluster, its node service account and roles, and node pools with one NIC per additional network. */
export function multinetClusterModule(app: App): TerraformModule {
  const m = new TerraformModule(
    app,
    'multinet-cluster',
    'A GKE Standard cluster ready for Multus: Dataplane V2, VPC-native, multi-networking, private nodes, Workload Identity, shielded nodes, a dedicated least-privilege node service account; and node pools whose nodes carry one extra NIC and pod network per additional network, in list order (eth1, eth2, …).',
    { google: GOOGLE },
    `name               = "multinet-dev"
  location           = "us-central1-c"
  project            = "my-project"
  network            = google_compute_network.primary.self_link
  subnetwork         = google_compute_subnetwork.primary.self_link
  pod_range_name     = "multinet-dev-pods"
  service_range_name = "multinet-dev-services"
  node_pools         = [{ name = "multinet-pool", node_count = 2 }]
  additional_networks = [{
    network        = module.dataplane.network_name
    subnetwork     = module.dataplane.subnetwork_name
    pod_range_name = module.dataplane.pod_range_name
  }]`,
  );
  const name = m.variable({ name: 'name', type: 'string', description: 'Cluster name.', validation: [{ condition: GCP_NAME('var.name', 40), errorMessage: 'name must be lowercase letters, digits and hyphens, start with a letter and have at most 40 characters.' }] });
  const location = m.variable({ name: 'location', type: 'string', description: 'Zone (zonal cluster) or region (regional cluster).' });
  const project = m.variable({ name: 'project', type: 'string', description: 'Project of the cluster and its node service account; also names the Workload Identity pool.' });
  const network = m.variable({ name: 'network', type: 'string', description: "Self link or id of the cluster's VPC (eth0)." });
  const subnetwork = m.variable({ name: 'subnetwork', type: 'string', description: "Self link or id of the cluster's subnet." });
  const podRangeName = m.variable({ name: 'pod_range_name', type: 'string', description: 'Secondary range of `subnetwork` for pods.' });
  const serviceRangeName = m.variable({ name: 'service_range_name', type: 'string', description: 'Secondary range of `subnetwork` for Services.' });
  const version = m.variable({
    name: 'min_master_version',
    type: 'string',
    description: "Minimum control-plane version: a minor (`1.33`) or a full GKE version (`1.33.5-gke.1080000`), 1.29 or later, kept as written as the control-plane floor (GKE takes `1.33` as the newest 1.33 patch), so a plan never upgrades on its own: patches come through the release channel and a raised value upgrades; the plan fails when the version is newer than anything the channel offers. null for the channel's default.",
    default: null,
    validation: [
      {
        condition: 'var.min_master_version == null || can(regex("^[0-9]+[.][0-9]+([.][0-9]+-gke[.][0-9]+)?$", var.min_master_version))',
        errorMessage: 'min_master_version must be a GKE minor (1.33) or full GKE version (1.33.5-gke.1080000).',
      },
      {
        condition:
          'var.min_master_version == null || try(tonumber(split(".", var.min_master_version)[0]) > 1 || tonumber(split(".", var.min_master_version)[1]) >= 29, false)',
        errorMessage: 'min_master_version must be 1.29 or later: private nodes without a master CIDR need the Private Service Connect control plane GKE gives clusters created at 1.29 or later.',
      },
    ],
  });
  const channel = m.variable({
    name: 'release_channel',
    type: 'string',
    description: 'GKE release channel; keeps the control plane and nodes patched.',
    default: 'REGULAR',
    validation: [{ condition: 'contains(["UNSPECIFIED", "RAPID", "REGULAR", "STABLE", "EXTENDED"], var.release_channel)', errorMessage: 'release_channel must be UNSPECIFIED, RAPID, REGULAR, STABLE or EXTENDED.' }],
  });
  const deletionProtection = m.variable({ name: 'deletion_protection', type: 'bool', description: 'Refuse to destroy the cluster until set to false.', default: true });
  const privateNodes = m.variable({ name: 'private_nodes', type: 'bool', description: 'Nodes get no external IP address.', default: true });
  const authorized = m.variable({
    name: 'authorized_networks',
    type: 'list(object({ cidr_block = string, display_name = string }))',
    description: 'Ranges allowed to reach the public control-plane endpoint; empty: not restricted (access still needs IAM).',
    default: [],
    validation: [{ condition: 'alltrue([for n in var.authorized_networks : can(cidrhost(n.cidr_block, 0))])', errorMessage: 'authorized_networks[].cidr_block must be IPv4 CIDR blocks.' }],
  });
  const labels = m.variable({
    name: 'resource_labels',
    type: 'map(string)',
    description: 'Labels of the cluster: who owns it and what it costs.',
    default: DEFAULT_CLUSTER_LABELS,
    validation: [
      {
        condition: 'length(var.resource_labels) > 0 && alltrue([for k, v in var.resource_labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])',
        errorMessage: 'resource_labels must hold at least one label; keys start with a lowercase letter, and keys and values are at most 63 lowercase letters, digits, _ and -.',
      },
    ],
  });
  const maxPods = m.variable({
    name: 'max_pods_per_node',
    type: 'number',
    description: "Max pods per node on the cluster's pod range (8 to 256).",
    default: 110,
    validation: [{ condition: 'var.max_pods_per_node >= 8 && var.max_pods_per_node <= 256 && floor(var.max_pods_per_node) == var.max_pods_per_node', errorMessage: 'max_pods_per_node must be an integer from 8 to 256.' }],
  });
  const accountId = m.variable({
    name: 'node_service_account_id',
    type: 'string',
    description: 'account_id of the node service account (6 to 30 characters); null for the first 23 characters of `name` followed by `-nodes`.',
    default: null,
    validation: [{ condition: 'var.node_service_account_id == null || can(regex("^[a-z]([-a-z0-9]{4,28}[a-z0-9])$", var.node_service_account_id))', errorMessage: 'node_service_account_id must be 6 to 30 lowercase letters, digits and hyphens, starting with a letter.' }],
  });
  const nodePools = m.variable({
    name: 'node_pools',
    type: 'list(object({ name = string, machine_type = optional(string, "e2-standard-4"), node_count = optional(number, 1), autoscaling = optional(object({ min_node_count = number, max_node_count = number })), node_locations = optional(list(string)), disk_size_gb = optional(number, 100), disk_type = optional(string, "pd-balanced"), spot = optional(bool, false) }))',
    description: 'Node pools, each named by its prefix (GKE adds a suffix, so a replacement can be created before the old pool goes). Every pool gets every additional network. `node_count` is per zone (the initial count with autoscaling).',
    validation: [
      { condition: 'length(var.node_pools) >= 1', errorMessage: 'node_pools must list at least one pool.' },
      { condition: `alltrue([for p in var.node_pools : ${GCP_NAME('p.name', 13)}])`, errorMessage: 'node_pools[].name must be at most 13 lowercase letters, digits and hyphens (name_prefix adds 27).' },
      { condition: 'length(distinct([for p in var.node_pools : p.name])) == length(var.node_pools)', errorMessage: 'node_pools[].name must be unique.' },
      {
        condition: 'alltrue([for p in var.node_pools : p.autoscaling == null || try(p.autoscaling.min_node_count <= p.node_count && p.node_count <= p.autoscaling.max_node_count, false)])',
        errorMessage: 'node_pools[].node_count must lie within its autoscaling bounds.',
      },
    ],
  });
  const additional = m.variable({
    name: 'additional_networks',
    type: 'list(object({ network = string, subnetwork = string, pod_range_name = string, max_pods_per_node = optional(number, 8) }))',
    description: 'Additional networks, in NIC order: the k-th arrives on every node as eth<k>. Names (not self links), e.g. the outputs of additional-network.',
    validation: [
      { condition: 'length(var.additional_networks) >= 1 && length(var.additional_networks) <= 7', errorMessage: 'additional_networks must have 1 to 7 entries: a VM has at most 8 NICs.' },
      { condition: 'alltrue([for n in var.additional_networks : n.max_pods_per_node >= 8 && n.max_pods_per_node <= 110])', errorMessage: 'additional_networks[].max_pods_per_node must be from 8 to 110.' },
    ],
  });

  const cluster = new MultinetCluster(m, 'cluster', {
    name: name.stringValue,
    location: location.stringValue,
    project: project.stringValue,
    network: network.stringValue,
    subnetwork: subnetwork.stringValue,
    podRangeName: podRangeName.stringValue,
    serviceRangeName: serviceRangeName.stringValue,
    version: version.stringValue,
    releaseChannel: channel.stringValue,
    deletionProtection: deletionProtection.booleanValue,
    privateNodes: privateNodes.booleanValue,
    authorizedNetworks: authorized.value,
    resourceLabels: labels.value,
    maxPodsPerNode: maxPods.numberValue,
    nodeServiceAccountId: Fn.coalesce([accountId.stringValue, `${Fn.replace(Fn.substr(name.stringValue, 0, 23), '/-+$/', '')}-nodes`]),
  });
  const pools = TerraformIterator.fromComplexList(nodePools.value, 'name');
  const pool = new MultinetNodePool(m, 'node-pools', {
    forEach: pools,
    name: pools.getString('name'),
    cluster: cluster.cluster.id,
    location: location.stringValue,
    project: project.stringValue,
    serviceAccount: cluster.nodeServiceAccountEmail,
    nodeLocations: pools.getList('node_locations'),
    machineType: pools.getString('machine_type'),
    nodeCount: pools.getNumber('node_count'),
    autoscaling: pools.getAny('autoscaling'),
    diskSizeGb: pools.getNumber('disk_size_gb'),
    diskType: pools.getString('disk_type'),
    spot: pools.getBoolean('spot'),
    privateNodes: privateNodes.booleanValue,
    additionalNetworks: additional.value,
    dependsOn: cluster.nodeServiceAccountBindings,
  });

  const gke = cluster.cluster;
  m.output({ name: 'cluster_name', description: 'GKE cluster name.', value: gke.name });
  m.output({ name: 'cluster_location', description: 'GKE cluster zone or region.', value: gke.location });
  m.output({ name: 'cluster_endpoint', description: 'Control-plane IP address (without scheme).', value: gke.endpoint, sensitive: true });
  m.output({ name: 'cluster_ca_certificate', description: "Base64 PEM of the cluster's CA certificate.", value: gke.masterAuth.clusterCaCertificate, sensitive: true });
  m.output({ name: 'node_service_account_email', description: 'E-mail of the dedicated node service account.', value: cluster.nodeServiceAccountEmail });
  m.output({
    name: 'node_pools',
    description: 'Generated node pool names, by pool name prefix.',
    value: hclValue(() => `{ for key, pool in ${pool.nodePool.terraformResourceType}.${pool.nodePool.friendlyUniqueId} : key => pool.name }`),
  });
  return m;
}

/** multus-whereabouts: the Helm release of the chart shipped in the module, and the attachments' namespaces. */
export function multusWhereaboutsModule(app: App): TerraformModule {
  const m = new TerraformModule(
    app,
    'multus-whereabouts',
    'Multus CNI + IPVLAN + Whereabouts on a multi-networking GKE cluster: the multus-whereabouts Helm chart (shipped in this module) with one NetworkAttachmentDefinition per network, the namespaces they live in, and optionally the guide\'s sample pod per network. The caller configures the kubernetes and helm providers for the cluster.',
    { kubernetes: KUBERNETES, helm: HELM },
    `networks = [{
    name   = "dataplane"
    master = "eth1"
    range  = module.dataplane.pod_cidr
  }]
  depends_on = [module.cluster]`,
  );
  const networks = m.variable({
    name: 'networks',
    type: 'list(object({ name = string, namespace = optional(string, "default"), master = string, mode = optional(string, "l2"), ipam = optional(string, "whereabouts"), node_block_prefix = optional(number), range = string, exclude = optional(list(string), []), range_start = optional(string, ""), range_end = optional(string, "") }))',
    description: 'One NetworkAttachmentDefinition per network: IPVLAN on the node NIC `master` (eth1 for the first additional network, …), addresses from `range` (the pod secondary range CIDR): by Whereabouts (`ipam = "whereabouts"`) minus `exclude`, within `range_start`..`range_end` when set, or by host-local over each node\'s alias block of the range (`ipam = "node-block"`, with `node_block_prefix`).',
    validation: [
      { condition: 'length(var.networks) >= 1', errorMessage: 'networks must list at least one network.' },
      { condition: `alltrue([for n in var.networks : ${DNS_LABEL('n.name')} && ${DNS_LABEL('n.namespace')}])`, errorMessage: 'networks[].name and networks[].namespace must be DNS-1123 labels.' },
      { condition: 'alltrue([for n in var.networks : contains(["l2", "l3", "l3s"], n.mode)])', errorMessage: 'networks[].mode must be l2, l3 or l3s.' },
      {
        condition: 'alltrue([for n in var.networks : contains(["whereabouts", "node-block"], n.ipam) && (n.ipam == "whereabouts" ? true : (n.node_block_prefix == null ? false : n.node_block_prefix >= 8 && n.node_block_prefix <= 30))])',
        errorMessage: 'networks[].ipam must be whereabouts or node-block; node-block needs node_block_prefix (8 to 30), the prefix of each node\'s alias block.',
      },
      { condition: `alltrue([for n in var.networks : ${CIDR('n.range', 8, 29)}])`, errorMessage: 'networks[].range must be an IPv4 CIDR block from /8 to /29 with no host bits set.' },
      { condition: 'alltrue(flatten([for n in var.networks : [for x in n.exclude : can(cidrhost(x, 0))]]))', errorMessage: 'networks[].exclude must hold IPv4 CIDR blocks.' },
      { condition: 'length(distinct([for n in var.networks : "${n.namespace}/${n.name}"])) == length(var.networks)', errorMessage: 'networks must not repeat a namespace/name.' },
    ],
  });
  const releaseName = m.variable({ name: 'release_name', type: 'string', description: 'Helm release name.', default: 'multus-whereabouts' });
  const namespace = m.variable({ name: 'namespace', type: 'string', description: 'Namespace of the release and of the Multus/Whereabouts objects (GKE admits system-node-critical pods only in kube-system).', default: 'kube-system' });
  const samplePods = m.variable({ name: 'sample_pods', type: 'bool', description: "Create the guide's sample pod `samplepod-<network>` on every network, once Multus is ready on every node.", default: false });
  const requireCrossNode = m.variable({
    name: 'require_cross_node_test',
    type: 'bool',
    description: 'The cross-node `helm test` must put its two pods on two nodes (set it when the cluster has two nodes or more, so a PASS means traffic between nodes was checked); false: preferred only.',
    default: false,
    nullable: false,
  });
  const timeout = m.variable({
    name: 'timeout_seconds',
    type: 'number',
    description: 'Seconds Helm waits for Multus on every node; past that the apply fails and the release stays as far as it got (no rollback).',
    default: 600,
    validation: [{ condition: 'var.timeout_seconds >= 60 && var.timeout_seconds <= 3600', errorMessage: 'timeout_seconds must be from 60 to 3600.' }],
  });
  const maxHistory = m.variable({ name: 'max_history', type: 'number', description: 'Release revisions Helm keeps.', default: 5 });

  const multus = new MultusWhereabouts(m, 'multus', {
    chartPath: `\${path.module}/${MODULE_CHART_PATH}`,
    networks: networks.value,
    releaseName: releaseName.stringValue,
    namespace: namespace.stringValue,
    samplePods: samplePods.booleanValue,
    requireCrossNodeTest: requireCrossNode.booleanValue,
    timeoutSeconds: timeout.numberValue,
    maxHistory: maxHistory.numberValue,
  });
  m.output({ name: 'release_name', description: 'Name of the Helm release (for `helm test <release_name> -n <release_namespace>`).', value: multus.release.name });
  m.output({ name: 'release_namespace', description: 'Namespace of the Helm release.', value: multus.release.namespace });
  m.output({ name: 'network_attachments', description: '`<namespace>/<name>` of every NetworkAttachmentDefinition, in order.', value: multus.attachmentRefs });
  m.output({
    name: 'pod_annotations',
    description:
      'By pod namespace: the value of the pod annotation `k8s.v1.cni.cncf.io/networks` that attaches a pod of that namespace to every network it may use (Multus namespace isolation: its own namespace and default), in order (net1, net2, …).',
    value: multus.podAnnotations,
  });
  return m;
}

/** Every HCL module, built in one app (no validation: a module configures no provider by design). */
export function buildTerraformModules(): TerraformModule[] {
  const app = new App({ stackTraces: false, skipValidation: true });
  return [additionalNetworkModule(app), multinetClusterModule(app), multusWhereaboutsModule(app)];
}
