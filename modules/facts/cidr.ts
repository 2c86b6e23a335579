import { Address4 } from 'ip-address';

/** An IPv4 CIDR block, parsed once. All arithmetic is delegated to `ip-address`. */
export interface Cidr {
  /** The block as written in the environment file. */
  readonly text: string;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
  /** Number of addresses in the block. */
  readonly size: bigint;
}

export type CidrCheck = { ok: true; cidr: Cidr } | { ok: false; problem: string };

/** a.b.c.d/n: the shape checked before the address itself is parsed. */
export const CIDR_SHAPE = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * Parses an IPv4 CIDR and explains what is wrong when it is not one: bad syntax, a prefix outside
 * `[minPrefix, maxPrefix]`, or host bits set (naming the network address that was probably meant).
 */
export function checkCidr(text: string, minPrefix = 0, maxPrefix = 32): CidrCheck {
  if (!CIDR_SHAPE.test(text) || !Address4.isValid(text)) {
    return { ok: false, problem: `"${text}" is not an IPv4 CIDR block (expected a.b.c.d/n, e.g. 10.0.1.0/24)` };
  }
  const address = new Address4(text);
  const prefix = address.subnetMask;
  if (prefix < minPrefix || prefix > maxPrefix) {
    return { ok: false, problem: `"${text}" has prefix /${prefix}; allowed is /${minPrefix} to /${maxPrefix}` };
  }
  const network = `${address.startAddress().correctForm()}/${prefix}`;
  if (network !== text) {
    return { ok: false, problem: `"${text}" has host bits set (did you mean ${network}?)` };
  }
  const first = address.startAddress().bigInt();
  const last = address.endAddress().bigInt();
  return { ok: true, cidr: { text, prefix, first, last, size: last - first + 1n } };
}

/** Parses a CIDR already known to be valid (the schema checked it). */
export function parseCidr(text: string): Cidr {
  const result = checkCidr(text);
  if (!result.ok) throw new Error(result.problem);
  return result.cidr;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** True when `text` is a valid IPv4 address (no prefix). */
export function isIpv4Address(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) && Address4.isValid(text);
}

export function addressValue(text: string): bigint {
  return new Address4(text).bigInt();
}

export function containsAddress(outer: Cidr, address: string): boolean {
  const value = addressValue(address);
  return outer.first <= value && value <= outer.last;
}

/** The address `value` (as from `addressValue`) in dotted form. */
export function formatAddress(value: bigint): string {
  return Address4.fromBigInt(value).correctForm();
}

/** One IPv4 octet, 0 to 255 without leading zeros, as a regular expression (JSON Schema and JavaScript alike). */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

/** An IPv4 address in dotted form, as an anchored pattern. */
export const IPV4_PATTERN = `^(${OCTET}\\.){3}${OCTET}$`;

/** An IPv4 CIDR block with a prefix from `min` to `max`, as an anchored pattern (host bits are checked elsewhere). */
export function cidrPattern(min: number, max: number): string {
  const prefixes = Array.from({ length: max - min + 1 }, (_, i) => String(max - i));
  return `^(${OCTET}\\.){3}${OCTET}/(${prefixes.join('|')})$`;
}
