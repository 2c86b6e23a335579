import { z } from 'zod';
import {
  ADDITIONAL_NETWORK_MAX_PODS_RANGE,
  CLUSTER_MAX_PODS_RANGE,
  DEFAULT_FLOW_LOGS,
  FLOW_LOG_INTERVALS,
  FLOW_LOG_METADATA,
  BUILT_IN_NAMESPACES,
  CLUSTER_NAME_MAX,
  CLUSTER_POD_RANGE_PREFIX,
  DEFAULT_ADDITIONAL_NETWORK_MAX_PODS,
  DEFAULT_ATTACHMENT_NAMESPACE,
  DEFAULT_CLUSTER_MAX_PODS,
  DEFAULT_IPAM_MODE,
  DEFAULT_IPVLAN_MODE,
  DEFAULT_RELEASE_CHANNEL,
  GCP_NAME_MAX,
  GKE_VERSION_FORMAT,
  INTERFACE_NAME_PATTERN,
  IPAM_MODES,
  IPVLAN_MODES,
  MACHINE_TYPE_PATTERN,
  MAX_ADDITIONAL_NETWORKS,
  MAX_NODES_PER_POOL_ZONE,
  NODE_DISK_SIZE_GB,
  NODE_DISK_TYPES,
  NODE_POOL_DEFAULTS,
  NODE_POOL_NAME_MAX,
  RELEASE_CHANNELS,
  SERVICE_RANGE_PREFIX,
  SUBNET_PREFIX,
  MAINTENANCE_EXCLUSION_SCOPES,
  MIN_GKE_VERSION,
  isAtLeast,
  parseGkeVersion,
} from '../../modules/facts';
import { backend } from './schema-backend';
import { subnetRange, cidr, dnsLabel, gcpName, ipv4, projectId, zone } from './schema-fields';

/**
 * The environment file, `environments/<env>.json`. This shape is a public interface: extend it, never rename.
 * `environments/schema.json` is generated from this schema (`npm run schema`), so editors see the same rules.
 */


/**
 * A VPC and subnet another team owns, possibly in a Shared VPC host project: the network stack reads them instead of
 * creating them, and checks at plan time that they have the ranges this file declares.
 */
const existingSubnet = {
  project: projectId
    .optional()
    .meta({ description: 'Project of the VPC and subnet (a Shared VPC host project). Default: the environment project.' }),
  network: gcpName(GCP_NAME_MAX, 'VPC name').meta({ description: 'Name of the existing VPC.' }),
  subnetwork: gcpName(GCP_NAME_MAX, 'subnet name').meta({ description: 'Name of its subnet in `region`; its primary range must be `nodeCidr`.' }),
  podRangeName: gcpName(GCP_NAME_MAX, 'secondary range name').meta({ description: 'Name of the subnet secondary range for pods; its range must be `podCidr`.' }),
};

const authorizedNetwork = z.strictObject({
  cidr: cidr(0, 32, 'Source range allowed to reach the control plane'),
  displayName: z.string().min(1).max(100).meta({ description: 'Label shown in the console.' }),
});

const cluster = z
  .strictObject({
    name: gcpName(CLUSTER_NAME_MAX, 'GKE cluster name').meta({ description: 'GKE cluster name; also prefixes every network resource.' }),
    location: z
      .string()
      .regex(/^[a-z]+-[a-z]+\d+(-[a-z])?$/, { message: 'is not a zone (us-central1-c) or region (us-central1)' })
      .meta({ description: 'Zone (zonal cluster) or region (regional cluster); must lie in `region`.' }),
    nodeLocations: z
      .array(zone)
      .min(1)
      .optional()
      .meta({
        description:
          'Zones the node pools run in. Default: the cluster zone (zonal) or three zones GKE picks (regional). Node counts are per zone.',
      }),
    version: z
      .string()
      .regex(GKE_VERSION_FORMAT, { message: 'is not a GKE minor version (e.g. 1.33) or full GKE version (e.g. 1.33.5-gke.1080000)' })
      .refine((v) => { const parsed = parseGkeVersion(v); return !parsed || isAtLeast(parsed, MIN_GKE_VERSION); }, {
        message: `is older than ${MIN_GKE_VERSION.major}.${MIN_GKE_VERSION.minor}, the first GKE version whose private clusters get a Private Service Connect control plane`,
      })
      .optional()
      .meta({
        description: `Minimum control-plane version: a minor (\`1.33\`) or a full GKE version (\`1.33.5-gke.1080000\`), ${MIN_GKE_VERSION.major}.${MIN_GKE_VERSION.minor} or later. Resolved at plan time to the newest matching version of the release channel; the plan fails when the channel offers none. Default: the channel's default version.`,
      }),
    releaseChannel: z
      .enum(RELEASE_CHANNELS)
      .default(DEFAULT_RELEASE_CHANNEL)
      .meta({ description: 'GKE release channel; keeps the control plane and nodes patched. Day 2: a change moves the cluster in place, within the minors the new channel offers (`gcloud container get-server-config`).' }),
    deletionProtection: z
      .boolean()
      .default(true)
      .meta({ description: 'Refuse `terraform destroy` of the cluster until set to false.' }),
    nodeCidr: subnetRange(SUBNET_PREFIX.min, SUBNET_PREFIX.max, "Primary VPC subnet: the nodes' eth0"),
    podCidr: subnetRange(CLUSTER_POD_RANGE_PREFIX.min, CLUSTER_POD_RANGE_PREFIX.max, 'GKE pod secondary range of the primary subnet'),
    serviceCidr: subnetRange(SERVICE_RANGE_PREFIX.min, SERVICE_RANGE_PREFIX.max, 'GKE service secondary range of the primary subnet'),
    maxPodsPerNode: z
      .number()
      .int()
      .min(CLUSTER_MAX_PODS_RANGE.min)
      .max(CLUSTER_MAX_PODS_RANGE.max)
      .default(DEFAULT_CLUSTER_MAX_PODS)
      .meta({ description: 'Max pods per node on the primary pod range (eth0). Day 2: a change replaces the cluster (docs/addressing.md, changes that replace the cluster).' }),
    privateNodes: z
      .boolean()
      .default(true)
      .meta({ description: 'Nodes get no external IP; they reach Google APIs, gcr.io and Artifact Registry through Private Google Access. Day 2: a change replaces the cluster (docs/addressing.md, changes that replace the cluster).' }),
    cloudNat: z
      .boolean()
      .default(false)
      .meta({ description: 'Add a Cloud Router and Cloud NAT so private nodes can pull from registries outside Google (e.g. Docker Hub).' }),
    existing: z
      .strictObject({
        ...existingSubnet,
        serviceRangeName: gcpName(GCP_NAME_MAX, 'secondary range name').meta({
          description: 'Name of the subnet secondary range for Services; its range must be `serviceCidr`.',
        }),
      })
      .optional()
      .meta({
        description:
          "Use an existing VPC and subnet for the cluster (eth0) instead of creating them; `nodeCidr`, `podCidr` and `serviceCidr` must then be the subnet's ranges. Required for Shared VPC: GKE wants every node NIC in the host project.",
      }),
    maintenance: z
      .strictObject({
        window: z
          .strictObject({
            startTime: z.string().meta({ description: 'Start of the first window, RFC 3339 in UTC (e.g. 2026-01-03T02:00:00Z).' }),
            endTime: z.string().meta({ description: 'End of the first window, RFC 3339 in UTC; at least 4 hours after startTime.' }),
            recurrence: z.string().meta({ description: 'RFC 5545 RRULE, in UTC: FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (e.g. FREQ=WEEKLY;BYDAY=SA,SU).' }),
          })
          .meta({ description: 'The recurring window GKE may upgrade in; it must allow at least 48 hours in any 32 days.' }),
        exclusions: z
          .array(
            z.strictObject({
              name: z.string().min(1).max(63).meta({ description: 'Name of the exclusion (unique).' }),
              startTime: z.string().meta({ description: 'Start, RFC 3339 in UTC.' }),
              endTime: z.string().meta({ description: 'End, RFC 3339 in UTC.' }),
              scope: z
                .enum(MAINTENANCE_EXCLUSION_SCOPES)
                .default('NO_UPGRADES')
                .meta({ description: 'What is held back: NO_UPGRADES (at most 30 days, at most 3), NO_MINOR_UPGRADES or NO_MINOR_OR_NODE_UPGRADES (at most 180 days).' }),
            }),
          )
          .default([])
          .meta({ description: 'Periods with no upgrades (e.g. a sales peak); at most 20.' }),
      })
      .optional()
      .meta({
        description:
          "When GKE may upgrade the control plane and nodes on its own (the release channel's automatic upgrades; a raised `version` upgrades at deploy time, whatever this says). Default: at any time.",
      }),
    authorizedNetworks: z
      .array(authorizedNetwork)
      .optional()
      .meta({
        description:
          'Restrict the public control-plane endpoint to these ranges. Default: not restricted (access still needs IAM); the machine running Terraform must be in the list.',
      }),
  })
  .meta({ description: 'The GKE Standard cluster and its primary (eth0) network.' });

const autoscaling = z
  .strictObject({
    minNodeCount: z.number().int().min(0).meta({ description: 'Fewest nodes per zone.' }),
    maxNodeCount: z.number().int().min(1).meta({ description: 'Most nodes per zone; pod ranges are sized for this.' }),
  })
  .meta({ description: 'Cluster autoscaler bounds, per zone. Default: no autoscaling, `nodeCount` nodes per zone.' });

const nodePool = z.strictObject({
  name: gcpName(NODE_POOL_NAME_MAX, 'node pool name').meta({
    description: `Node pool name prefix (at most ${NODE_POOL_NAME_MAX} characters: GKE appends a unique suffix so a replacement pool can be created before the old one goes). Day 2: a rename replaces the pool, create-before-destroy.`,
  }),
  machineType: z
    .string()
    .regex(new RegExp(MACHINE_TYPE_PATTERN), { message: 'is not a Compute Engine machine type (e.g. e2-standard-4)' })
    .default(NODE_POOL_DEFAULTS.machineType)
    .meta({ description: 'Compute Engine machine type; its vCPUs bound the number of NICs. Day 2: a change recreates every node of the pool by surge upgrade; run `helm test` afterwards (pods that start before Multus on a new node get no net1).' }),
  vcpus: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'vCPUs of the machine type. Default: read from the name (e2-standard-4 -> 4); required when the name does not say.' }),
  nodeCount: z.number().int().min(1).max(MAX_NODES_PER_POOL_ZONE).meta({ description: 'Nodes per zone; with autoscaling, the initial count only: a later change of it changes nothing (the autoscaler owns the count, and the pool is never replaced for it).' }),
  autoscaling: autoscaling.optional(),
  diskSizeGb: z.number().int().min(NODE_DISK_SIZE_GB.min).max(NODE_DISK_SIZE_GB.max).default(NODE_POOL_DEFAULTS.diskSizeGb).meta({ description: 'Boot disk size in GB. Day 2: a change recreates every node of the pool by surge upgrade.' }),
  diskType: z.enum(NODE_DISK_TYPES).default(NODE_POOL_DEFAULTS.diskType).meta({ description: 'Boot disk type. Day 2: a change recreates every node of the pool by surge upgrade.' }),
  spot: z.boolean().default(false).meta({ description: 'Use Spot VMs (cheaper, can be preempted). Day 2: a change replaces the pool, create-before-destroy.' }),
});

/** An additional network's NetworkAttachmentDefinition; the chart's `networks[]` schema is built from its fields. */
export const attachment = z
  .strictObject({
    name: dnsLabel('NetworkAttachmentDefinition name').meta({ description: 'NetworkAttachmentDefinition name.' }),
    namespace: dnsLabel('namespace')
      .default(DEFAULT_ATTACHMENT_NAMESPACE)
      .meta({ description: `Namespace of the NetworkAttachmentDefinition; created unless every cluster has it (${BUILT_IN_NAMESPACES.join(', ')}).` }),
    mode: z.enum(IPVLAN_MODES).default(DEFAULT_IPVLAN_MODE).meta({ description: 'IPVLAN mode: L2 only (see modules/facts/multus.ts).' }),
    ipam: z
      .enum(IPAM_MODES)
      .default(DEFAULT_IPAM_MODE)
      .meta({
        description:
          "Who hands out pod addresses. `whereabouts` (the guide's design): the lowest free address of the whole podCidr, whatever the node. `node-block`: each node hands out only addresses of the alias block GKE gave that node's NIC (host-local over the block, written on each node by the chart), so traffic between nodes follows the VPC's own routing.",
      }),
    master: z
      .string()
      .regex(new RegExp(INTERFACE_NAME_PATTERN), { message: 'is not a Linux interface name (e.g. eth1)' })
      .optional()
      .meta({ description: "IPVLAN master interface on the node. Default: `eth<k>` for the k-th additional network (GKE's NIC order)." }),
    exclude: z
      .array(cidr(0, 32, 'Range Whereabouts must never hand out'))
      .default([])
      .meta({ description: 'CIDRs inside podCidr that Whereabouts must never hand out (e.g. a gateway).' }),
    rangeStart: ipv4.optional().meta({ description: 'First address Whereabouts hands out. Default: start of podCidr.' }),
    rangeEnd: ipv4.optional().meta({ description: 'Last address Whereabouts hands out. Default: end of podCidr.' }),
  })
  .meta({ description: 'The NetworkAttachmentDefinition pods reference in `k8s.v1.cni.cncf.io/networks`.' });

const additionalNetwork = z.strictObject({
  name: gcpName(20, 'network name').meta({ description: 'Network name; prefixes its VPC, subnet and firewall names.' }),
  nodeCidr: subnetRange(SUBNET_PREFIX.min, SUBNET_PREFIX.max, "Subnet primary range: the nodes' extra NIC (the guide's PRIMARY_RANGE)"),
  podCidr: subnetRange(SUBNET_PREFIX.min, SUBNET_PREFIX.max, "Subnet secondary range: pod net1 addresses handed out by Whereabouts (the guide's SECONDARY_RANGE_CIDR)"),
  podRangeName: gcpName(GCP_NAME_MAX, 'secondary range name')
    .optional()
    .meta({ description: 'Name of the pod secondary range. Default: `<name>-pods`.' }),
  maxPodsPerNode: z
    .number()
    .int()
    .min(ADDITIONAL_NETWORK_MAX_PODS_RANGE.min)
    .max(ADDITIONAL_NETWORK_MAX_PODS_RANGE.max)
    .default(DEFAULT_ADDITIONAL_NETWORK_MAX_PODS)
    .meta({ description: 'Max pods per node on this network; sizes the per-node block GKE carves from podCidr.' }),
  existing: z
    .strictObject(existingSubnet)
    .optional()
    .meta({
      description:
        "Attach to an existing VPC and subnet instead of creating them (no VPC, subnet or firewall is created); `nodeCidr` and `podCidr` must be the subnet's ranges, checked at plan time.",
    }),
  attachment,
});


const examples = z
  .strictObject({
    samplePod: z
      .boolean()
      .default(false)
      .meta({ description: "Deploy the guide's sample pod on every network, for `kubectl describe pod`." }),
  })
  .default({ samplePod: false })
  .meta({ description: 'Optional verification workloads.' });

// Compute Engine's values and defaults, as the subnet constructs take them (modules/custom-vpc.ts).
const flowLogs = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .meta({ description: 'Keep VPC flow logs on every subnet the environment creates. Turning them off needs a CKV_GCP_26 waiver.' }),
    aggregationInterval: z
      .enum(FLOW_LOG_INTERVALS)
      .default(DEFAULT_FLOW_LOGS.aggregationInterval)
      .meta({ description: 'How long flows of one connection are aggregated into one record; longer means fewer (cheaper) logs.' }),
    flowSampling: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULT_FLOW_LOGS.flowSampling)
      .meta({ description: 'Share of the flows recorded, from 0 to 1.' }),
    metadata: z
      .enum(FLOW_LOG_METADATA)
      .default(DEFAULT_FLOW_LOGS.metadata)
      .meta({ description: 'Whether records name the VMs, GKE pods and Services on either end.' }),
  })
  .default({ enabled: true, ...DEFAULT_FLOW_LOGS })
  .meta({ description: 'VPC flow logs of the subnets the environment creates (not of existing ones).' });

export const environmentSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path to this schema, for editors.' }),
    project: projectId.meta({ description: 'GCP project id.' }),
    region: z
      .string()
      .regex(/^[a-z]+-[a-z]+\d+$/, { message: 'is not a GCP region (e.g. us-central1)' })
      .meta({ description: 'Region of every subnet and of the cluster.' }),
    cluster,
    nodePools: z.array(nodePool).min(1).meta({ description: 'Node pools; every pool gets one NIC per additional network.' }),
    additionalNetworks: z
      .array(additionalNetwork)
      .min(1)
      .max(MAX_ADDITIONAL_NETWORKS)
      .meta({ description: 'Extra networks, in NIC order: the k-th one arrives on every node as `eth<k>`.' }),
    examples,
    flowLogs,
    backend,
    production: z
      .boolean()
      .default(false)
      .meta({ description: 'Marks a production environment: policy requires deletion protection on its cluster, without waiver.' }),
    policy: z
      .strictObject({
        waivers: z
          .array(
            z.strictObject({
              rule: z.string().min(1).meta({ description: 'Id of the policy rule waived, e.g. CKV_GCP_20 (see the rule table).' }),
              reason: z
                .string()
                .min(20, { message: 'must say, in at least 20 characters, why the rule does not apply here' })
                .meta({ description: 'Why the rule does not apply to this environment; synth prints it, so it shows in review.' }),
            }),
          )
          .default([])
          .meta({ description: 'Policy rules this environment waives, each with a reason.' }),
      })
      .default({ waivers: [] })
      .meta({ description: 'Policy checked at synth on every resource (see the rule table).' }),
  })
  .meta({ title: 'GKE multinet environment', description: 'One environment: network, cluster and Multus/Whereabouts workloads.' });

/** The environment file as written. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** The environment file with defaults applied. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;

/** The JSON Schema written to `environments/schema.json`. */
export function environmentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(environmentSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
}
