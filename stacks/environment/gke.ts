/**
 * GKE and Compute Engine facts the environment checks depend on. Each one cites where it comes from, so a
 * reviewer can tell a platform limit from a choice of ours.
 */

/** Oldest GKE version with multi-networking (`--enable-multi-networking`), per the guide's prerequisites. */
export const MIN_GKE_VERSION = { major: 1, minor: 28 } as const;

/** GKE Standard accepts 8 to 110 max pods per node for a pod range (flexible pod CIDR). */
export const MAX_PODS_RANGE = { min: 8, max: 110 } as const;

/**
 * Prefix of the block GKE reserves per node in a pod range: it doubles `maxPodsPerNode` and rounds up to a
 * power of two (8 -> /28, 9-16 -> /27, 17-32 -> /26, 33-64 -> /25, 65-110 -> /24).
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

/** `1.30`, `1.30.5`, `1.30.5-gke.1014001` -> major/minor, or undefined when malformed. */
export function parseGkeVersion(version: string): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)(\.\d+(-gke\.\d+)?)?$/.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
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
