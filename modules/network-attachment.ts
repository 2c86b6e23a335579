import { Token } from 'cdktf';
import { ReleaseSet, ReleaseSetListStruct } from '@cdktf/provider-helm/lib/release';
import {
  ATTACHMENT_NAME_MAX,
  ATTACHMENT_NAME_PATTERN,
  DEFAULT_ATTACHMENT_NAMESPACE,
  DNS_LABEL_MAX,
  DNS_LABEL_PATTERN,
  IPAM_MODES,
  IPVLAN_MODES,
  IpamMode,
  IpvlanMode,
  NODE_BLOCK_PREFIX_RANGE,
  MIN_ATTACHMENT_ADDRESSES,
  alternatives,
  contains,
  containsAddress,
  isIpv4Address,
  parseCidr,
  whereaboutsAddressCount,
} from './facts';
import { checkCidr, checkSubnetRange, checkInteger } from './validate';

const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);

/** One NetworkAttachmentDefinition: IPVLAN on a node NIC, Whereabouts addresses from a range. */
export interface NetworkAttachment {
  /** NetworkAttachmentDefinition name (DNS-1123 label). */
  readonly name: string;
  /**
   * Namespace of the NetworkAttachmentDefinition; created unless it is one every cluster has (`BUILT_IN_NAMESPACES`).
   * @default DEFAULT_ATTACHMENT_NAMESPACE
   */
  readonly namespace?: string;
  /** IPVLAN master: the node NIC of this network (`eth1`, `eth2`, …). */
  readonly master: string;
  /**
   * IPVLAN mode.
   * @default DEFAULT_IPVLAN_MODE
   */
  readonly mode?: IpvlanMode;
  /**
   * Who hands out addresses: `whereabouts` (the whole range, whatever the node), or `node-block` (host-local over the
   * alias block GKE gave each node's NIC in the range; the chart writes that CNI file on every node).
   * @default DEFAULT_IPAM_MODE
   */
  readonly ipam?: IpamMode;
  /**
   * With `node-block`: the prefix length of each node's alias block (from the pool's max pods per node), which
   * helm test checks each test pod's address against. Required with `node-block`.
   * @default none
   */
  readonly nodeBlockPrefix?: number;
  /** Whereabouts range: the CIDR of the subnet's pod secondary range (usually a reference), /8 to /29 like every subnet range. */
  readonly range: string;
  /**
   * CIDRs Whereabouts never hands out.
   * @default []
   */
  readonly exclude?: readonly string[];
  /**
   * First address handed out.
   * @default the start of `range`
   */
  readonly rangeStart?: string;
  /**
   * Last address handed out.
   * @default the end of `range`
   */
  readonly rangeEnd?: string;
}

/** MultusWhereabouts' checks of its literal networks: names, namespaces, modes, ranges, node-block settings. */
export function checkAttachments(what: string, networks: readonly NetworkAttachment[]): void {
  const seen = new Set<string>();
  // Each node keeps one CNI file per node-block name (99-node-block-<name>.conf), whatever the namespace.
  const nodeBlockNames = new Map<string, number>();
  networks.forEach((n, i) => {
    const at = `networks[${i}]`;
    const ns = n.namespace ?? DEFAULT_ATTACHMENT_NAMESPACE;
    if (!new RegExp(ATTACHMENT_NAME_PATTERN).test(n.name) || n.name.length > ATTACHMENT_NAME_MAX) {
      throw new Error(`${what}: ${at}.name "${n.name}" is not a DNS-1123 label of at most ${ATTACHMENT_NAME_MAX} characters starting with a letter (helm test names its Service and pods after it)`);
    }
    if (!DNS_LABEL.test(ns) || ns.length > DNS_LABEL_MAX) throw new Error(`${what}: ${at}.namespace "${ns}" is not a DNS-1123 label`);
    if (seen.has(`${ns}/${n.name}`)) throw new Error(`${what}: ${at} repeats attachment "${ns}/${n.name}"`);
    seen.add(`${ns}/${n.name}`);
    if (n.mode !== undefined && !(IPVLAN_MODES as readonly string[]).includes(n.mode)) throw new Error(`${what}: ${at}.mode "${n.mode}" must be ${alternatives(IPVLAN_MODES)}`);
    checkSubnetRange(what, `${at}.range`, n.range);
    // Whereabouts ignores bounds and exclusions outside its range silently (whereabouts pkg/iphelpers GetIPRange).
    const range = Token.isUnresolved(n.range) ? undefined : parseCidr(n.range);
    (n.exclude ?? []).forEach((x, j) => {
      checkCidr(what, `${at}.exclude[${j}]`, x);
      if (range && !Token.isUnresolved(x) && !contains(range, parseCidr(x))) throw new Error(`${what}: ${at}.exclude[${j}] "${x}" is not inside range ${n.range}`);
    });
    for (const bound of ['rangeStart', 'rangeEnd'] as const) {
      const address = n[bound];
      if (address === undefined || Token.isUnresolved(address)) continue;
      if (!isIpv4Address(address)) throw new Error(`${what}: ${at}.${bound} "${address}" is not an IPv4 address`);
      if (range && !containsAddress(range, address)) throw new Error(`${what}: ${at}.${bound} "${address}" is not inside range ${n.range}`);
    }
    const literal = [n.range, n.rangeStart, n.rangeEnd, ...(n.exclude ?? [])].every((v) => v === undefined || !Token.isUnresolved(v));
    if (range && literal && n.ipam !== 'node-block') {
      const left = whereaboutsAddressCount(n.range, n.exclude, n.rangeStart, n.rangeEnd);
      if (left < BigInt(MIN_ATTACHMENT_ADDRESSES)) {
        throw new Error(`${what}: ${at} leaves ${left} address(es) to hand out in ${n.range} after exclude, rangeStart and rangeEnd; helm test attaches ${MIN_ATTACHMENT_ADDRESSES} pods`);
      }
    }
    if (n.ipam !== undefined && !(IPAM_MODES as readonly string[]).includes(n.ipam)) throw new Error(`${what}: ${at}.ipam "${n.ipam}" must be ${alternatives(IPAM_MODES)}`);
    if (n.ipam === 'node-block') {
      const other = nodeBlockNames.get(n.name);
      if (other !== undefined) throw new Error(`${what}: ${at}.name "${n.name}" is also the name of node-block networks[${other}]: each node keeps one CNI file per node-block name; rename one`);
      nodeBlockNames.set(n.name, i);
      if (n.nodeBlockPrefix === undefined) throw new Error(`${what}: ${at}.nodeBlockPrefix is required with ipam node-block (the prefix of each node's alias block)`);
      checkInteger(what, `${at}.nodeBlockPrefix`, n.nodeBlockPrefix, NODE_BLOCK_PREFIX_RANGE.min, NODE_BLOCK_PREFIX_RANGE.max);
      if ((n.exclude ?? []).length > 0 || n.rangeStart || n.rangeEnd) throw new Error(`${what}: ${at} sets exclude, rangeStart or rangeEnd, which apply to ipam whereabouts only`);
    }
  });
}

type HelmValue = string | number | boolean | readonly string[] | HelmValues | readonly HelmValues[];
interface HelmValues {
  readonly [key: string]: HelmValue;
}

/**
 * Flattens values into Helm `set` entries (`networks[0].range`), typed so Helm keeps strings as strings
 * (`type = "string"`) and booleans and numbers as such (`type = "auto"`); lists of strings become `set_list`.
 * Literal commas are escaped because Helm splits `set` values on them.
 */
export function helmSetEntries(values: HelmValues): { set: ReleaseSet[]; setList: ReleaseSetListStruct[] } {
  const set: ReleaseSet[] = [];
  const setList: ReleaseSetListStruct[] = [];
  const escape = (v: string) => (Token.isUnresolved(v) ? v : v.replace(/\\/g, '\\\\').replace(/,/g, '\\,'));
  const walk = (prefix: string, value: HelmValue) => {
    if (Array.isArray(value)) {
      if (value.every((item) => typeof item === 'string')) setList.push({ name: prefix, value: [...(value as string[])] });
      else (value as HelmValues[]).forEach((item, i) => walk(`${prefix}[${i}]`, item));
    } else if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value as HelmValues)) walk(prefix ? `${prefix}.${key}` : key, child);
    } else if (typeof value === 'string') {
      set.push({ name: prefix, value: escape(value), type: 'string' });
    } else {
      set.push({ name: prefix, value: String(value), type: 'auto' });
    }
  };
  walk('', values);
  return { set, setList };
}
