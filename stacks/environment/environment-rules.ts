import {
  ADDITIONAL_NETWORK_MAX_PODS_RANGE,
  ATTACHMENT_NAME_MAX,
  ATTACHMENT_NAME_PATTERN,
  CLUSTER_MAX_PODS_RANGE,
  CROSS_NODE_TEST_SUFFIX,
  GCP_NAME_MAX,
  MIN_ATTACHMENT_ADDRESSES,
  whereaboutsAddressCount,
  NICS_PER_VM,
  SUBNET_RESERVED_ADDRESSES,
  addressValue,
  contains,
  containsAddress,
  isZone,
  maintenanceProblems,
  maxNicsForVcpus,
  overlaps,
  parseCidr,
  perNodePodBlockPrefix,
  predefinedFamilyOf,
  regionOfZone,
  nodeNicOf,
} from '../../modules/facts';
import type { EnvironmentConfig } from './schema';
import { derivedNames, rangesOf, replacementDemand, reportDuplicates } from './rule-helpers';
import { EnvironmentRule, environmentRule } from './rule-types';
import { shown } from './problems';
import { INPUT_RULES } from './input-rules';

/** The rules of one environment file and its plan; each problem is reported at a field path of the file. */

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

const CROSS_FIELD_RULES: readonly EnvironmentRule[] = [
  environmentRule('cluster-location-in-region', 'The cluster zone or region lies in the environment region.', ({ config, report }) => {
    const { location } = config.cluster;
    const regional = !isZone(location);
    const implied = regionOfLocations(config);
    if (implied !== undefined && implied !== config.region) {
      // Every location points to one other region: the region is the likelier typo, and the one line to fix.
      report('region', `${shown(config.region)} is not the region of the cluster's location and node zones, which all lie in ${implied} (cluster.location ${shown(location)}): set region to ${shown(implied)}, or move the cluster`);
      return;
    }
    if ((regional ? location : regionOfZone(location)) !== config.region) {
      report(
        'cluster.location',
        regional
          ? `region ${shown(location)} is not the environment region ${shown(config.region)}`
          : `zone ${shown(location)} is not in region ${shown(config.region)} (zones of it look like ${config.region}-a)`,
      );
    }
  }),
  environmentRule('node-locations', 'Node zones lie in the region, appear once, and include a zonal cluster\'s own zone.', ({ config, report }) => {
    const { location, nodeLocations } = config.cluster;
    const seen = new Set<string>();
    // A region every location disagrees with is reported once, on region (cluster-location-in-region).
    const regionBlamed = regionOfLocations(config) !== undefined && regionOfLocations(config) !== config.region;
    (nodeLocations ?? []).forEach((zone, index) => {
      if (!regionBlamed && regionOfZone(zone) !== config.region) report(`cluster.nodeLocations[${index}]`, `zone ${shown(zone)} is not in region ${shown(config.region)}`);
      if (seen.has(zone)) report(`cluster.nodeLocations[${index}]`, `zone ${shown(zone)} is listed twice`);
      seen.add(zone);
    });
    if (isZone(location) && nodeLocations && !nodeLocations.includes(location)) {
      report('cluster.nodeLocations', `a zonal cluster's node zones must include its own zone ${shown(location)}`);
    }
  }),
  environmentRule('unique-node-pool-names', 'Node pool names are unique.', ({ config, report }) => {
    reportDuplicates(config.nodePools.map((p) => p.name), 'nodePools', 'name', 'node pool', report);
  }),
  environmentRule('machine-type-vcpus', 'The vCPUs of every machine type are known (from its name, or `vcpus`).', ({ plan, report }) => {
    plan.nodePools.forEach((pool, i) => {
      if (pool.vcpus === undefined) report(`nodePools[${i}].machineType`, `cannot tell the vCPUs of ${shown(pool.machineType)} from its name; set nodePools[${i}].vcpus`);
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
      const own = `use ${nodeNicOf(i)}, this network's NIC, or leave master out`;
      const k = /^eth(\d+)$/.exec(master);
      const at = `additionalNetworks[${i}].attachment.master`;
      if (!k) report(at, `${shown(master)} is not a NIC name on GKE nodes, which name them eth0, eth1, …: ${own}`);
      else if (Number(k[1]) === 0) report(at, `"eth0" is the node's cluster network: IPVLAN on it takes over pod networking; ${own}`);
      else if (Number(k[1]) > n) report(at, `${shown(master)} is not a NIC of these nodes: they have eth1${n > 1 ? `…eth${n}` : ''} for ${n} additional network${n === 1 ? '' : 's'}; ${own}`);
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
          `${shown(master)} is already the IPVLAN master of additionalNetworks[${other}]${explicit(other) ? '' : ' (its NIC by order)'}; each network needs its own NIC: use eth${i + 1}, or leave master out`,
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
        report(`additionalNetworks[${i}].attachment.name`, `${shown(name)} names helm test's Service and pods ${name}${CROSS_NODE_TEST_SUFFIX}(-0/-1): start it with a letter and keep it to ${ATTACHMENT_NAME_MAX} characters`);
      }
    });
  }),
  environmentRule('attachment-keeps-an-address', `An attachment hands out at least the ${MIN_ATTACHMENT_ADDRESSES} addresses the cross-node helm test attaches, after exclude, rangeStart and rangeEnd.`, ({ config, report }) => {
    config.additionalNetworks.forEach((n, i) => {
      const { exclude, rangeStart, rangeEnd, ipam } = n.attachment;
      if (ipam === 'node-block') return;
      // attachment-range-bounds reports bounds and exclusions outside the range; counting needs them inside.
      const range = parseCidr(n.podCidr);
      if (rangeStart && rangeEnd && addressValue(rangeStart) > addressValue(rangeEnd)) return;
      if (exclude.some((x) => !contains(range, parseCidr(x))) || [rangeStart, rangeEnd].some((x) => x !== undefined && !containsAddress(range, x))) return;
      const count = whereaboutsAddressCount(n.podCidr, exclude, rangeStart, rangeEnd);
      if (count >= BigInt(MIN_ATTACHMENT_ADDRESSES)) return;
      const bounds = whereaboutsAddressCount(n.podCidr, [], rangeStart, rangeEnd) < BigInt(MIN_ATTACHMENT_ADDRESSES);
      const field = bounds ? (rangeStart !== undefined ? 'rangeStart' : 'rangeEnd') : 'exclude';
      report(
        `additionalNetworks[${i}].attachment.${field}`,
        `leaves ${count} address${count === 1n ? '' : 'es'} to hand out in ${n.podCidr} (Whereabouts never hands out the network and broadcast addresses), and helm test attaches ${MIN_ATTACHMENT_ADDRESSES} pods: ${bounds ? 'widen rangeStart..rangeEnd' : 'exclude less of the range'}`,
      );
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
        report(name.path, `${name.kind} name ${shown(name.value)} would be ${name.value.length} characters; GCP allows ${GCP_NAME_MAX} (shorten cluster.name or this name)`);
      }
    }
  }),
  environmentRule('unique-derived-names', 'No two resources of one kind derive the same GCP name.', ({ plan, report }) => {
    const seen = new Map<string, string>();
    for (const name of derivedNames(plan)) {
      if (!['VPC', 'subnet', 'firewall'].includes(name.kind)) continue;
      const key = `${name.kind}:${name.value}`;
      const first = seen.get(key);
      if (first !== undefined && first !== name.path) report(name.path, `${name.kind} name ${shown(name.value)} is also derived from ${first}`);
      else seen.set(key, name.path);
    }
  }),
  environmentRule('tfc-workspace-names', 'Terraform Cloud workspace names are at most 90 letters, digits, - and _.', ({ plan, report }) => {
    if (plan.backend.type !== 'cloud') return;
    const invalid = Object.values(plan.backend.workspaces).find((w) => !TFC_WORKSPACE_NAME.test(w));
    if (invalid) report('backend.workspacePrefix', `makes workspace name ${JSON.stringify(invalid)} (${invalid.length} characters); Terraform Cloud allows at most 90 letters, digits, - and _`);
  }),
  environmentRule('tfc-token-subject', "The runs' workload identity subject fits GCP's 127-byte google.subject.", ({ plan, report }) => {
    const b = plan.backend;
    if (b.type !== 'cloud') return;
    const longest = Object.values(b.workspaces).reduce((a, w) => (w.length > a.length ? w : a), '');
    const subject = `organization:${b.organization}:project:${b.project}:workspace:${longest}:run_phase:apply`;
    if (Buffer.byteLength(subject) > GOOGLE_SUBJECT_MAX) {
      report(
        'backend.project',
        `makes the runs' token subject ${JSON.stringify(subject)} ${Buffer.byteLength(subject)} bytes long; GCP Workload Identity Federation maps it to google.subject, which holds at most ${GOOGLE_SUBJECT_MAX}: shorten backend.organization, backend.project or backend.workspacePrefix`,
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
        report(`backend.${field}`, `applies only to a bucket this project creates, but createBucket is false (bucket ${shown(b.bucket)} exists already): remove ${field}, or set createBucket: true`);
      }
    }
  }),
];

/** Every environment rule: the cross-field rules above, then those against hostile or pathological input. */
export const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [...CROSS_FIELD_RULES, ...INPUT_RULES];
