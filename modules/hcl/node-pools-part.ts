import { DataGoogleComputeSubnetwork } from '@cdktf/provider-google/lib/data-google-compute-subnetwork';
import { IResolvable, ITerraformDependable, TerraformIterator, TerraformResource, TerraformVariable } from 'cdktf';
import { MultinetNodePool, TAINT_EFFECTS } from '..';
import { hclValue } from '../hcl-expression';
import {
  ADDITIONAL_NETWORK_MAX_PODS_RANGE, CGROUP_MODES, CLUSTER_MAX_PODS_RANGE, CPU_MANAGER_POLICIES, CUSTOM_MACHINE_TYPE_PATTERN, DEFAULT_ADDITIONAL_NETWORK_MAX_PODS, DEFAULT_REGIONAL_ZONE_COUNT, GCP_NAME_MAX,
  HYPERDISK_ONLY_SERIES, MAX_ADDITIONAL_NETWORKS, MAX_NODES_PER_POOL_ZONE, MULTINET_IMAGE_TYPES, NICS_PER_VM, NODE_DISK_SIZE_GB, NODE_POOL_DEFAULTS, NODE_POOL_NAME_MAX, NO_HYPERDISK_SERIES,
  PREDEFINED_MACHINE_TYPE_PATTERN, PROJECT_ID_PATTERN, SERVICE_ACCOUNT_EMAIL_PATTERN, SHARED_CORE_VCPUS, SUBNET_PREFIX, SUBNET_RESERVED_ADDRESSES, alternatives,
} from '../facts';
import { everyItem, isCidr, isGcpName, isWhole, overlap, rule, uniqueItems, notProhibited, PROHIBITED_MESSAGE } from './hcl-rules';
import { TerraformModule } from './terraform-module';
import { re } from './common';

/** vCPUs of a machine type, from its name, in HCL (modules/facts/compute.ts vcpusOfMachineType); null when it does not say. */
const vcpusOf = (machineType: string) =>
  `lookup({ ${Object.entries(SHARED_CORE_VCPUS).map(([type, vcpus]) => `"${type}" = ${vcpus}`).join(', ')} }, ${machineType}, try(tonumber(regex(${re(CUSTOM_MACHINE_TYPE_PATTERN)}, ${machineType})[0]), tonumber(regex(${re(PREDEFINED_MACHINE_TYPE_PATTERN)}, ${machineType})[1]), null))`;
/** Compute Engine's NICs per VM, in HCL (modules/facts/compute.ts maxNicsForVcpus). */
const maxNics = (vcpus: string) => `max(${NICS_PER_VM.min}, min(${vcpus}, ${NICS_PER_VM.max}))`;
/** The prefix of the alias block GKE gives each node on an additional network (maxPodsPerNode doubled to a power of two). */
const blockPrefix = (n: string) => `(32 - ceil(log(${n}.max_pods_per_node * 2, 2)))`;

/** The location and project variables every pool-bearing module takes, with the same rules. */
export function locationAndProject(m: TerraformModule, descriptions: { location: string; project: string }): { location: TerraformVariable; project: TerraformVariable } {
  const location = m.variable({
    name: 'location',
    type: 'string',
    description: descriptions.location,
    validation: [rule('location', 'var.location', 'can(regex("^[a-z]+-[a-z]+[0-9]+(-[a-z])?$", var.location))', 'use a GCP zone (us-central1-c) or region (us-central1).')],
  });
  const project = m.variable({
    name: 'project',
    type: 'string',
    description: descriptions.project,
    validation: [rule('project', 'var.project', `can(regex(${re(PROJECT_ID_PATTERN)}, var.project))`, 'use a GCP project id: 6 to 30 lowercase letters, digits and hyphens, starting with a letter.')],
  });
  return { location, project };
}

/** HCL: `v` is the e-mail of a user-managed service account (modules/facts/compute.ts SERVICE_ACCOUNT_EMAIL_PATTERN). */
export const isServiceAccountEmail = (v: string) => `can(regex(${re(SERVICE_ACCOUNT_EMAIL_PATTERN)}, ${v}))`;
/** What a refusal of `isServiceAccountEmail` says. */
export const SERVICE_ACCOUNT_EMAIL_MESSAGE = 'use the e-mail of a user-managed service account (<id>@<project>.iam.gserviceaccount.com), not the Compute Engine default account (it has project Editor)';

export interface NodePoolsPartOptions {
  /** HCL-valued references the pools take. */
  readonly cluster: string;
  readonly location: string;
  readonly project: string;
  readonly serviceAccount: string;
  readonly privateNodes: boolean | IResolvable;
  /** HCL expression: the project of the additional subnets (the Shared VPC host project, or the cluster's). */
  readonly subnetProject: string;
  /** HCL expression: a list of `{ path, cidr }`, the cluster's own node and pod ranges, which no additional range may overlap. */
  readonly primaryRanges: string;
  /** The resource that carries the checks over every pool and network (one error per mistake, not one per pool). */
  readonly target: TerraformResource;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The node pools of a multi-network cluster, their inputs (`node_pools`, `additional_networks`) and their checks (NICs
 * per machine type, range capacity during a replacement, range overlaps, NIC order by list order): one definition for
 * the multinet-cluster module and the multinet-node-pool module, which attaches the same pools to a cluster made
 * elsewhere. Both then validate, plan and name the pools alike (`google_container_node_pool.node_pool[<name>]`).
 */
export function nodePoolsPart(m: TerraformModule, opts: NodePoolsPartOptions): { pool: MultinetNodePool; additional: TerraformVariable } {
  const poolType =
    `list(object({ name = string, machine_type = optional(string, "${NODE_POOL_DEFAULTS.machineType}"), vcpus = optional(number), node_count = optional(number), autoscaling = optional(object({ min_node_count = number, max_node_count = number })), node_locations = optional(list(string)), disk_size_gb = optional(number, ${NODE_POOL_DEFAULTS.diskSizeGb}), disk_type = optional(string, "${NODE_POOL_DEFAULTS.diskType}"), spot = optional(bool, false), labels = optional(map(string)), taints = optional(list(object({ key = string, value = string, effect = string })), []), network_tags = optional(list(string)), image_type = optional(string, "COS_CONTAINERD"), enable_gvnic = optional(bool, false), kubelet_config = optional(object({ cpu_manager_policy = string, cpu_cfs_quota = optional(bool), cpu_cfs_quota_period = optional(string), pod_pids_limit = optional(number) })), linux_node_config = optional(object({ sysctls = optional(map(string)), cgroup_mode = optional(string) })), max_surge = optional(number, 1), max_unavailable = optional(number, 0), max_pods_per_node = optional(number) }))`;
  m.variable({
    name: 'node_pools',
    type: poolType,
    description:
      'Node pools, each named by its prefix (GKE adds a suffix, so a replacement can be created before the old pool goes). Every pool gets every additional network. `node_count` is per zone: the pool\'s size, or with autoscaling its initial size (default: min_node_count, at least 1; a later change of it replaces nothing, the autoscaler owns the count). `vcpus` only for a machine type whose name does not say (e.g. a3-highgpu-8g). `labels` and `taints` are Kubernetes node labels and taints; `network_tags` the VMs\' network tags, for firewall rules. terraform-google-modules\' settings, by their names: `image_type` (COS_CONTAINERD or UBUNTU_CONTAINERD), `enable_gvnic`, `kubelet_config`, `linux_node_config`, `max_surge`/`max_unavailable` (surge upgrades, 1/0 by default) and `max_pods_per_node` (on the cluster\'s pod range; the cluster\'s own by default; changing it replaces the pool).',
    validation: [
      rule('node_pools', 'length(var.node_pools)', 'length(var.node_pools) >= 1', 'list at least one pool.'),
      everyItem('var.node_pools', 'p', isGcpName('p.name', NODE_POOL_NAME_MAX), 'node_pools[#].name', 'p.name', `use at most ${NODE_POOL_NAME_MAX} lowercase letters, digits and hyphens, starting with a letter (name_prefix adds 27).`),
      uniqueItems('var.node_pools', 'p', 'p.name', 'node_pools[#].name', 'node pool names must be unique.'),
      everyItem('var.node_pools', 'p', `p.node_count == null ? true : (p.autoscaling == null ? ${isWhole('p.node_count', 1, MAX_NODES_PER_POOL_ZONE)} : ${isWhole('p.node_count', 0, MAX_NODES_PER_POOL_ZONE)})`, 'node_pools[#].node_count', 'p.node_count', `use a whole number of nodes per zone: 1 to ${MAX_NODES_PER_POOL_ZONE}, or 0 to ${MAX_NODES_PER_POOL_ZONE} with autoscaling.`),
      everyItem(
        'var.node_pools',
        'p',
        `p.autoscaling == null ? true : ${isWhole('p.autoscaling.min_node_count', 0, MAX_NODES_PER_POOL_ZONE)} && ${isWhole('p.autoscaling.max_node_count', 1, MAX_NODES_PER_POOL_ZONE)} && p.autoscaling.min_node_count <= p.autoscaling.max_node_count && (p.node_count == null ? true : p.autoscaling.min_node_count <= p.node_count && p.node_count <= p.autoscaling.max_node_count)`,
        'node_pools[#]',
        '{ node_count = p.node_count, autoscaling = p.autoscaling }',
        'autoscaling bounds must be whole numbers, min_node_count <= max_node_count (and node_count between them, when given), max_node_count 1 or more.',
      ),
      // disk-type-for-machine (modules/facts/compute.ts diskTypeProblem): Hyperdisk-only and Hyperdisk-less series.
      everyItem(
        'var.node_pools',
        'p',
        `!(contains(${JSON.stringify(HYPERDISK_ONLY_SERIES)}, split("-", p.machine_type)[0]) && !startswith(p.disk_type, "hyperdisk-")) && !(contains(${JSON.stringify(NO_HYPERDISK_SERIES)}, split("-", p.machine_type)[0]) && startswith(p.disk_type, "hyperdisk-"))`,
        'node_pools[#]',
        '{ machine_type = p.machine_type, disk_type = p.disk_type }',
        `boots ${alternatives(HYPERDISK_ONLY_SERIES.map((x) => x.toUpperCase()))} machines from Hyperdisk only (disk_type "hyperdisk-balanced"), and ${alternatives(NO_HYPERDISK_SERIES.map((x) => x.toUpperCase()))} machines never from Hyperdisk (use "pd-balanced").`,
      ),
      everyItem('var.node_pools', 'p', `p.vcpus == null ? true : ${isWhole('p.vcpus', 1, 1000)}`, 'node_pools[#].vcpus', 'p.vcpus', 'use the whole number of vCPUs of the machine type, or leave it out.'),
      everyItem('var.node_pools', 'p', isWhole('p.disk_size_gb', NODE_DISK_SIZE_GB.min, NODE_DISK_SIZE_GB.max), 'node_pools[#].disk_size_gb', 'p.disk_size_gb', `use a whole number of GB from ${NODE_DISK_SIZE_GB.min} to ${NODE_DISK_SIZE_GB.max}.`),
      everyItem('var.node_pools', 'p', `alltrue([for t in p.taints : contains(${JSON.stringify(TAINT_EFFECTS)}, t.effect)])`, 'node_pools[#].taints', 'p.taints', `each effect must be ${TAINT_EFFECTS.join(', ')}.`),
      everyItem(
        'var.node_pools',
        'p',
        'p.network_tags == null ? true : alltrue([for t in p.network_tags : can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", t))])',
        'node_pools[#].network_tags',
        'p.network_tags',
        'each network tag must be 1 to 63 lowercase letters, digits and hyphens, starting with a letter.',
      ),
      everyItem('var.node_pools', 'p', `contains(${JSON.stringify(MULTINET_IMAGE_TYPES)}, p.image_type)`, 'node_pools[#].image_type', 'p.image_type', `use ${alternatives(MULTINET_IMAGE_TYPES)}: GKE runs multi-network node pools on these only (COS is the guide's, whose CNI paths the chart writes to).`),
      everyItem('var.node_pools', 'p', `p.kubelet_config == null ? true : contains(${JSON.stringify(CPU_MANAGER_POLICIES)}, p.kubelet_config.cpu_manager_policy)`, 'node_pools[#].kubelet_config.cpu_manager_policy', 'p.kubelet_config', `use ${alternatives(CPU_MANAGER_POLICIES)}.`),
      everyItem('var.node_pools', 'p', `try(p.linux_node_config.cgroup_mode, null) == null ? true : contains(${JSON.stringify(CGROUP_MODES)}, p.linux_node_config.cgroup_mode)`, 'node_pools[#].linux_node_config.cgroup_mode', 'p.linux_node_config', `use ${alternatives(CGROUP_MODES)}.`),
      everyItem('var.node_pools', 'p', `${isWhole('p.max_surge', 0, 100)} && ${isWhole('p.max_unavailable', 0, 100)} && p.max_surge + p.max_unavailable >= 1`, 'node_pools[#]', '{ max_surge = p.max_surge, max_unavailable = p.max_unavailable }', 'use whole numbers from 0 to 100, one of them above 0: GKE upgrades by surge with these.'),
      // Per-pool max pods sizes each node's block of the cluster's pod range (and replaces the pool when changed).
      everyItem('var.node_pools', 'p', `p.max_pods_per_node == null ? true : ${isWhole('p.max_pods_per_node', CLUSTER_MAX_PODS_RANGE.min, CLUSTER_MAX_PODS_RANGE.max)}`, 'node_pools[#].max_pods_per_node', 'p.max_pods_per_node', `use a whole number from ${CLUSTER_MAX_PODS_RANGE.min} to ${CLUSTER_MAX_PODS_RANGE.max}, or leave it out for the cluster's.`),
    ],
  });
  const additional = m.variable({
    name: 'additional_networks',
    type: `list(object({ network = string, subnetwork = string, pod_range_name = string, max_pods_per_node = optional(number, ${DEFAULT_ADDITIONAL_NETWORK_MAX_PODS}), node_cidr = optional(string), pod_cidr = optional(string) }))`,
    description:
      'Additional networks, in NIC order: the k-th arrives on every node as eth<k>. Names (not self links), e.g. the outputs of additional-network. Give `node_cidr` and `pod_cidr` (its outputs too) and the plan checks that the ranges hold every node and its pod block, during a pool replacement too.',
    validation: [
      rule('additional_networks', 'length(var.additional_networks)', `length(var.additional_networks) >= 1 && length(var.additional_networks) <= ${MAX_ADDITIONAL_NETWORKS}`, `give 1 to ${MAX_ADDITIONAL_NETWORKS} networks: a VM has at most ${MAX_ADDITIONAL_NETWORKS + 1} NICs, eth0 included.`),
      everyItem(
        'var.additional_networks',
        'n',
        isWhole('n.max_pods_per_node', ADDITIONAL_NETWORK_MAX_PODS_RANGE.min, ADDITIONAL_NETWORK_MAX_PODS_RANGE.max),
        'additional_networks[#].max_pods_per_node',
        'n.max_pods_per_node',
        `use a whole number from ${ADDITIONAL_NETWORK_MAX_PODS_RANGE.min} to ${ADDITIONAL_NETWORK_MAX_PODS_RANGE.max}.`,
      ),
      // GKE takes an additional node network's VPC and subnet by name (NodeNetworkConfig.AdditionalNodeNetworkConfig):
      // a self link or a projects/… path is accepted by the provider and refused by the API at create.
      everyItem('var.additional_networks', 'n', isGcpName('n.network', GCP_NAME_MAX), 'additional_networks[#].network', 'n.network', "use the VPC's name, not a self link or path: GKE takes additional networks by name (the network_name output of additional-network)."),
      everyItem('var.additional_networks', 'n', isGcpName('n.subnetwork', GCP_NAME_MAX), 'additional_networks[#].subnetwork', 'n.subnetwork', "use the subnet's name, not a self link or path: GKE takes additional subnets by name (the subnetwork_name output of additional-network)."),
      uniqueItems('var.additional_networks', 'n', 'n.network', 'additional_networks[#].network', 'each node NIC must be in its own VPC.'),
      everyItem('var.additional_networks', 'n', `n.node_cidr == null ? true : ${isCidr('n.node_cidr', SUBNET_PREFIX.min, SUBNET_PREFIX.max)}`, 'additional_networks[#].node_cidr', 'n.node_cidr', `use an IPv4 CIDR block from /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max} with no host bits set, or leave it out.`),
      everyItem('var.additional_networks', 'n', `n.node_cidr == null ? true : ${notProhibited('n.node_cidr')}`, 'additional_networks[#].node_cidr', 'n.node_cidr', PROHIBITED_MESSAGE),
      everyItem('var.additional_networks', 'n', `n.pod_cidr == null ? true : ${isCidr('n.pod_cidr', SUBNET_PREFIX.min, SUBNET_PREFIX.max)}`, 'additional_networks[#].pod_cidr', 'n.pod_cidr', `use an IPv4 CIDR block from /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max} with no host bits set, or leave it out.`),
      everyItem('var.additional_networks', 'n', `n.pod_cidr == null ? true : ${notProhibited('n.pod_cidr')}`, 'additional_networks[#].pod_cidr', 'n.pod_cidr', PROHIBITED_MESSAGE),
    ],
  });

  // Every pool with its node count: given, or min_node_count (at least 1) with autoscaling, or 1.
  m.addOverride(
    'locals.node_pools',
    '${[for p in var.node_pools : merge(p, { node_count = p.node_count != null ? p.node_count : (p.autoscaling != null ? max(1, p.autoscaling.min_node_count) : 1) })]}',
  );
  const pools = TerraformIterator.fromComplexList(hclValue(() => 'local.node_pools'), 'name');
  const pool = new MultinetNodePool(m, 'node-pools', {
    forEach: pools,
    name: pools.getString('name'),
    cluster: opts.cluster,
    location: opts.location,
    project: opts.project,
    serviceAccount: opts.serviceAccount,
    nodeLocations: pools.getList('node_locations'),
    machineType: pools.getString('machine_type'),
    nodeCount: pools.getNumber('node_count'),
    autoscaling: pools.getAny('autoscaling'),
    diskSizeGb: pools.getNumber('disk_size_gb'),
    diskType: pools.getString('disk_type'),
    spot: pools.getBoolean('spot'),
    labels: pools.getAny('labels'),
    taints: pools.getAny('taints'),
    networkTags: pools.getAny('network_tags'),
    imageType: pools.getString('image_type'),
    gvnic: pools.getBoolean('enable_gvnic'),
    kubeletConfig: pools.getAny('kubelet_config'),
    linuxNodeConfig: pools.getAny('linux_node_config'),
    maxSurge: pools.getNumber('max_surge'),
    maxUnavailable: pools.getNumber('max_unavailable'),
    maxPodsPerNode: pools.getNumber('max_pods_per_node'),
    privateNodes: opts.privateNodes,
    additionalNetworks: additional.value,
    dependsOn: opts.dependsOn,
  });

  // Locals the rules share: the region, every pool's zone count and vCPUs, the node demand during a replacement.
  m.addOverride('locals.region', '${can(regex("-[a-z]$", var.location)) ? substr(var.location, 0, length(var.location) - 2) : var.location}');
  m.addOverride('locals.pool_zones', `\${[for p in local.node_pools : p.node_locations != null ? length(p.node_locations) : (can(regex("-[a-z]$", var.location)) ? 1 : ${DEFAULT_REGIONAL_ZONE_COUNT})]}`);
  m.addOverride('locals.pool_vcpus', `\${{ for p in local.node_pools : p.name => p.vcpus != null ? p.vcpus : ${vcpusOf('p.machine_type')} }}`);
  // stacks/environment/rules.ts replacementDemand: old and new nodes share the ranges while a pool is replaced.
  m.addOverride(
    'locals.replacement_nodes',
    '${sum(concat([0], [for i, p in local.node_pools : (try(p.autoscaling.max_node_count, p.node_count) + min(p.node_count, try(p.autoscaling.max_node_count, p.node_count))) * local.pool_zones[i]]))}',
  );
  // The ranges the capacity and overlap checks need, always: as given (node_cidr, pod_cidr: the additional-network
  // outputs), else read from the subnet at plan (google_compute_subnetwork data sources, which then need the subnet to
  // exist: a root that creates it too passes the outputs). The cluster's own ranges come from the caller (opts.primaryRanges).
  const unknownRanges = TerraformIterator.fromMap(hclValue(() => '{ for i, n in var.additional_networks : tostring(i) => n if n.node_cidr == null || n.pod_cidr == null }'));
  const additionalSubnets = new DataGoogleComputeSubnetwork(m, 'additional-subnets', {
    forEach: unknownRanges,
    name: unknownRanges.getString('subnetwork'),
    region: '${local.region}',
    project: opts.subnetProject,
  });
  const read = `${additionalSubnets.terraformResourceType}.${additionalSubnets.friendlyUniqueId}`;
  m.addOverride(
    'locals.additional_known',
    `\${[for i, n in var.additional_networks : merge(n, { node_cidr = n.node_cidr != null ? n.node_cidr : data.${read}[tostring(i)].ip_cidr_range, pod_cidr = n.pod_cidr != null ? n.pod_cidr : one([for r in data.${read}[tostring(i)].secondary_ip_range : r.ip_cidr_range if r.range_name == n.pod_range_name]) })]}`,
  );
  m.addOverride(
    'locals.additional_ranges',
    `\${concat(${opts.primaryRanges}, flatten([for i, n in local.additional_known : [for f in ["node_cidr", "pod_cidr"] : { path = "additional_networks[\${i}].\${f}", cidr = n[f] } if n[f] != null]]))}`,
  );
  m.addOverride(
    'locals.range_overlaps',
    `\${flatten([for i, a in local.additional_ranges : [for j, b in local.additional_ranges : "\${b.path} \${b.cidr} overlaps \${a.path} (\${a.cidr}): choose ranges that share no address." if j > i && ${overlap('a.cidr', 'b.cidr')}]])}`,
  );

  // range-overlap, over every range of the nodes' NICs.
  m.guard(opts.target, 'length(local.range_overlaps) == 0', 'additional_networks: ${join("; ", local.range_overlaps)}');
  // A pod range that the subnet does not have: GKE refuses the pool; say it at plan.
  m.guard(
    opts.target,
    'alltrue([for n in local.additional_known : n.pod_cidr != null])',
    'additional_networks: ${join("; ", [for i, n in local.additional_known : "additional_networks[${i}].pod_range_name \\"${n.pod_range_name}\\" is not a secondary range of subnet ${n.subnetwork}" if n.pod_cidr == null])}: give the name of the pod range (the pod_range_name output of additional-network).',
  );
  // nic-limit: Compute Engine's NICs per VM (modules/facts/compute.ts maxNicsForVcpus).
  m.guard(
    pool.nodePool,
    'local.pool_vcpus[each.key] != null',
    'node_pools[${index(var.node_pools[*].name, each.key)}].machine_type is "${each.value.machine_type}", whose name does not say its vCPUs: set node_pools[${index(var.node_pools[*].name, each.key)}].vcpus.',
  );
  m.guard(
    pool.nodePool,
    `try(${maxNics('local.pool_vcpus[each.key]')} >= 1 + length(var.additional_networks), true)`,
    `node_pools[\${index(var.node_pools[*].name, each.key)}].machine_type is "\${each.value.machine_type}", which allows \${try(${maxNics('local.pool_vcpus[each.key]')}, "?")} NICs (\${coalesce(try(tostring(local.pool_vcpus[each.key]), null), "?")} vCPUs); 1 + \${length(var.additional_networks)} additional networks need \${1 + length(var.additional_networks)}: use a machine type with at least \${1 + length(var.additional_networks)} vCPUs.`,
  );
  // node-range-capacity and pod-range-capacity, where the caller gave the ranges (GKE reserves 4 addresses per subnet,
  // and a pod block per node of maxPodsPerNode doubled to a power of two: modules/facts/gke.ts).
  m.guard(
    opts.target,
    `alltrue([for n in local.additional_known : n.node_cidr == null ? true : try(pow(2, 32 - tonumber(split("/", n.node_cidr)[1])) - ${SUBNET_RESERVED_ADDRESSES} >= local.replacement_nodes, true)])`,
    `additional_networks: \${join("; ", [for i, n in local.additional_known : "additional_networks[\${i}].node_cidr \${n.node_cidr} has \${pow(2, 32 - tonumber(split("/", n.node_cidr)[1])) - ${SUBNET_RESERVED_ADDRESSES}} usable addresses but needs room for \${local.replacement_nodes} nodes (old and new nodes share it while a pool is replaced create-before-destroy)" if try(pow(2, 32 - tonumber(split("/", n.node_cidr)[1])) - ${SUBNET_RESERVED_ADDRESSES} < local.replacement_nodes, false)])}: use a larger range.`,
  );
  const holds = (n: string) => `(${blockPrefix(n)} >= tonumber(split("/", ${n}.pod_cidr)[1]) ? pow(2, ${blockPrefix(n)} - tonumber(split("/", ${n}.pod_cidr)[1])) : 0)`;
  m.guard(
    opts.target,
    `alltrue([for n in local.additional_known : n.pod_cidr == null ? true : try(${holds('n')} >= local.replacement_nodes, true)])`,
    `additional_networks: \${join("; ", [for i, n in local.additional_known : "additional_networks[\${i}].pod_cidr \${n.pod_cidr} holds \${${holds('n')}} node(s) with max_pods_per_node \${n.max_pods_per_node} (a /\${${blockPrefix('n')}} per node) but needs room for \${local.replacement_nodes}: use a /\${${blockPrefix('n')} - ceil(log(local.replacement_nodes, 2))} or larger\${n.max_pods_per_node > ${ADDITIONAL_NETWORK_MAX_PODS_RANGE.min} ? ", or lower max_pods_per_node" : ""}" if try(${holds('n')} < local.replacement_nodes, false)])}.`,
  );

  return { pool, additional };
}

/** The outputs of every pool-bearing module: each additional network's NIC and ranges, and the pools' names. */
export function poolOutputs(m: TerraformModule, pool: MultinetNodePool): void {
  m.output({
    name: 'network_interfaces',
    description:
      "The nodes' additional NICs, in order: for each additional network, its `interface` (eth1, eth2, …, what an attachment's `master` names), `network`, `subnetwork`, `pod_range_name`, its ranges (`node_cidr`, `pod_cidr`: given, or read from the subnet) and `node_block_prefix`, the prefix of the alias block GKE gives each node in the pod range (from `max_pods_per_node`), which the multus-whereabouts module takes for `ipam = \"node-block\"`.",
    value: hclValue(
      () =>
        `[for i, n in local.additional_known : { interface = "eth\${i + 1}", network = n.network, subnetwork = n.subnetwork, pod_range_name = n.pod_range_name, node_cidr = n.node_cidr, pod_cidr = n.pod_cidr, max_pods_per_node = n.max_pods_per_node, node_block_prefix = ${blockPrefix('n')} }]`,
    ),
  });
  m.output({
    name: 'node_pools',
    description: 'Generated node pool names, by pool name prefix.',
    value: hclValue(() => `{ for key, pool in ${pool.nodePool.terraformResourceType}.${pool.nodePool.friendlyUniqueId} : key => pool.name }`),
  });
}
