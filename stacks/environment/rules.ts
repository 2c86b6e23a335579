import {
  ADDITIONAL_NETWORK_MAX_PODS_RANGE,
  ATTACHMENT_NAME_MAX,
  ATTACHMENT_NAME_PATTERN,
  CLUSTER_MAX_PODS_RANGE,
  CROSS_NODE_TEST_SUFFIX,
  Cidr,
  GCP_NAME_MAX,
  MIN_ATTACHMENT_ADDRESSES,
  NICS_PER_VM,
  SUBNET_RESERVED_ADDRESSES,
  addressValue,
  contains,
  containsAddress,
  formatAddress,
  isZone,
  maintenanceProblems,
  maxNicsForVcpus,
  overlaps,
  parseCidr,
  perNodePodBlockPrefix,
  predefinedFamilyOf,
  regionOfZone,
} from '../../modules/facts';
import type { EnvironmentPlan } from './plan';
import type { EnvironmentConfig } from './schema';

/**
 * Every rule of the product, validation and policy alike, each a small named unit with an id, a one-line description
 * and its scope. The README's rule table is generated from this registry (`npm run schema`), and a test keeps them in
 * sync. Deriving the plan (plan.ts) never judges; these rules do.
 *
 * - `environment` rules check one environment file and its plan (field paths in the file);
 * - `folder` rules check all environments of the folder together;
 * The policy rules, which judge the synthesized resources, live beside the policy aspect (stacks/policy/); the
 * registry of every rule for the docs is stacks/rules.ts.
 */

export interface EnvironmentContext {
  readonly name: string;
  readonly config: EnvironmentConfig;
  readonly plan: EnvironmentPlan;
  report(path: string, message: string): void;
}

export interface EnvironmentRule {
  readonly id: string;
  readonly description: string;
  readonly scope: 'environment';
  check(ctx: EnvironmentContext): void;
}

/** One environment as the folder rules see it. */
export interface LoadedEnvironment {
  /** The file, as reported (e.g. `environments/dev.json`). */
  readonly file: string;
  readonly plan: EnvironmentPlan;
}

export interface FolderRule {
  readonly id: string;
  readonly description: string;
  readonly scope: 'folder';
  check(environments: readonly LoadedEnvironment[], report: (file: string, path: string, message: string) => void): void;
}

export type Rule = EnvironmentRule | FolderRule;

const environmentRule = (id: string, description: string, check: EnvironmentRule['check']): EnvironmentRule => ({ id, description, scope: 'environment', check });
const folderRule = (id: string, description: string, check: FolderRule['check']): FolderRule => ({ id, description, scope: 'folder', check });

// ---------------------------------------------------------------------------------------------------------------------
// Shared facts of several rules

/**
 * Nodes every range must hold at its busiest, which is a replacement: GKE cannot change a pool's NICs or pod networks,
 * so changing the networks replaces every pool create-before-destroy (MultinetNodePool), and until the old pools are
 * gone their nodes (up to each pool's maximum) and the new pools' nodes (at their initial count) take addresses from the
 * same ranges. Each pool starts with at least one node per zone, so this room also covers an upgrade's surge node
 * (max_surge = 1 per zone).
 */
function replacementDemand(plan: EnvironmentPlan): { nodes: number; text: string } {
  const zones = plan.cluster.zoneCount;
  const demand = plan.nodePools.map((p) => {
    const old = p.autoscaling?.maxNodeCount ?? p.nodeCount;
    // A nodeCount outside the autoscaling bounds is reported by autoscaling-bounds; counting it here would repeat that.
    const fresh = Math.min(p.nodeCount, old);
    return { pool: p.name, old, fresh, nodes: (old + fresh) * zones };
  });
  return {
    nodes: demand.reduce((sum, d) => sum + d.nodes, 0),
    text: `old and new nodes share it while a pool is replaced create-before-destroy (${demand
      .map((d) => `${d.pool}: (${d.old} old + ${d.fresh} new) × ${zones} zone${zones > 1 ? 's' : ''}`)
      .join(', ')})`,
  };
}

/** Every range of the environment with its field path, in file order. */
function rangesOf(config: EnvironmentConfig): { path: string; cidr: Cidr }[] {
  const c = config.cluster;
  return [
    { path: 'cluster.nodeCidr', cidr: parseCidr(c.nodeCidr) },
    { path: 'cluster.podCidr', cidr: parseCidr(c.podCidr) },
    { path: 'cluster.serviceCidr', cidr: parseCidr(c.serviceCidr) },
    ...config.additionalNetworks.flatMap((n, i) => [
      { path: `additionalNetworks[${i}].nodeCidr`, cidr: parseCidr(n.nodeCidr) },
      { path: `additionalNetworks[${i}].podCidr`, cidr: parseCidr(n.podCidr) },
    ]),
  ];
}

function reportDuplicates(values: readonly string[], list: string, field: string, what: string, report: (path: string, message: string) => void): void {
  const first = new Map<string, number>();
  values.forEach((value, index) => {
    const earlier = first.get(value);
    if (earlier !== undefined) report(`${list}[${index}].${field}`, `${what} "${value}" is already defined at ${list}[${earlier}]`);
    else first.set(value, index);
  });
}

/** A GCP name this environment creates, with where it comes from and how far it must be unique. */
export interface DerivedName {
  readonly path: string;
  readonly kind: string;
  readonly value: string;
  /** The namespace the name must be unique in: a project (and location for clusters, region for subnets), or GCS. */
  readonly namespace: string;
}

/** The names of what the environment creates (existing networks keep their owners' names). */
export function derivedNames(plan: EnvironmentPlan): DerivedName[] {
  const p = plan.project;
  const names: DerivedName[] = [
    { path: 'cluster.name', kind: 'cluster', value: plan.cluster.name, namespace: `${p}/${plan.cluster.location}` },
    { path: 'cluster.name', kind: 'node service account', value: plan.cluster.nodeServiceAccountId, namespace: p },
  ];
  if (!plan.primaryNetwork.existing) {
    names.push(
      { path: 'cluster.name', kind: 'VPC', value: plan.primaryNetwork.vpcName, namespace: p },
      { path: 'cluster.name', kind: 'subnet', value: plan.primaryNetwork.subnetName, namespace: `${p}/${plan.region}` },
    );
    if (plan.primaryNetwork.cloudNat) names.push({ path: 'cluster.name', kind: 'router', value: `${plan.cluster.name}-router`, namespace: `${p}/${plan.region}` });
  }
  plan.additionalNetworks.forEach((n, i) => {
    if (n.existing || plan.additionalNetworks.findIndex((m) => m.key === n.key) < i) return;
    const path = `additionalNetworks[${i}].name`;
    names.push(
      { path, kind: 'VPC', value: n.vpcName, namespace: p },
      { path, kind: 'subnet', value: n.subnetName, namespace: `${p}/${plan.region}` },
      { path, kind: 'firewall', value: n.firewallName, namespace: p },
    );
  });
  // A shared bucket or Terraform Cloud project is created once for the folder (shared-backends rule), not per environment.
  const b = plan.backend;
  if (b.type === 'cloud') {
    names.push(
      { path: 'backend', kind: 'Workload Identity pool', value: b.workloadIdentityPoolId, namespace: p },
      { path: 'backend', kind: 'run service account', value: b.runServiceAccountId, namespace: p },
      { path: 'backend', kind: 'plan service account', value: b.planServiceAccountId, namespace: p },
      { path: 'backend', kind: 'workloads service account', value: b.workloadsServiceAccountId, namespace: p },
    );
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------------------
// Environment rules

/** Terraform Cloud workspace names: letters, digits, - and _, at most 90 characters (HCP Terraform API). */
const TFC_WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * GCP copies a token's subject into `google.subject`, which holds at most 127 bytes (IAM Workload Identity
 * Federation, attribute mappings). Terraform Cloud's subject is
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>` (workload identity token claims).
 */
const GOOGLE_SUBJECT_MAX = 127;

/**
 * A machine type of the same family with NICs enough: a VM has max(2, min(vCPUs, 8)) NICs, so `needed` vCPUs, at the
 * next size the predefined families offer (they double: -2, -4, -8, …).
 */
function machineTypeHint(machineType: string, needed: number): string {
  const family = predefinedFamilyOf(machineType);
  let size = 2;
  while (size < needed) size *= 2;
  return family ? `use ${family}-${size} (${size} vCPUs), or any machine type with at least ${needed} vCPUs` : `use a machine type with at least ${needed} vCPUs`;
}

/**
 * The one region the cluster's location and node zones all lie in, when they agree on one; `region` then has a
 * single thing to match (a typo there is one mistake, not one per zone).
 */
function regionOfLocations(config: EnvironmentConfig): string | undefined {
  const { location, nodeLocations } = config.cluster;
  const regions = new Set([isZone(location) ? regionOfZone(location) : location, ...(nodeLocations ?? []).map(regionOfZone)]);
  return regions.size === 1 ? [...regions][0] : undefined;
}

export const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [
  environmentRule('cluster-location-in-region', 'The cluster zone or region lies in the environment region.', ({ config, report }) => {
    const { location } = config.cluster;
    const regional = !isZone(location);
    const implied = regionOfLocations(config);
    if (implied !== undefined && implied !== config.region) {
      // Every location points to one other region: the region is the likelier typo, and the one line to fix.
      report('region', `"${config.region}" is not the region of the cluster's location and node zones, which all lie in ${implied} (cluster.location "${location}"): set region to "${implied}", or move the cluster`);
      return;
    }
    if ((regional ? location : regionOfZone(location)) !== config.region) {
      report(
        'cluster.location',
        regional
          ? `region "${location}" is not the environment region "${config.region}"`
          : `zone "${location}" is not in region "${config.region}" (zones of it look like ${config.region}-a)`,
      );
    }
  }),
  environmentRule('node-locations', 'Node zones lie in the region, appear once, and include a zonal cluster\'s own zone.', ({ config, report }) => {
    const { location, nodeLocations } = config.cluster;
    const seen = new Set<string>();
    // A region every location disagrees with is reported once, on region (cluster-location-in-region).
    const regionBlamed = regionOfLocations(config) !== undefined && regionOfLocations(config) !== config.region;
    (nodeLocations ?? []).forEach((zone, index) => {
      if (!regionBlamed && regionOfZone(zone) !== config.region) report(`cluster.nodeLocations[${index}]`, `zone "${zone}" is not in region "${config.region}"`);
      if (seen.has(zone)) report(`cluster.nodeLocations[${index}]`, `zone "${zone}" is listed twice`);
      seen.add(zone);
    });
    if (isZone(location) && nodeLocations && !nodeLocations.includes(location)) {
      report('cluster.nodeLocations', `a zonal cluster's node zones must include its own zone "${location}"`);
    }
  }),
  environmentRule('unique-node-pool-names', 'Node pool names are unique.', ({ config, report }) => {
    reportDuplicates(config.nodePools.map((p) => p.name), 'nodePools', 'name', 'node pool', report);
  }),
  environmentRule('machine-type-vcpus', 'The vCPUs of every machine type are known (from its name, or `vcpus`).', ({ plan, report }) => {
    plan.nodePools.forEach((pool, i) => {
      if (pool.vcpus === undefined) report(`nodePools[${i}].machineType`, `cannot tell the vCPUs of "${pool.machineType}" from its name; set nodePools[${i}].vcpus`);
    });
  }),
  environmentRule('nic-limit', `Every machine type has a NIC for eth0 and each additional network: max(${NICS_PER_VM.min}, min(vCPUs, ${NICS_PER_VM.max})).`, ({ plan, report }) => {
    const needed = 1 + plan.additionalNetworks.length;
    plan.nodePools.forEach((pool, i) => {
      if (pool.vcpus !== undefined && maxNicsForVcpus(pool.vcpus) < needed) {
        report(
          `nodePools[${i}].machineType`,
          `${pool.machineType} allows ${maxNicsForVcpus(pool.vcpus)} NICs (${pool.vcpus} vCPUs); 1 + ${plan.additionalNetworks.length} additional networks need ${needed}: ${machineTypeHint(pool.machineType, needed)}`,
        );
      }
    });
  }),
  environmentRule('autoscaling-bounds', 'Autoscaling bounds are ordered and hold the initial node count.', ({ config, report }) => {
    config.nodePools.forEach((pool, i) => {
      if (!pool.autoscaling) return;
      const { minNodeCount, maxNodeCount } = pool.autoscaling;
      if (minNodeCount > maxNodeCount) report(`nodePools[${i}].autoscaling.minNodeCount`, `${minNodeCount} is greater than maxNodeCount ${maxNodeCount}`);
      else if (pool.nodeCount < minNodeCount || pool.nodeCount > maxNodeCount) report(`nodePools[${i}].nodeCount`, `${pool.nodeCount} is outside autoscaling bounds ${minNodeCount}..${maxNodeCount}`);
    });
  }),
  environmentRule('range-overlap', 'No two ranges of the environment overlap (node, pod and service ranges of every network).', ({ config, report }) => {
    const ranges = rangesOf(config);
    ranges.forEach((range, i) => {
      const earlier = ranges.slice(0, i).find((other) => overlaps(other.cidr, range.cidr));
      if (earlier) report(range.path, `${range.cidr.text} overlaps ${earlier.path} (${earlier.cidr.text})`);
    });
  }),
  environmentRule('node-range-capacity', 'Every node range holds every node of every pool, twice over during a pool replacement.', ({ config, plan, report }) => {
    const demand = replacementDemand(plan);
    const check = (path: string, text: string) => {
      const cidr = parseCidr(text);
      const usable = cidr.size - SUBNET_RESERVED_ADDRESSES;
      if (usable < BigInt(demand.nodes)) report(path, `${cidr.text} has ${usable} usable addresses but needs room for ${demand.nodes} nodes: ${demand.text}`);
    };
    check('cluster.nodeCidr', config.cluster.nodeCidr);
    config.additionalNetworks.forEach((n, i) => check(`additionalNetworks[${i}].nodeCidr`, n.nodeCidr));
  }),
  environmentRule('pod-range-capacity', "Every pod range holds a per-node block (maxPodsPerNode doubled, to a power of two) for every node, during a replacement too.", ({ config, plan, report }) => {
    const demand = replacementDemand(plan);
    const check = (path: string, text: string, maxPods: number, maxPodsPath: string, minPods: number) => {
      const cidr = parseCidr(text);
      const blockPrefix = perNodePodBlockPrefix(maxPods);
      const holds = blockPrefix >= cidr.prefix ? cidr.size >> BigInt(32 - blockPrefix) : 0n;
      if (holds < BigInt(demand.nodes)) {
        const neededPrefix = blockPrefix - Math.ceil(Math.log2(demand.nodes));
        report(
          path,
          `${cidr.text} holds ${holds} node${holds === 1n ? '' : 's'} with ${maxPodsPath} ${maxPods} (a /${blockPrefix} per node) but needs room for ${demand.nodes}: ${demand.text}; use a /${neededPrefix} or larger${maxPods > minPods ? `, or lower ${maxPodsPath}` : ''}`,
        );
      }
    };
    // Lowering maxPodsPerNode is a fix only above its minimum (8 on either range, cited in gke.ts).
    check('cluster.podCidr', config.cluster.podCidr, config.cluster.maxPodsPerNode, 'cluster.maxPodsPerNode', CLUSTER_MAX_PODS_RANGE.min);
    config.additionalNetworks.forEach((n, i) =>
      check(`additionalNetworks[${i}].podCidr`, n.podCidr, n.maxPodsPerNode, `additionalNetworks[${i}].maxPodsPerNode`, ADDITIONAL_NETWORK_MAX_PODS_RANGE.min),
    );
  }),
  environmentRule('unique-network-names', 'Additional network names are unique.', ({ config, report }) => {
    reportDuplicates(config.additionalNetworks.map((n) => n.name), 'additionalNetworks', 'name', 'network', report);
  }),
  environmentRule('unique-attachments', 'No two attachments share a namespace and name.', ({ config, report }) => {
    reportDuplicates(config.additionalNetworks.map((n) => `${n.attachment.namespace}/${n.attachment.name}`), 'additionalNetworks', 'attachment.name', 'attachment', report);
  }),
  // GKE gives a node eth0 on the cluster network and eth<k> on the k-th additional network (node pool
  // network_config order); COS names its NICs eth*. IPVLAN on eth0 would take over the cluster network's traffic.
  environmentRule('ipvlan-master-is-a-node-nic', "An IPVLAN master is one of the node's additional NICs, eth1 to eth<n>.", ({ config, report }) => {
    const n = config.additionalNetworks.length;
    config.additionalNetworks.forEach((network, i) => {
      const master = network.attachment.master;
      if (master === undefined) return;
      const own = `use eth${i + 1}, this network's NIC, or leave master out`;
      const k = /^eth(\d+)$/.exec(master);
      const at = `additionalNetworks[${i}].attachment.master`;
      if (!k) report(at, `"${master}" is not a NIC name on GKE nodes, which name them eth0, eth1, …: ${own}`);
      else if (Number(k[1]) === 0) report(at, `"eth0" is the node's cluster network: IPVLAN on it takes over pod networking; ${own}`);
      else if (Number(k[1]) > n) report(at, `"${master}" is not a NIC of these nodes: they have eth1${n > 1 ? `…eth${n}` : ''} for ${n} additional network${n === 1 ? '' : 's'}; ${own}`);
    });
  }),
  environmentRule('ipvlan-master-per-network', 'Each network has its own IPVLAN master NIC.', ({ config, plan, report }) => {
    // Reported on the entry whose master was written: the other one merely has its NIC by order.
    const explicit = (i: number) => config.additionalNetworks[i].attachment.master !== undefined;
    const byMaster = new Map<string, number[]>();
    plan.additionalNetworks.forEach((n, i) => byMaster.set(n.attachment.master, [...(byMaster.get(n.attachment.master) ?? []), i]));
    for (const [master, entries] of byMaster) {
      if (entries.length < 2) continue;
      const written = entries.filter(explicit);
      const blamed = written.length === entries.length ? written.slice(1) : written;
      for (const i of blamed) {
        const other = entries.find((j) => j !== i)!;
        report(
          `additionalNetworks[${i}].attachment.master`,
          `"${master}" is already the IPVLAN master of additionalNetworks[${other}]${explicit(other) ? '' : ' (its NIC by order)'}; each network needs its own NIC: use eth${i + 1}, or leave master out`,
        );
      }
    }
  }),
  environmentRule('attachment-range-bounds', "Exclusions, rangeStart and rangeEnd lie inside the pod range, in order.", ({ config, report }) => {
    config.additionalNetworks.forEach((n, i) => {
      const at = `additionalNetworks[${i}].attachment`;
      const podCidr = parseCidr(n.podCidr);
      n.attachment.exclude.forEach((text, j) => {
        if (!contains(podCidr, parseCidr(text))) report(`${at}.exclude[${j}]`, `${text} is not inside podCidr ${n.podCidr}`);
      });
      for (const bound of ['rangeStart', 'rangeEnd'] as const) {
        const address = n.attachment[bound];
        if (address !== undefined && !containsAddress(podCidr, address)) report(`${at}.${bound}`, `${address} is not inside podCidr ${n.podCidr}`);
      }
      const { rangeStart, rangeEnd } = n.attachment;
      if (rangeStart && rangeEnd && addressValue(rangeStart) > addressValue(rangeEnd)) report(`${at}.rangeEnd`, `${rangeEnd} comes before rangeStart ${rangeStart}`);
    });
  }),
  // Whereabouts never hands out a range's network and broadcast addresses (whereabouts pkg/iphelpers GetIPRange), and
  // the cross-node helm test attaches two pods at once through the attachment.
  // host-local hands out a node's whole block: Whereabouts' exclusions and bounds over the whole range mean nothing there.
  environmentRule('node-block-takes-the-block', 'A node-block attachment takes no exclusions or range bounds (each node hands out its whole block).', ({ config, report }) => {
    config.additionalNetworks.forEach((n, i) => {
      if (n.attachment.ipam !== 'node-block') return;
      for (const field of ['exclude', 'rangeStart', 'rangeEnd'] as const) {
        const value = n.attachment[field];
        if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
          report(`additionalNetworks[${i}].attachment.${field}`, `applies to ipam "whereabouts" only: with "node-block" each node hands out the whole alias block GKE gave it; remove ${field}, or use ipam "whereabouts"`);
        }
      }
    });
  }),
  // The cross-node helm test names a Service and an Indexed Job <name>-cross-node-test, whose pods take the hostname
  // <job>-<index>: a Service name starts with a letter (DNS-1035), a hostname has at most 63 characters.
  environmentRule('attachment-name-for-tests', `An attachment name starts with a letter and has at most ${ATTACHMENT_NAME_MAX} characters (the helm test's Service and pod names).`, ({ config, report }) => {
    config.additionalNetworks.forEach((n, i) => {
      const name = n.attachment.name;
      if (!new RegExp(ATTACHMENT_NAME_PATTERN).test(name) || name.length > ATTACHMENT_NAME_MAX) {
        report(`additionalNetworks[${i}].attachment.name`, `"${name}" names helm test's Service and pods ${name}${CROSS_NODE_TEST_SUFFIX}(-0/-1): start it with a letter and keep it to ${ATTACHMENT_NAME_MAX} characters`);
      }
    });
  }),
  environmentRule('attachment-keeps-an-address', `An attachment hands out at least the ${MIN_ATTACHMENT_ADDRESSES} addresses the cross-node helm test attaches.`, ({ plan, report }) => {
    const needed = BigInt(MIN_ATTACHMENT_ADDRESSES);
    plan.additionalNetworks.forEach((n, i) => {
      const podCidr = parseCidr(n.podCidr);
      const { rangeStart } = n.attachment;
      const lastUsable = podCidr.last - 1n;
      if (rangeStart && containsAddress(podCidr, rangeStart) && addressValue(rangeStart) > lastUsable - needed + 1n) {
        report(
          `additionalNetworks[${i}].attachment.rangeStart`,
          `${rangeStart} leaves the attachment fewer than ${MIN_ATTACHMENT_ADDRESSES} addresses (${formatAddress(podCidr.last)} is the broadcast address), and helm test attaches two pods; start at ${formatAddress(lastUsable - needed + 1n)} or earlier`,
        );
      }
    });
  }),
  environmentRule('existing-network-range-name', 'An existing network names its pod range in existing.podRangeName, not podRangeName.', ({ config, report }) => {
    config.additionalNetworks.forEach((n, i) => {
      if (n.existing && n.podRangeName !== undefined) {
        report(`additionalNetworks[${i}].podRangeName`, 'names a range this product creates; for an existing subnet give its range in existing.podRangeName');
      }
    });
  }),
  environmentRule('existing-network-no-cloud-nat', 'Cloud NAT is not added to an existing cluster network (its owners provide egress).', ({ plan, report }) => {
    const existing = plan.primaryNetwork.existing;
    if (existing && plan.primaryNetwork.cloudNat) {
      report('cluster.cloudNat', `cannot add a Cloud Router and NAT to the existing network ${existing.project}/${existing.network}; its owners provide egress`);
    }
  }),
  // GKE: "For Shared VPC deployments, all network interfaces (NICs) attached to nodes must belong to the same project as
  // the host project" (Set up multi-network support for Pods, limitations).
  environmentRule('nic-projects', 'Every node NIC is in one project: the Shared VPC host project, or the environment project.', ({ plan, report }) => {
    const nicProject = plan.primaryNetwork.existing?.project ?? plan.project;
    plan.additionalNetworks.forEach((n, i) => {
      const project = n.existing?.project ?? plan.project;
      if (project === nicProject) return;
      report(
        n.existing ? `additionalNetworks[${i}].existing.project` : `additionalNetworks[${i}]`,
        `network ${n.key} is in project ${project} but the cluster's network is in ${nicProject}: GKE wants every node NIC in one project (the Shared VPC host project), so ${plan.primaryNetwork.existing ? `use a network of ${nicProject}` : `give cluster.existing a network of ${project}`}`,
      );
    });
  }),
  // Compute Engine: each NIC of a VM is in a different VPC.
  environmentRule('vpc-per-nic', 'Each node NIC is in its own VPC.', ({ plan, report }) => {
    const vpcs = new Map<string, string>([
      [`${plan.primaryNetwork.existing?.project ?? plan.project}/${plan.primaryNetwork.vpcName}`, plan.primaryNetwork.existing ? 'cluster.existing.network' : 'cluster.name'],
    ]);
    plan.additionalNetworks.forEach((n, i) => {
      const key = `${n.existing?.project ?? plan.project}/${n.vpcName}`;
      const owner = vpcs.get(key);
      if (owner !== undefined && n.existing) report(`additionalNetworks[${i}].existing.network`, `VPC ${key} is already the network of ${owner}; each node NIC needs its own VPC`);
      else vpcs.set(key, n.existing ? `additionalNetworks[${i}].existing.network` : `additionalNetworks[${i}].name`);
    });
  }),
  environmentRule('derived-name-length', 'Every GCP name the environment derives has at most 63 characters.', ({ plan, report }) => {
    for (const name of derivedNames(plan)) {
      if (['VPC', 'subnet', 'firewall'].includes(name.kind) && name.value.length > GCP_NAME_MAX) {
        report(name.path, `${name.kind} name "${name.value}" would be ${name.value.length} characters; GCP allows ${GCP_NAME_MAX} (shorten cluster.name or this name)`);
      }
    }
  }),
  environmentRule('unique-derived-names', 'No two resources of one kind derive the same GCP name.', ({ plan, report }) => {
    const seen = new Map<string, string>();
    for (const name of derivedNames(plan)) {
      if (!['VPC', 'subnet', 'firewall'].includes(name.kind)) continue;
      const key = `${name.kind}:${name.value}`;
      const first = seen.get(key);
      if (first !== undefined && first !== name.path) report(name.path, `${name.kind} name "${name.value}" is also derived from ${first}`);
      else seen.set(key, name.path);
    }
  }),
  environmentRule('tfc-workspace-names', 'Terraform Cloud workspace names are at most 90 letters, digits, - and _.', ({ plan, report }) => {
    if (plan.backend.type !== 'cloud') return;
    const invalid = Object.values(plan.backend.workspaces).find((w) => !TFC_WORKSPACE_NAME.test(w));
    if (invalid) report('backend.workspacePrefix', `makes workspace name "${invalid}" (${invalid.length} characters); Terraform Cloud allows at most 90 letters, digits, - and _`);
  }),
  environmentRule('tfc-token-subject', "The runs' workload identity subject fits GCP's 127-byte google.subject.", ({ plan, report }) => {
    const b = plan.backend;
    if (b.type !== 'cloud') return;
    const longest = Object.values(b.workspaces).reduce((a, w) => (w.length > a.length ? w : a), '');
    const subject = `organization:${b.organization}:project:${b.project}:workspace:${longest}:run_phase:apply`;
    if (Buffer.byteLength(subject) > GOOGLE_SUBJECT_MAX) {
      report(
        'backend.project',
        `makes the runs' token subject "${subject}" ${Buffer.byteLength(subject)} bytes long; GCP Workload Identity Federation maps it to google.subject, which holds at most ${GOOGLE_SUBJECT_MAX}: shorten backend.organization, backend.project or backend.workspacePrefix`,
      );
    }
  }),
  // Terraform Cloud's shared runners have no published address ranges: with an authorized-networks list they cannot
  // reach the control plane, and the workloads stack (kubernetes and helm providers) fails.
  environmentRule('tfc-authorized-networks', 'Remote runs can reach a control plane restricted by authorized networks (agent pool or acknowledgement).', ({ config, report }) => {
    const b = config.backend;
    if (b.type === 'cloud' && config.cluster.authorizedNetworks && !b.agentPool && !b.authorizedNetworksAcknowledgement) {
      report(
        'cluster.authorizedNetworks',
        "restricts the control plane, but the backend runs on Terraform Cloud's shared runners, whose addresses are not published: set backend.agentPool to an agent pool running inside these networks, or say in backend.authorizedNetworksAcknowledgement how the runs reach the endpoint",
      );
    }
  }),
  environmentRule('maintenance-policy', "The maintenance window and exclusions follow GKE's rules (48 hours in 32 days, exclusion lengths and counts).", ({ plan, report }) => {
    const policy = plan.cluster.maintenancePolicy;
    if (!policy) return;
    for (const p of maintenanceProblems(policy, plan.cluster.releaseChannel)) report(`cluster.maintenance.${p.path}`, p.message);
  }),
  environmentRule('created-bucket-settings', "A state bucket's settings are given only when the folder creates it (createBucket).", ({ config, report }) => {
    const b = config.backend;
    if (b.type !== 'gcs' || b.createBucket) return;
    for (const field of ['bucketProject', 'bucketLocation', 'keepNoncurrentVersions'] as const) {
      if (b[field] !== undefined) {
        report(`backend.${field}`, `applies only to a bucket this project creates, but createBucket is false (bucket "${b.bucket}" exists already): remove ${field}, or set createBucket: true`);
      }
    }
  }),
];

// ---------------------------------------------------------------------------------------------------------------------
// Folder rules

export const FOLDER_RULES: readonly FolderRule[] = [
  folderRule('unique-names-across-environments', 'Two environments never derive the same GCP resource name in one project.', (environments, report) => {
    const seen = new Map<string, { env: LoadedEnvironment; path: string }>();
    // Clashes by pair of files and by the field of the later file that causes them: one line per cause.
    const clashes = new Map<string, { first: LoadedEnvironment; firstPath: string; env: LoadedEnvironment; path: string; names: DerivedName[] }>();
    for (const env of environments) {
      for (const name of derivedNames(env.plan)) {
        const key = `${name.namespace}|${name.kind}|${name.value}`;
        const first = seen.get(key);
        if (!first) {
          seen.set(key, { env, path: name.path });
          continue;
        }
        if (first.env.file === env.file) continue;
        const cause = `${first.env.file}|${env.file}|${name.path}`;
        const group = clashes.get(cause) ?? { first: first.env, firstPath: first.path, env, path: name.path, names: [] };
        group.names.push(name);
        clashes.set(cause, group);
      }
    }
    // Every name an environment creates starts with its cluster name: when that clashes, it is the one cause.
    const copied = new Set([...clashes.values()].filter((c) => c.path === 'cluster.name').map((c) => `${c.first.file}|${c.env.file}`));
    for (const { first, firstPath, env, path, names } of clashes.values()) {
      if (path !== 'cluster.name' && copied.has(`${first.file}|${env.file}`)) continue;
      const what = [...new Set(names.map((n) => n.kind))].join(', ');
      const where = names[0].namespace === 'gcs' ? 'in GCS' : `in project ${env.plan.project}`;
      if (path === 'cluster.name') {
        // A copied file: every name derives from the cluster's, so one line per file says what to change.
        const fix = `give each environment its own cluster.name (or its own project)`;
        report(env.file, path, `"${env.plan.cluster.name}" is also ${first.file}'s cluster.name ${where}: the ${what} names would collide; ${fix}`);
        report(first.file, firstPath, `"${first.plan.cluster.name}" is also ${env.file}'s cluster.name ${where}: the ${what} names would collide; ${fix}`);
      } else {
        const list = names.map((n) => `${n.kind} "${n.value}"`).join(', ');
        report(env.file, path, `derives ${list} ${where}, which ${first.file} (${firstPath}) also creates; each environment needs its own names`);
        report(first.file, firstPath, `derives ${list} ${where}, which ${env.file} (${path}) also creates; each environment needs its own names`);
      }
    }
  }),
  folderRule('shared-backends', 'Environments sharing a state bucket or a Terraform Cloud project agree on who creates it, and how.', (environments, report) => {
    type Shared = { env: LoadedEnvironment; key: string; what: string; settings: Record<string, unknown>; stackName?: string };
    const shared: Shared[] = environments.flatMap((env): Shared[] => {
      const b = env.plan.backend;
      if (b.type === 'gcs') {
        const c = b.createdBucket;
        return [{
          env,
          key: `gcs|${b.bucket}`,
          what: `state bucket "${b.bucket}"`,
          stackName: c?.stackName,
          settings: c ? { createBucket: true, bucketProject: c.project, bucketLocation: c.location, keepNoncurrentVersions: c.keepNoncurrentVersions } : { createBucket: false },
        }];
      }
      if (b.type === 'cloud') {
        return [{
          env,
          key: `cloud|${b.hostname}|${b.organization}|${b.project}`,
          what: `Terraform Cloud project "${b.project}" of ${b.hostname}/${b.organization}`,
          stackName: b.createdProject?.stackName,
          settings: { createProject: b.createdProject !== undefined },
        }];
      }
      return [];
    });
    // One problem per file and field: the first environment (by file name) naming the thing is the reference.
    const first = new Map<string, Shared>();
    for (const s of shared) {
      const ref = first.get(s.key);
      if (!ref) {
        first.set(s.key, s);
        continue;
      }
      for (const [field, value] of Object.entries(s.settings)) {
        const expected = ref.settings[field];
        if (expected === undefined || value === undefined || expected === value) continue;
        report(
          s.env.file,
          `backend.${field}`,
          `${s.what} is also named by ${ref.env.file}, where ${field} is ${JSON.stringify(expected)}; here it is ${JSON.stringify(value)} (written or by default): give every environment that names it the same ${field}${s.stackName ?? ref.stackName ? `, as it is created once, by ${s.stackName ?? ref.stackName}` : ''}`,
        );
        break;
      }
    }
    // Two different shared things must not land in one bootstrap stack (project names that differ only in case or spaces).
    const byStack = new Map<string, Shared>();
    for (const s of shared) {
      if (!s.stackName) continue;
      const other = byStack.get(s.stackName);
      if (other && other.key !== s.key) {
        report(s.env.file, 'backend.project', `${s.what} and ${other.what} (${other.env.file}) would both be created by stack ${s.stackName}: rename one of the projects`);
      } else if (!other) byStack.set(s.stackName, s);
    }
  }),
  folderRule('unique-stack-names', 'No environment bootstrap stack takes the name of a shared bootstrap stack.', (environments, report) => {
    // bootstrap-<env> of an environment named state-<bucket> or tfc-<org>-<project> would be the shared stack's name:
    // one folder, one state file, two stacks.
    const shared = new Map<string, { file: string; what: string }>();
    for (const env of environments) {
      const b = env.plan.backend;
      if (b.type === 'gcs' && b.createdBucket) shared.set(b.createdBucket.stackName, { file: env.file, what: `creates state bucket "${b.bucket}"` });
      if (b.type === 'cloud' && b.createdProject) shared.set(b.createdProject.stackName, { file: env.file, what: `creates Terraform Cloud project "${b.project}"` });
    }
    for (const env of environments) {
      const clash = env.plan.bootstrapStackName ? shared.get(env.plan.bootstrapStackName) : undefined;
      if (clash) {
        report(env.file, '', `environment ${env.plan.name}'s stack ${env.plan.bootstrapStackName} has the name of the stack that ${clash.what} (${clash.file}): rename this environment file`);
      }
    }
  }),
  folderRule('unique-state-locations', 'Two environments never share a state location (a GCS prefix, or one inside another; a Terraform Cloud workspace).', (environments, report) => {
    // GCS: each state is the object `<prefix>/<env>-<stack>/default.tfstate`, and the gcs backend lists workspaces
    // under `<prefix>/`: one environment's location inside another's is as much a clash as the same one.
    const locations = environments.flatMap((env) => {
      const b = env.plan.backend;
      if (b.type === 'gcs') return Object.values(b.statePrefixes).map((prefix) => ({ env, kind: 'gcs', text: `gs://${b.bucket}/${prefix}`, path: 'backend.prefix' }));
      if (b.type === 'cloud') return Object.values(b.workspaces).map((w) => ({ env, kind: 'cloud', text: `${b.hostname}/${b.organization}/${w}`, path: 'backend.workspacePrefix' }));
      return [];
    });
    const clash = (a: (typeof locations)[number], b: (typeof locations)[number]) =>
      a.kind === b.kind && (a.text === b.text || (a.kind === 'gcs' && (a.text.startsWith(`${b.text}/`) || b.text.startsWith(`${a.text}/`))));
    locations.forEach((a, i) => {
      for (const b of locations.slice(i + 1)) {
        if (a.env.file === b.env.file || !clash(a, b)) continue;
        const how = a.text === b.text ? 'is also the state of' : 'overlaps the state of';
        report(b.env.file, b.path, `state ${b.text} ${how} ${a.env.file} (${a.path}: ${a.text}); give each environment its own prefix or workspace prefix`);
        report(a.env.file, a.path, `state ${a.text} ${how} ${b.env.file} (${b.path}: ${b.text}); give each environment its own prefix or workspace prefix`);
      }
    });
  }),
];

/** The file's name, checked by the loader before anything else: it names the stacks and their state. */
export const ENVIRONMENT_NAME_RULE = {
  id: 'environment-name',
  description: "The file name names the stacks: 1-31 lowercase letters, digits and hyphens, not starting with 'bootstrap'.",
  scope: 'environment' as const,
  checkName(name: string): string | undefined {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) {
      return `environment name "${name}" (the file name) must be 1 to 31 lowercase letters, digits and hyphens, starting with a letter`;
    }
    // Bootstrap stacks are named bootstrap-<env>: `cdktf deploy '<env>-*'` must never select one.
    if (name.startsWith('bootstrap')) {
      return `environment name "${name}" (the file name) may not start with "bootstrap": bootstrap stacks are named bootstrap-<env>, and cdktf deploy '${name}-*' would select them`;
    }
    return undefined;
  },
};

/** Runs every environment rule, and those other rooms add (the policy's waiver rule); each problem carries its rule's id. */
export function checkEnvironment(
  name: string,
  config: EnvironmentConfig,
  plan: EnvironmentPlan,
  extraRules: readonly EnvironmentRule[] = [],
): { path: string; message: string; rule: string }[] {
  const problems: { path: string; message: string; rule: string }[] = [];
  for (const rule of [...ENVIRONMENT_RULES, ...extraRules]) rule.check({ name, config, plan, report: (path, message) => problems.push({ path, message, rule: rule.id }) });
  return problems;
}

/** Runs every folder rule. */
export function checkFolder(environments: readonly LoadedEnvironment[]): { file: string; path: string; message: string; rule: string }[] {
  const problems: { file: string; path: string; message: string; rule: string }[] = [];
  for (const rule of FOLDER_RULES) rule.check(environments, (file, path, message) => problems.push({ file, path, message, rule: rule.id }));
  return problems;
}
