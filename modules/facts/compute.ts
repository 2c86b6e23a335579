import { overlaps, parseCidr } from './cidr';
/**
 * Compute Engine facts that rules and defaults depend on, each stated once with its source. The machine-type patterns
 * are written in the syntax JavaScript and Terraform's RE2 share, so the HCL generator uses the very same text.
 */

/** Compute Engine reserves four addresses in every subnet's primary range ("Subnets", reserved IPv4 addresses). */
export const SUBNET_RESERVED_ADDRESSES = 4n;

/**
 * Prefix range of a subnet's IPv4 ranges, primary and secondary: /8 to /29 ("Subnets", IPv4 subnet ranges: "the
 * smallest is /29, the largest /8").
 */
export const SUBNET_PREFIX = { min: 8, max: 29 } as const;

/**
 * GCP resource names (networks, subnets, firewall rules, routers, secondary ranges): RFC 1035 labels of at most 63
 * characters ("Resource names", Compute Engine naming convention).
 */
export const GCP_NAME_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
export const GCP_NAME_MAX = 63;

/** GCP project ids: 6 to 30 lowercase letters, digits and hyphens, starting with a letter ("Creating a project"). */
export const PROJECT_ID_PATTERN = '^[a-z][-a-z0-9]{4,28}[a-z0-9]$';

/**
 * Service account ids (`account_id`): 6 to 30 lowercase letters, digits and hyphens, starting with a letter (IAM,
 * "Create service accounts").
 */
export const SERVICE_ACCOUNT_ID_PATTERN = '^[a-z]([-a-z0-9]{4,28}[a-z0-9])$';
/** A user-managed service account's email: `<account id>@<project id>.iam.gserviceaccount.com`. */
export const SERVICE_ACCOUNT_EMAIL_PATTERN = `${SERVICE_ACCOUNT_ID_PATTERN.slice(0, -1)}@${PROJECT_ID_PATTERN.slice(1, -1)}[.]iam[.]gserviceaccount[.]com$`;
/** The email GCP gives a user-managed service account. */
export const serviceAccountEmail = (accountId: string, project: string) => `${accountId}@${project}.iam.gserviceaccount.com`;

/** VPC MTU: any value from 1300 to 8896 bytes ("Maximum transmission unit"); 1460 when not set. */
export const VPC_MTU = { min: 1300, max: 8896, default: 1460 } as const;

/** A VM has at most 8 NICs, so a node has eth0 and at most 7 additional networks ("Multiple network interfaces"). */
export const MAX_ADDITIONAL_NETWORKS = 7;

/**
 * NICs of a VM: max(2, min(vCPUs, 8)) ("Multiple network interfaces", maximum number of network interfaces: "2 for
 * VMs with 1 vCPU ... one per vCPU up to 8").
 */
export const NICS_PER_VM = { min: 2, max: 8 } as const;

/** Compute Engine allows max(2, min(vCPUs, 8)) network interfaces per VM. */
export function maxNicsForVcpus(vcpus: number): number {
  return Math.max(NICS_PER_VM.min, Math.min(vcpus, NICS_PER_VM.max));
}

/** Shared-core machine types and their vCPU count (their names carry no number; "General-purpose machine family"). */
export const SHARED_CORE_VCPUS: Readonly<Record<string, number>> = {
  'e2-micro': 2,
  'e2-small': 2,
  'e2-medium': 2,
  'f1-micro': 1,
  'g1-small': 1,
};

/** `<series>-custom-<vcpus>-<mib>[-ext]`: the vCPUs are the first capture. */
export const CUSTOM_MACHINE_TYPE_PATTERN = '^[a-z0-9]+-custom-([0-9]+)-[0-9]+(-ext)?$';

/** `<series>-<class>-<vcpus>[-suffix]` (e2-standard-4, c3-standard-22-lssd): the vCPUs are the second capture. */
export const PREDEFINED_MACHINE_TYPE_PATTERN = '^[a-z][a-z0-9]*-(standard|highmem|highcpu|megamem|ultramem|hypermem|highgpu|edgegpu)-([0-9]+)(-[a-z]+)?$';

/**
 * The predefined family a machine type belongs to, whose sizes double (-2, -4, -8, …): its own for `<series>-<class>-N`
 * (standard, highmem, highcpu), the series' standard one for a custom type and the shared-core types (E2 shared-core
 * e2-micro, e2-small, e2-medium are E2; f1-micro and g1-small are N1: Compute Engine docs, "General-purpose machine
 * family", shared-core machine types). `undefined` for the others (their sizes do not double).
 */
export function predefinedFamilyOf(machineType: string): string | undefined {
  if (machineType in SHARED_CORE_VCPUS) return machineType.startsWith('e2-') ? 'e2-standard' : 'n1-standard';
  const custom = /^([a-z][a-z0-9]*)-custom-[0-9]+-[0-9]+(-ext)?$/.exec(machineType);
  if (custom) return `${custom[1]}-standard`;
  return /^([a-z][a-z0-9]*-(?:standard|highmem|highcpu))-[0-9]+$/.exec(machineType)?.[1];
}

/**
 * vCPUs of a machine type, read from its name: `<series>-<class>-<vcpus>` (e2-standard-4, n2-highmem-8,
 * c3-standard-22-lssd), `<series>-custom-<vcpus>-<mib>` and the shared-core names. `undefined` when the
 * name does not say (e.g. a3-highgpu-8g): the environment must then give `vcpus` explicitly.
 */
export function vcpusOfMachineType(machineType: string): number | undefined {
  if (machineType in SHARED_CORE_VCPUS) return SHARED_CORE_VCPUS[machineType];
  const custom = new RegExp(CUSTOM_MACHINE_TYPE_PATTERN).exec(machineType);
  if (custom) return Number(custom[1]);
  const predefined = new RegExp(PREDEFINED_MACHINE_TYPE_PATTERN).exec(machineType);
  if (predefined) return Number(predefined[2]);
  return undefined;
}

/**
 * GCP resource labels: keys start with a lowercase letter; keys and values are at most 63 lowercase letters,
 * digits, `_` and `-` (Resource Manager, "Requirements for labels").
 */
export const LABEL_KEY_PATTERN = '^[a-z][a-z0-9_-]{0,62}$';
export const LABEL_VALUE_PATTERN = '^[a-z0-9_-]{0,63}$';

/** The boot disk types a node pool may use here (Compute Engine, "Disk types"; GKE node pools take these). */
export const NODE_DISK_TYPES = ['pd-standard', 'pd-balanced', 'pd-ssd', 'hyperdisk-balanced'] as const;

/** Compute Engine machine type names: `<series>-<rest>` in lowercase letters, digits and hyphens. */
export const MACHINE_TYPE_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)+$';

/**
 * IPv4 ranges no subnet range (primary or secondary) may overlap: GCP refuses them at create ("VPC networks", Subnets,
 * "Prohibited IPv4 subnet ranges"): the "this network" block, loopback, link-local, multicast, and the limited
 * broadcast address.
 */
export const PROHIBITED_SUBNET_RANGES = [
  { cidr: '0.0.0.0/8', what: '"this network"' },
  { cidr: '127.0.0.0/8', what: 'loopback' },
  { cidr: '169.254.0.0/16', what: 'link-local' },
  { cidr: '224.0.0.0/4', what: 'multicast' },
  { cidr: '255.255.255.255/32', what: 'the broadcast address' },
] as const;

/** The prohibited range a valid CIDR overlaps, if any. */
export function prohibitedRangeOf(text: string): (typeof PROHIBITED_SUBNET_RANGES)[number] | undefined {
  const range = parseCidr(text);
  return PROHIBITED_SUBNET_RANGES.find((p) => overlaps(range, parseCidr(p.cidr)));
}

/** Why GCP refuses a subnet range, as a message that reads after the value. */
export const prohibitedRangeMessage = (p: (typeof PROHIBITED_SUBNET_RANGES)[number]) =>
  `overlaps ${p.cidr} (${p.what}), which GCP forbids for subnet ranges: choose a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`;

/**
 * Boot disks by machine series (Compute Engine, "Machine series comparison", supported disk types; "About Hyperdisk",
 * machine series support): the fourth-generation series boot from Hyperdisk only, and E2 and N1 (with its shared-core
 * f1 and g1) cannot attach Hyperdisk at all. GKE refuses the pool at create otherwise.
 */
export const HYPERDISK_ONLY_SERIES = ['c4', 'c4a', 'c4d', 'n4', 'n4a', 'n4d'] as const;
export const NO_HYPERDISK_SERIES = ['e2', 'n1', 'f1', 'g1'] as const;

/** Why a machine type cannot boot from a disk type, or undefined when the pair is not known to fail. */
export function diskTypeProblem(machineType: string, diskType: string): string | undefined {
  const series = machineType.split('-')[0];
  const hyperdisk = diskType.startsWith('hyperdisk-');
  if (!hyperdisk && (HYPERDISK_ONLY_SERIES as readonly string[]).includes(series)) {
    return `${series.toUpperCase()} machines boot from Hyperdisk only: use diskType "hyperdisk-balanced", or another machine series`;
  }
  if (hyperdisk && (NO_HYPERDISK_SERIES as readonly string[]).includes(series)) {
    return `${series.toUpperCase()} machines cannot use Hyperdisk: use diskType "pd-balanced", or a machine series that supports Hyperdisk (such as N4 or C4)`;
  }
  return undefined;
}
