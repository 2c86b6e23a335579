/**
 * GKE and Compute Engine facts the environment checks depend on. Each one cites where it comes from, so a
 * reviewer can tell a platform limit from a choice of ours.
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
export const GKE_VERSION_FORMAT = /^(\d+)\.(\d+)(\.\d+-gke\.\d+)?$/;

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

/** Compute Engine reserves four addresses in every subnet's primary range. */
export const SUBNET_RESERVED_ADDRESSES = 4n;

/** When a regional cluster does not list its node zones, GKE spreads each pool over three zones. */
export const DEFAULT_REGIONAL_ZONE_COUNT = 3;

/** Shared-core machine types and their vCPU count (their names carry no number). */
const SHARED_CORE_VCPUS: Record<string, number> = {
  'e2-micro': 2,
  'e2-small': 2,
  'e2-medium': 2,
  'f1-micro': 1,
  'g1-small': 1,
};

/**
 * The predefined family a machine type belongs to, whose sizes double (-2, -4, -8, …): its own for `<series>-<class>-N`
 * (standard, highmem, highcpu), the series' standard one for a custom type and the shared-core types (E2 shared-core
 * e2-micro, e2-small, e2-medium are E2; f1-micro and g1-small are N1: Compute Engine docs, "General-purpose machine
 * family", shared-core machine types). `undefined` for the others (their sizes do not double).
 */
export function predefinedFamilyOf(machineType: string): string | undefined {
  if (machineType in SHARED_CORE_VCPUS) return machineType.startsWith('e2-') ? 'e2-standard' : 'n1-standard';
  const custom = /^([a-z][a-z0-9]*)-custom-\d+-\d+(-ext)?$/.exec(machineType);
  if (custom) return `${custom[1]}-standard`;
  return /^([a-z][a-z0-9]*-(?:standard|highmem|highcpu))-\d+$/.exec(machineType)?.[1];
}

/**
 * vCPUs of a machine type, read from its name: `<series>-<class>-<vcpus>` (e2-standard-4, n2-highmem-8,
 * c3-standard-22-lssd), `<series>-custom-<vcpus>-<mib>` and the shared-core names. `undefined` when the
 * name does not say (e.g. a3-highgpu-8g): the environment must then give `vcpus` explicitly.
 */
export function vcpusOfMachineType(machineType: string): number | undefined {
  if (machineType in SHARED_CORE_VCPUS) return SHARED_CORE_VCPUS[machineType];
  const custom = /^[a-z0-9]+-custom-(\d+)-\d+(-ext)?$/.exec(machineType);
  if (custom) return Number(custom[1]);
  const predefined = /^[a-z][a-z0-9]*-(standard|highmem|highcpu|megamem|ultramem|hypermem|highgpu|edgegpu)-(\d+)(-[a-z]+)?$/.exec(
    machineType,
  );
  if (predefined) return Number(predefined[2]);
  return undefined;
}

/** Compute Engine allows max(2, min(vCPUs, 8)) network interfaces per VM. */
export function maxNicsForVcpus(vcpus: number): number {
  return Math.max(2, Math.min(vcpus, 8));
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
  return /^\d+\.\d+$/.test(version) ? `${version}.` : version;
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
