import { Cidr, contains, containsAddress, addressValue, formatAddress, overlaps, parseCidr } from './cidr';
import {
  DEFAULT_REGIONAL_ZONE_COUNT,
  SUBNET_RESERVED_ADDRESSES,
  isZone,
  maxNicsForVcpus,
  perNodePodBlockPrefix,
  regionOfZone,
  vcpusOfMachineType,
} from './gke';
import type { EnvironmentConfig } from './schema';

/**
 * Everything an environment means, computed once before any construct exists: resource names, NIC order,
 * node counts and the checks that need more than one field. Stacks read this and never re-derive it.
 */
export interface EnvironmentPlan {
  /** Environment name: the file name without `.json` (`dev`, `prod`). */
  readonly name: string;
  readonly project: string;
  readonly region: string;
  readonly cluster: ClusterPlan;
  readonly primaryNetwork: PrimaryNetworkPlan;
  readonly nodePools: readonly NodePoolPlan[];
  /** In NIC order: `additionalNetworks[k-1]` is `eth<k>` on every node. */
  readonly additionalNetworks: readonly AdditionalNetworkPlan[];
  readonly examples: { readonly samplePod: boolean };
  /** Where every stack keeps its state, and how the others read it. */
  readonly backend: BackendPlan;
  /**
   * `bootstrap-<env>`: the stack that creates the backend itself (state bucket, or Terraform Cloud workspaces and
   * dynamic credentials), deployed once with local state; `undefined` for the local backend.
   */
  readonly bootstrapStackName?: string;
}

/** The three stacks of an environment, in deploy order. */
export const STACK_KINDS = ['network', 'cluster', 'workloads'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

export type BackendPlan = { readonly type: 'local' } | GcsBackendPlan | CloudBackendPlan;

export interface GcsBackendPlan {
  readonly type: 'gcs';
  readonly bucket: string;
  /** Object prefix of each stack's state: `<prefix>/<env>-<stack>` (Terraform adds `/default.tfstate`). */
  readonly statePrefixes: Readonly<Record<StackKind, string>>;
}

export interface CloudBackendPlan {
  readonly type: 'cloud';
  readonly organization: string;
  readonly project: string;
  readonly hostname: string;
  readonly agentPool?: string;
  /** The workspace of each stack: `<workspacePrefix><env>-<stack>`. */
  readonly workspaces: Readonly<Record<StackKind, string>>;
  /** Workload Identity pool that trusts this organization's runs (4-32 characters). */
  readonly workloadIdentityPoolId: string;
  /** account_id of the service account the runs impersonate (6-30 characters). */
  readonly runServiceAccountId: string;
}

/** A VPC and subnet another team owns: read, never created. */
export interface ExistingSubnetPlan {
  readonly project: string;
  readonly network: string;
  readonly subnetwork: string;
  readonly podRangeName: string;
}

export interface ClusterPlan {
  readonly name: string;
  readonly location: string;
  readonly regional: boolean;
  /** Zones every node pool runs in; `undefined` lets GKE pick (regional default). */
  readonly nodeLocations?: readonly string[];
  /** Number of zones a pool's `nodeCount` is multiplied by. */
  readonly zoneCount: number;
  /** `cluster.version` as written (a minor or a full GKE version); `undefined`: the release channel's default. */
  readonly version?: string;
  readonly releaseChannel: EnvironmentConfig['cluster']['releaseChannel'];
  readonly deletionProtection: boolean;
  readonly maxPodsPerNode: number;
  readonly privateNodes: boolean;
  readonly authorizedNetworks?: readonly { readonly cidr: string; readonly displayName: string }[];
  /** account_id of the dedicated node service account (6-30 characters). */
  readonly nodeServiceAccountId: string;
}

export interface PrimaryNetworkPlan {
  /** Set when the cluster uses an existing VPC and subnet (the names below are then theirs). */
  readonly existing?: ExistingSubnetPlan & { readonly serviceRangeName: string };
  readonly vpcName: string;
  readonly subnetName: string;
  readonly nodeCidr: string;
  readonly podCidr: string;
  readonly podRangeName: string;
  readonly serviceCidr: string;
  readonly serviceRangeName: string;
  readonly cloudNat: boolean;
}

export interface NodePoolPlan {
  readonly name: string;
  readonly machineType: string;
  readonly vcpus: number;
  readonly nodeCount: number;
  readonly autoscaling?: { readonly minNodeCount: number; readonly maxNodeCount: number };
  readonly diskSizeGb: number;
  readonly diskType: string;
  readonly spot: boolean;
}

export interface AdditionalNetworkPlan {
  /** Name in the environment file; the stable key of every construct and output of this network. */
  readonly key: string;
  /** Set when the network is an existing VPC and subnet (the names below are then theirs; no firewall is created). */
  readonly existing?: ExistingSubnetPlan;
  readonly vpcName: string;
  readonly subnetName: string;
  readonly firewallName: string;
  readonly nodeCidr: string;
  readonly podCidr: string;
  readonly podRangeName: string;
  readonly maxPodsPerNode: number;
  /** Node NIC this network arrives on (`eth1`, `eth2`, … in order). */
  readonly nodeInterface: string;
  readonly attachment: AttachmentPlan;
}

export interface AttachmentPlan {
  readonly name: string;
  readonly namespace: string;
  readonly mode: 'l2' | 'l3' | 'l3s';
  /** IPVLAN master: the explicit override, else the network's node NIC. */
  readonly master: string;
  readonly exclude: readonly string[];
  readonly rangeStart?: string;
  readonly rangeEnd?: string;
  /**
   * The two addresses `helm test` reserves in this network's range (`reservedTestAddresses`): the attachment
   * never hands them out, the chart's test attachment hands out only them.
   */
  readonly testAddresses: readonly [string, string];
}

/**
 * The two addresses the chart reserves for its cross-node `helm test` in a Whereabouts range: the last two it could
 * hand out. Whereabouts never hands out a range's network and broadcast addresses (whereabouts
 * pkg/iphelpers GetIPRange: FirstUsableIP .. LastUsableIP), so these are broadcast - 2 and broadcast - 1. The chart
 * computes the same pair in `multus-whereabouts.testAddresses`; a chart test proves the two agree.
 */
export function reservedTestAddresses(range: Cidr): [string, string] {
  return [formatAddress(range.last - 2n), formatAddress(range.last - 1n)];
}

/** A problem found by `planEnvironment`, before the file name is attached. */
export interface PlanProblem {
  readonly path: string;
  readonly message: string;
}

export type PlanResult = { plan: EnvironmentPlan; problems: [] } | { plan?: undefined; problems: PlanProblem[] };

/** GCP names (networks, subnets, firewalls, routers) are at most 63 characters. */
const GCP_NAME_MAX = 63;

export function planEnvironment(name: string, config: EnvironmentConfig): PlanResult {
  const problems: PlanProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const c = config.cluster;

  // Location, zones and version.
  const regional = !isZone(c.location);
  const clusterRegion = regional ? c.location : regionOfZone(c.location);
  if (clusterRegion !== config.region) {
    report(
      'cluster.location',
      regional
        ? `region "${c.location}" is not the environment region "${config.region}"`
        : `zone "${c.location}" is not in region "${config.region}" (zones of it look like ${config.region}-a)`,
    );
  }
  const seenZones = new Set<string>();
  (c.nodeLocations ?? []).forEach((zone, index) => {
    if (regionOfZone(zone) !== config.region) report(`cluster.nodeLocations[${index}]`, `zone "${zone}" is not in region "${config.region}"`);
    if (seenZones.has(zone)) report(`cluster.nodeLocations[${index}]`, `zone "${zone}" is listed twice`);
    seenZones.add(zone);
  });
  if (!regional && c.nodeLocations && !c.nodeLocations.includes(c.location)) {
    report('cluster.nodeLocations', `a zonal cluster's node zones must include its own zone "${c.location}"`);
  }
  const zoneCount = c.nodeLocations?.length ?? (regional ? DEFAULT_REGIONAL_ZONE_COUNT : 1);

  // Node pools: names, NICs, sizes.
  const nicsNeeded = 1 + config.additionalNetworks.length;
  const pools: NodePoolPlan[] = [];
  reportDuplicates(config.nodePools.map((p) => p.name), 'nodePools', 'name', 'node pool', report);
  config.nodePools.forEach((pool, index) => {
    const at = `nodePools[${index}]`;
    const vcpus = pool.vcpus ?? vcpusOfMachineType(pool.machineType);
    if (vcpus === undefined) {
      report(`${at}.machineType`, `cannot tell the vCPUs of "${pool.machineType}" from its name; set ${at}.vcpus`);
    } else if (maxNicsForVcpus(vcpus) < nicsNeeded) {
      report(
        `${at}.machineType`,
        `${pool.machineType} allows ${maxNicsForVcpus(vcpus)} NICs (${vcpus} vCPUs); 1 + ${config.additionalNetworks.length} additional networks need ${nicsNeeded}`,
      );
    }
    if (pool.autoscaling) {
      const { minNodeCount, maxNodeCount } = pool.autoscaling;
      if (minNodeCount > maxNodeCount) report(`${at}.autoscaling.minNodeCount`, `${minNodeCount} is greater than maxNodeCount ${maxNodeCount}`);
      else if (pool.nodeCount < minNodeCount || pool.nodeCount > maxNodeCount)
        report(`${at}.nodeCount`, `${pool.nodeCount} is outside autoscaling bounds ${minNodeCount}..${maxNodeCount}`);
    }
    pools.push({
      name: pool.name,
      machineType: pool.machineType,
      vcpus: vcpus ?? 0,
      nodeCount: pool.nodeCount,
      autoscaling: pool.autoscaling,
      diskSizeGb: pool.diskSizeGb,
      diskType: pool.diskType,
      spot: pool.spot,
    });
  });

  // Every pool attaches every additional network, so each range must hold every node of every pool at its busiest,
  // which is a replacement: GKE cannot change a pool's NICs or pod networks, so changing the networks replaces every
  // pool create-before-destroy (MultinetNodePool), and until the old pools are gone their nodes (up to each pool's
  // maximum) and the new pools' nodes (at their initial count) take addresses from the same ranges. Each pool starts
  // with at least one node per zone, so this room also covers an upgrade's surge node (max_surge = 1 per zone).
  const nodeDemand = config.nodePools.map((p) => {
    const old = p.autoscaling?.maxNodeCount ?? p.nodeCount;
    // A nodeCount outside the autoscaling bounds is reported above; counting it here would only repeat that.
    const fresh = Math.min(p.nodeCount, old);
    return { pool: p.name, old, new: fresh, nodes: (old + fresh) * zoneCount };
  });
  const totalNodes = nodeDemand.reduce((sum, d) => sum + d.nodes, 0);
  const demandText = `old and new nodes share it while a pool is replaced create-before-destroy (${nodeDemand
    .map((d) => `${d.pool}: (${d.old} old + ${d.new} new) × ${zoneCount} zone${zoneCount > 1 ? 's' : ''}`)
    .join(', ')})`;

  // Ranges: valid one by one (schema), here checked against each other and against the node demand.
  const ranges: { path: string; cidr: Cidr }[] = [
    { path: 'cluster.nodeCidr', cidr: parseCidr(c.nodeCidr) },
    { path: 'cluster.podCidr', cidr: parseCidr(c.podCidr) },
    { path: 'cluster.serviceCidr', cidr: parseCidr(c.serviceCidr) },
    ...config.additionalNetworks.flatMap((n, i) => [
      { path: `additionalNetworks[${i}].nodeCidr`, cidr: parseCidr(n.nodeCidr) },
      { path: `additionalNetworks[${i}].podCidr`, cidr: parseCidr(n.podCidr) },
    ]),
  ];
  ranges.forEach((range, i) => {
    const earlier = ranges.slice(0, i).find((other) => overlaps(other.cidr, range.cidr));
    if (earlier) report(range.path, `${range.cidr.text} overlaps ${earlier.path} (${earlier.cidr.text})`);
  });
  const checkNodeRange = (path: string, cidr: Cidr) => {
    const usable = cidr.size - SUBNET_RESERVED_ADDRESSES;
    if (usable < BigInt(totalNodes)) {
      report(path, `${cidr.text} has ${usable} usable addresses but needs room for ${totalNodes} nodes: ${demandText}`);
    }
  };
  const checkPodRange = (path: string, cidr: Cidr, maxPods: number, maxPodsPath: string) => {
    const blockPrefix = perNodePodBlockPrefix(maxPods);
    const holds = blockPrefix >= cidr.prefix ? cidr.size >> BigInt(32 - blockPrefix) : 0n;
    if (holds < BigInt(totalNodes)) {
      const neededPrefix = blockPrefix - Math.ceil(Math.log2(totalNodes));
      report(
        path,
        `${cidr.text} holds ${holds} node${holds === 1n ? '' : 's'} with ${maxPodsPath} ${maxPods} (a /${blockPrefix} per node) but needs room for ${totalNodes}: ${demandText}; use a /${neededPrefix} or larger, or lower ${maxPodsPath}`,
      );
    }
  };
  checkNodeRange('cluster.nodeCidr', ranges[0].cidr);
  checkPodRange('cluster.podCidr', ranges[1].cidr, c.maxPodsPerNode, 'cluster.maxPodsPerNode');

  // Additional networks: names, NIC order, attachment ranges.
  reportDuplicates(config.additionalNetworks.map((n) => n.name), 'additionalNetworks', 'name', 'network', report);
  reportDuplicates(
    config.additionalNetworks.map((n) => `${n.attachment.namespace}/${n.attachment.name}`),
    'additionalNetworks',
    'attachment.name',
    'attachment',
    report,
  );
  const masters = new Map<string, number>();
  const networks: AdditionalNetworkPlan[] = config.additionalNetworks.map((n, i) => {
    const at = `additionalNetworks[${i}]`;
    const nodeInterface = `eth${i + 1}`;
    const master = n.attachment.master ?? nodeInterface;
    const owner = masters.get(master);
    if (owner !== undefined) {
      report(`${at}.attachment.master`, `"${master}" is already the IPVLAN master of additionalNetworks[${owner}]; each network has its own NIC`);
    }
    masters.set(master, i);
    const podCidr = parseCidr(n.podCidr);
    checkNodeRange(`${at}.nodeCidr`, parseCidr(n.nodeCidr));
    checkPodRange(`${at}.podCidr`, podCidr, n.maxPodsPerNode, `${at}.maxPodsPerNode`);
    n.attachment.exclude.forEach((text, j) => {
      if (!contains(podCidr, parseCidr(text))) report(`${at}.attachment.exclude[${j}]`, `${text} is not inside podCidr ${n.podCidr}`);
    });
    for (const bound of ['rangeStart', 'rangeEnd'] as const) {
      const address = n.attachment[bound];
      if (address !== undefined && !containsAddress(podCidr, address)) {
        report(`${at}.attachment.${bound}`, `${address} is not inside podCidr ${n.podCidr}`);
      }
    }
    const { rangeStart, rangeEnd } = n.attachment;
    if (rangeStart && rangeEnd && addressValue(rangeStart) > addressValue(rangeEnd)) {
      report(`${at}.attachment.rangeEnd`, `${rangeEnd} comes before rangeStart ${rangeStart}`);
    }
    const testAddresses = reservedTestAddresses(podCidr);
    // What the attachment can still hand out once the network and broadcast addresses and the two test addresses are
    // off: an attachment whose rangeStart lies past them would have nothing to give any pod.
    const lastHandedOut = podCidr.last - 3n;
    if (rangeStart && containsAddress(podCidr, rangeStart) && addressValue(rangeStart) > lastHandedOut) {
      report(
        `${at}.attachment.rangeStart`,
        `${rangeStart} leaves the attachment no address: ${testAddresses.join(' and ')} are reserved for helm test and ${formatAddress(podCidr.last)} is the broadcast address; start at ${formatAddress(lastHandedOut)} or earlier`,
      );
    }
    const existing = n.existing ? { ...n.existing, project: n.existing.project ?? config.project } : undefined;
    if (existing && n.podRangeName !== undefined) {
      report(`${at}.podRangeName`, `names a range this product creates; for an existing subnet give its range in existing.podRangeName`);
    }
    return {
      key: n.name,
      existing,
      vpcName: existing?.network ?? `${c.name}-${n.name}-vpc`,
      subnetName: existing?.subnetwork ?? `${c.name}-${n.name}`,
      firewallName: `${c.name}-${n.name}-allow-internal`,
      nodeCidr: n.nodeCidr,
      podCidr: n.podCidr,
      podRangeName: existing?.podRangeName ?? n.podRangeName ?? `${n.name}-pods`,
      maxPodsPerNode: n.maxPodsPerNode,
      nodeInterface,
      attachment: {
        name: n.attachment.name,
        namespace: n.attachment.namespace,
        mode: n.attachment.mode,
        master,
        exclude: n.attachment.exclude,
        rangeStart: n.attachment.rangeStart,
        rangeEnd: n.attachment.rangeEnd,
        testAddresses,
      },
    };
  });

  const primaryExisting = c.existing ? { ...c.existing, project: c.existing.project ?? config.project } : undefined;
  if (primaryExisting && c.cloudNat) {
    report('cluster.cloudNat', `cannot add a Cloud Router and NAT to the existing network ${primaryExisting.project}/${primaryExisting.network}; its owners provide egress`);
  }
  const primaryNetwork: PrimaryNetworkPlan = {
    existing: primaryExisting,
    vpcName: primaryExisting?.network ?? `${c.name}-vpc`,
    subnetName: primaryExisting?.subnetwork ?? `${c.name}-nodes`,
    nodeCidr: c.nodeCidr,
    podCidr: c.podCidr,
    podRangeName: primaryExisting?.podRangeName ?? `${c.name}-pods`,
    serviceCidr: c.serviceCidr,
    serviceRangeName: primaryExisting?.serviceRangeName ?? `${c.name}-services`,
    cloudNat: c.cloudNat,
  };

  // Every node NIC in one project, each in its own VPC. GKE: "For Shared VPC deployments, all network interfaces
  // (NICs) attached to nodes must belong to the same project as the host project" (Set up multi-network support for
  // Pods, limitations); Compute Engine: each NIC of a VM in a different VPC.
  const nicProject = primaryExisting?.project ?? config.project;
  const vpcs = new Map<string, string>([[`${nicProject}/${primaryNetwork.vpcName}`, primaryExisting ? 'cluster.existing.network' : 'cluster.name']]);
  networks.forEach((n, i) => {
    const project = n.existing?.project ?? config.project;
    const at = `additionalNetworks[${i}]`;
    if (project !== nicProject) {
      report(
        n.existing?.project ? `${at}.existing.project` : at,
        `network ${n.key} is in project ${project} but the cluster's network is in ${nicProject}: GKE wants every node NIC in one project (the Shared VPC host project), so ${primaryExisting ? `use a network of ${nicProject}` : `give cluster.existing a network of ${project}`}`,
      );
    }
    const key = `${project}/${n.vpcName}`;
    const owner = vpcs.get(key);
    if (owner !== undefined && n.existing) report(`${at}.existing.network`, `VPC ${key} is already the network of ${owner}; each node NIC needs its own VPC`);
    else vpcs.set(key, n.existing ? `${at}.existing.network` : `${at}.name`);
  });

  const backend = planBackend(name, config, report);

  // Derived GCP names: each at most 63 characters and unique per kind.
  const derived: { path: string; kind: string; value: string }[] = [
    ...(primaryExisting
      ? []
      : [
          { path: 'cluster.name', kind: 'VPC', value: primaryNetwork.vpcName },
          { path: 'cluster.name', kind: 'subnet', value: primaryNetwork.subnetName },
        ]),
    // A repeated network name is reported once, above; its derived names would only repeat that. Existing networks
    // keep their own names.
    ...networks.flatMap((n, i) => (n.existing || networks.findIndex((m) => m.key === n.key) < i ? [] : [
      { path: `additionalNetworks[${i}].name`, kind: 'VPC', value: n.vpcName },
      { path: `additionalNetworks[${i}].name`, kind: 'subnet', value: n.subnetName },
      { path: `additionalNetworks[${i}].name`, kind: 'firewall', value: n.firewallName },
    ])),
  ];
  const seenNames = new Map<string, string>();
  for (const name of derived) {
    if (name.value.length > GCP_NAME_MAX) {
      report(name.path, `${name.kind} name "${name.value}" would be ${name.value.length} characters; GCP allows ${GCP_NAME_MAX} (shorten cluster.name or this name)`);
    }
    const key = `${name.kind}:${name.value}`;
    const first = seenNames.get(key);
    if (first !== undefined && first !== name.path) report(name.path, `${name.kind} name "${name.value}" is also derived from ${first}`);
    else seenNames.set(key, name.path);
  }

  if (problems.length > 0) return { problems };
  return {
    problems: [],
    plan: {
      name,
      project: config.project,
      region: config.region,
      cluster: {
        name: c.name,
        location: c.location,
        regional,
        nodeLocations: c.nodeLocations,
        zoneCount,
        version: c.version,
        releaseChannel: c.releaseChannel,
        deletionProtection: c.deletionProtection,
        maxPodsPerNode: c.maxPodsPerNode,
        privateNodes: c.privateNodes,
        authorizedNetworks: c.authorizedNetworks,
        nodeServiceAccountId: `${c.name.slice(0, 23).replace(/-+$/, '')}-nodes`,
      },
      primaryNetwork,
      nodePools: pools,
      additionalNetworks: networks,
      examples: config.examples,
      backend,
      bootstrapStackName: backend.type === 'local' ? undefined : `${BOOTSTRAP_STACK_PREFIX}${name}`,
    },
  };
}

/**
 * Bootstrap stacks are named `bootstrap-<env>`, so that `cdktf deploy '<env>-*'` never selects one: no environment
 * name may start with this prefix (checked by the loader).
 */
export const BOOTSTRAP_STACK_PREFIX = 'bootstrap-';

/** Terraform Cloud workspace names: letters, digits, - and _, at most 90 characters (HCP Terraform API). */
const TFC_WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * GCP copies a token's subject into `google.subject`, which holds at most 127 bytes (IAM Workload Identity
 * Federation, attribute mappings). Terraform Cloud's subject is
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>` (workload identity token claims).
 */
const GOOGLE_SUBJECT_MAX = 127;

function planBackend(env: string, config: EnvironmentConfig, report: (path: string, message: string) => void): BackendPlan {
  const b = config.backend;
  if (b.type === 'local') return { type: 'local' };
  if (b.type === 'gcs') {
    return { type: 'gcs', bucket: b.bucket, statePrefixes: Object.fromEntries(STACK_KINDS.map((k) => [k, `${b.prefix}/${env}-${k}`])) as Record<StackKind, string> };
  }
  const workspaces = Object.fromEntries(STACK_KINDS.map((k) => [k, `${b.workspacePrefix}${env}-${k}`])) as Record<StackKind, string>;
  for (const workspace of Object.values(workspaces)) {
    if (!TFC_WORKSPACE_NAME.test(workspace)) {
      report('backend.workspacePrefix', `makes workspace name "${workspace}" (${workspace.length} characters); Terraform Cloud allows at most 90 letters, digits, - and _`);
      break;
    }
  }
  const longest = Object.values(workspaces).reduce((a, w) => (w.length > a.length ? w : a), '');
  const subject = `organization:${b.organization}:project:${b.project}:workspace:${longest}:run_phase:apply`;
  if (Buffer.byteLength(subject) > GOOGLE_SUBJECT_MAX) {
    report(
      'backend.project',
      `makes the runs' token subject "${subject}" ${Buffer.byteLength(subject)} bytes long; GCP Workload Identity Federation maps it to google.subject, which holds at most ${GOOGLE_SUBJECT_MAX}: shorten backend.organization, backend.project or backend.workspacePrefix`,
    );
  }
  // Terraform Cloud's shared runners have no published address ranges: with an authorized-networks list they cannot
  // reach the control plane, and the workloads stack (kubernetes and helm providers) fails.
  if (config.cluster.authorizedNetworks && !b.agentPool && !b.authorizedNetworksAcknowledgement) {
    report(
      'cluster.authorizedNetworks',
      "restricts the control plane, but the backend runs on Terraform Cloud's shared runners, whose addresses are not published: set backend.agentPool to an agent pool running inside these networks, or say in backend.authorizedNetworksAcknowledgement how the runs reach the endpoint",
    );
  }
  return {
    type: 'cloud',
    organization: b.organization,
    project: b.project,
    hostname: b.hostname,
    agentPool: b.agentPool,
    workspaces,
    // Pool ids: 4-32 lowercase letters, digits and hyphens; service account ids: 6-30.
    workloadIdentityPoolId: `tfc-${env}`.slice(0, 32).replace(/-+$/, ''),
    runServiceAccountId: `${env.slice(0, 21).replace(/-+$/, '')}-tfc-runs`,
  };
}

function reportDuplicates(
  values: readonly string[],
  list: string,
  field: string,
  what: string,
  report: (path: string, message: string) => void,
): void {
  const first = new Map<string, number>();
  values.forEach((value, index) => {
    const earlier = first.get(value);
    if (earlier !== undefined) report(`${list}[${index}].${field}`, `${what} "${value}" is already defined at ${list}[${earlier}]`);
    else first.set(value, index);
  });
}
