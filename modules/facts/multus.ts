import { addressValue, parseCidr } from './cidr';
/**
 * Kubernetes, Multus and Whereabouts facts, and the product's default modes, each stated once with its source. The
 * environment schema, the rules, the constructs, the HCL generator and the chart's generated values.schema.json take
 * them from here.
 */

/** Kubernetes object names and namespaces: DNS-1123 labels of at most 63 characters (Kubernetes, "Object Names"). */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const DNS_LABEL_MAX = 63;

/**
 * The cross-node `helm test` names a Service and an Indexed Job `<name>-cross-node-test`, whose pods take the hostname
 * `<job>-<index>`: the Service name must start with a letter (DNS-1035), and a hostname has at most 63 characters.
 */
export const CROSS_NODE_TEST_SUFFIX = '-cross-node-test';
/** Longest attachment name: 63 less `-cross-node-test-0` (the test pods' hostnames). */
export const ATTACHMENT_NAME_MAX = DNS_LABEL_MAX - `${CROSS_NODE_TEST_SUFFIX}-0`.length;
/** An attachment name: a DNS-1123 label that starts with a letter (a Service name, DNS-1035). */
export const ATTACHMENT_NAME_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';

/**
 * The IPVLAN modes this product configures: L2 only. The kernel also has L3 and L3S (Documentation/networking/ipvlan.rst,
 * the CNI ipvlan plugin's `mode`), where the host routes every packet; a GKE node has no route for a pod range through
 * its eth<k>, so their traffic would leave through eth0, into the wrong VPC. The product creates no such routes, so it
 * refuses them.
 */
export const IPVLAN_MODES = ['l2'] as const;
export type IpvlanMode = (typeof IPVLAN_MODES)[number];
/** The guide's mode: L2, so the node routes nothing and pods answer ARP on the VPC themselves. */
export const DEFAULT_IPVLAN_MODE: IpvlanMode = 'l2';

/**
 * Who hands out pod addresses on a network: Whereabouts over the whole range (the guide's design), or host-local over
 * the alias block GKE gave each node's NIC (`node-block`).
 */
export const IPAM_MODES = ['whereabouts', 'node-block'] as const;
export type IpamMode = (typeof IPAM_MODES)[number];
export const DEFAULT_IPAM_MODE: IpamMode = 'whereabouts';

/**
 * Multus's one global namespace when `globalNamespaces` is unset: with namespace isolation, a pod may use the
 * attachments of its own namespace and of this one (multus-cni docs/configuration.md, "Namespace isolation";
 * pkg/types/conf.go defaultNonIsolatedNamespace).
 */
export const MULTUS_GLOBAL_NAMESPACE = 'default';
/** Where an attachment lives unless told: the global namespace, so every pod may use it. */
export const DEFAULT_ATTACHMENT_NAMESPACE = MULTUS_GLOBAL_NAMESPACE;

/** Where Multus and Whereabouts run: GKE admits system-node-critical pods only in kube-system (GKE, "Priority classes"). */
export const SYSTEM_NAMESPACE = 'kube-system';

/**
 * Namespaces every cluster has from its start (Kubernetes, "Initial namespaces"): never created, never deleted by the
 * product, whatever an attachment names.
 */
export const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/**
 * GKE names a node's NICs eth0 (the cluster network) and eth<k> for the k-th additional network (node pool
 * network_config order; COS names its NICs eth*).
 */
export const nodeNicOf = (networkIndex: number): string => `eth${networkIndex + 1}`;

/**
 * Whereabouts never hands out a range's network and broadcast addresses (whereabouts pkg/iphelpers GetIPRange), and
 * the cross-node `helm test` attaches two pods at once: an attachment must keep at least this many addresses.
 */
export const MIN_ATTACHMENT_ADDRESSES = 2;

/**
 * How many addresses Whereabouts can hand out from `range`: from rangeStart (or the address after the network address)
 * to rangeEnd (or the one before the broadcast address), less every excluded block (whereabouts pkg/iphelpers
 * GetIPRange and IsIPInRange). Ranges and addresses must be valid and inside `range` (the rules check that first).
 */
export function whereaboutsAddressCount(range: string, exclude: readonly string[] = [], rangeStart?: string, rangeEnd?: string): bigint {
  const whole = parseCidr(range);
  const from = rangeStart ? addressValue(rangeStart) : whole.first + 1n;
  const to = rangeEnd ? addressValue(rangeEnd) : whole.last - 1n;
  const lo = from > whole.first ? from : whole.first + 1n;
  const hi = to < whole.last ? to : whole.last - 1n;
  if (hi < lo) return 0n;
  // The excluded blocks, clipped to [lo, hi] and merged, subtracted.
  const blocks = exclude
    .map(parseCidr)
    .map((b) => [b.first > lo ? b.first : lo, b.last < hi ? b.last : hi] as const)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let free = hi - lo + 1n;
  let covered = lo - 1n;
  for (const [a, b] of blocks) {
    const start = a > covered + 1n ? a : covered + 1n;
    if (b >= start) free -= b - start + 1n;
    if (b > covered) covered = b;
  }
  return free;
}

/** A Linux interface name (IFNAMSIZ: at most 15 characters), the shape of an IPVLAN master. */
export const INTERFACE_NAME_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._-]{0,14}$';
