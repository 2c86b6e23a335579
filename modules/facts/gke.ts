/**
 * GKE facts that rules and defaults depend on, each stated once with its source: the environment schema and rules,
 * the constructs, the HCL generator and the docs all take them from here (a reviewer can tell a platform limit from a
 * choice of ours).
 */

/**
 * Oldest GKE version this product creates clusters at: 1.29.
 * - Multi-networking itself needs GKE Standard 1.28 ("Set up multi-network support for Pods", requirements).
 * - But the cluster has private nodes and no `master_ipv4_cidr_block`: GKE then gives it a Private Service Connect
 *   control plane, which exists only for clusters *created* at 1.29 or later ("Starting GKE 1.29, Google switched to
 *   Private Service Connect": pulumi-gcp #2806; terraform-google-kubernetes-engine #2181). At 1.28 a private cluster
 *   needs a VPC-peering control plane and its /28, which this product does not configure.
 */
export const MIN_GKE_VERSION = { major: 1, minor: 29 } as const;

/**
 * `cluster.version`: a minor prefix (`1.33`, any patch GKE offers in the channel) or a full GKE version
 * (`1.33.5-gke.1080000`), the two forms `google_container_engine_versions.version_prefix` resolves exactly.
 */
export const GKE_VERSION_PATTERN = '^([0-9]+)[.]([0-9]+)([.][0-9]+-gke[.][0-9]+)?$';
export const GKE_VERSION_FORMAT = new RegExp(GKE_VERSION_PATTERN);
/** A GKE minor version (`1.33`), as opposed to a full one. */
export const GKE_MINOR_PATTERN = '^[0-9]+[.][0-9]+$';

/**
 * Max pods per node on the cluster's own pod range: 8 to 256 on GKE Standard (flexible Pod CIDR, "Configure maximum
 * Pods per node"; 256 since 1.23.5-gke.1300, GKE release notes of August 2022).
 */
export const CLUSTER_MAX_PODS_RANGE = { min: 8, max: 256 } as const;

/**
 * Max pods per node on an additional pod network: 8 to 110. GKE documents no other bound for it: the multi-network
 * setup page gives none, and the API says only "the maximum number of pods per node which use this pod network"
 * (NodeNetworkConfig.AdditionalPodNetworkConfig.maxPodsPerNode). 256 is documented for the default pod range only,
 * so additional networks keep the long-standing flexible Pod CIDR range until GKE documents more.
 */
export const ADDITIONAL_NETWORK_MAX_PODS_RANGE = { min: 8, max: 110 } as const;

/**
 * Prefix of the block GKE reserves per node in a pod range: it doubles `maxPodsPerNode` and rounds up to a
 * power of two (8 -> /28, 9-16 -> /27, 17-32 -> /26, 33-64 -> /25, 65-128 -> /24, 129-256 -> /23; GKE API
 * NodeNetworkConfig and the flexible Pod CIDR table).
 */
export function perNodePodBlockPrefix(maxPodsPerNode: number): number {
  return 32 - Math.ceil(Math.log2(maxPodsPerNode * 2));
}

/** `1.33` or `1.33.5-gke.1080000` -> major/minor, or undefined when not one of the two forms. */
export function parseGkeVersion(version: string): { major: number; minor: number } | undefined {
  const match = GKE_VERSION_FORMAT.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/**
 * The `version_prefix` that selects exactly the versions `cluster.version` means: `1.33.` for a minor (so `1.3`
 * never matches `1.30`), the version itself for a full one.
 */
export function gkeVersionPrefix(version: string): string {
  return new RegExp(GKE_MINOR_PATTERN).test(version) ? `${version}.` : version;
}

export function isAtLeast(v: { major: number; minor: number }, min: { major: number; minor: number }): boolean {
  return v.major > min.major || (v.major === min.major && v.minor >= min.minor);
}

/** `us-central1-c` is a zone of `us-central1`; `us-central1` is a region. */
export function isZone(location: string): boolean {
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location);
}

export function regionOfZone(zone: string): string {
  return zone.replace(/-[a-z]$/, '');
}

/** When a regional cluster does not list its node zones, GKE spreads each pool over three zones. */
export const DEFAULT_REGIONAL_ZONE_COUNT = 3;

/** The release channels GKE offers (Cluster.releaseChannel.channel; UNSPECIFIED: no channel). */
export const RELEASE_CHANNELS = ['UNSPECIFIED', 'RAPID', 'REGULAR', 'STABLE', 'EXTENDED'] as const;

/** The product's default channel: patched automatically, a minor behind RAPID. */
export const DEFAULT_RELEASE_CHANNEL = 'REGULAR';

/** GKE cluster names: at most 40 characters ("Creating a zonal cluster", name; the API refuses longer). */
export const CLUSTER_NAME_MAX = 40;

/**
 * Longest node pool name prefix: GKE pool names have at most 40 characters, and the provider's `name_prefix` appends
 * a 26-character unique suffix after "-" (terraform-provider-google resource_container_node_pool.go), so 40 - 27.
 */
export const NODE_POOL_NAME_MAX = 13;

/** The taint effects GKE accepts (node_config.taint.effect, terraform-provider-google v6.50.0). */
export const TAINT_EFFECTS = ['NO_SCHEDULE', 'PREFER_NO_SCHEDULE', 'NO_EXECUTE'] as const;

/** Default max pods per node on the cluster's own pod range (GKE Standard's default, "Configure maximum Pods per node"). */
export const DEFAULT_CLUSTER_MAX_PODS = 110;

/** Default max pods per node on an additional network: the smallest block GKE carves (a /28 per node). */
export const DEFAULT_ADDITIONAL_NETWORK_MAX_PODS = 8;

/**
 * Prefix range of a GKE Services secondary range: /16 to /27 ("VPC-native clusters", Services range: "the range must
 * be at least /27"; GKE refuses larger than /16).
 */
export const SERVICE_RANGE_PREFIX = { min: 16, max: 27 } as const;

/** Prefix range of a GKE cluster's pod secondary range: /8 to /24 (GKE, "Pod range": at most /24 for a cluster). */
export const CLUSTER_POD_RANGE_PREFIX = { min: 8, max: 24 } as const;

/** Nodes per zone of one node pool: at most 1000 (GKE quotas and limits, "Nodes per node pool zone"). */
export const MAX_NODES_PER_POOL_ZONE = 1000;

/**
 * The product's node pool defaults: a 4-vCPU E2 (4 NICs: eth0 and up to 3 additional networks), a 100 GB balanced
 * persistent disk (GKE's own default boot disk size and type).
 */
export const NODE_POOL_DEFAULTS = { machineType: 'e2-standard-4', diskSizeGb: 100, diskType: 'pd-balanced' } as const;

/**
 * Node images a multi-network node pool can run: Container-Optimized OS, and Ubuntu from GKE 1.32.3-gke.1785000
 * (GKE, "Set up multi-network support for Pods", requirements: "available for Container-Optimized OS. Ubuntu support is
 * available on nodes that are running version GKE version 1.32.3-gke.1785000 or later"). The chart's host paths
 * (/home/kubernetes/bin, /etc/cni/net.d) are the guide's, written for COS.
 */
export const MULTINET_IMAGE_TYPES = ['COS_CONTAINERD', 'UBUNTU_CONTAINERD'] as const;

/** kubelet CPU manager policies GKE takes (node pool `kubelet_config.cpu_manager_policy`: "none" or "static"). */
export const CPU_MANAGER_POLICIES = ['none', 'static'] as const;

/** Node cgroup modes (GKE `linux_node_config.cgroup_mode`). */
export const CGROUP_MODES = ['CGROUP_MODE_UNSPECIFIED', 'CGROUP_MODE_V1', 'CGROUP_MODE_V2'] as const;

/** Boot disk size of a node: 10 GB to 64 TB ("Persistent disk", size limits; GKE refuses below 10). */
export const NODE_DISK_SIZE_GB = { min: 10, max: 65536 } as const;

/** The per-node block prefixes the additional networks' max-pods range gives (/24 for 110 pods to /28 for 8). */
export const NODE_BLOCK_PREFIX_RANGE = {
  min: perNodePodBlockPrefix(ADDITIONAL_NETWORK_MAX_PODS_RANGE.max),
  max: perNodePodBlockPrefix(ADDITIONAL_NETWORK_MAX_PODS_RANGE.min),
} as const;
