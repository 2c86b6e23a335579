import { DNS_LABEL_MAX, DNS_LABEL_PATTERN, GCP_NAME_PATTERN, PROHIBITED_SUBNET_RANGES, parseCidr } from '../facts';
import { matching } from './render';

/**
 * Building blocks of the HCL modules' validations and preconditions. Every condition must hold or fail for any input,
 * never error: Terraform before 1.12 evaluates both sides of `||` and `&&` (hashicorp/hcl hclsyntax
 * BinaryOpExpr.Value; short-circuit from Terraform 1.12, hashicorp/terraform #36224), so a fallible part is wrapped in
 * `try(…, false)` or `can(…)`, and a null check is a conditional (`x == null ? true : …`): ConditionalExpr.Value
 * reports the diagnostics of the branch it takes only. Messages say the field, the value and what is allowed, as the
 * environment file's checks do.
 */

/** A validation or precondition: `condition` is HCL (no `${}`), `errorMessage` a template. */
export interface HclRule {
  readonly condition: string;
  readonly errorMessage: string;
}

/**
 * HCL for "`v` is an IPv4 CIDR block with no host bits set, prefix from min to max". `cidrnetmask` takes IPv4 only,
 * so an IPv6 block fails it; `cidrsubnet(v, 0, 0) == v` refuses host bits and non-canonical forms.
 */
export function isCidr(v: string, min: number, max: number): string {
  return `try(can(cidrnetmask(${v})) && cidrsubnet(${v}, 0, 0) == ${v} && tonumber(split("/", ${v})[1]) >= ${min} && tonumber(split("/", ${v})[1]) <= ${max}, false)`;
}

/** HCL for "`v` is an IPv4 address in canonical dotted form". */
export const isIpv4 = (v: string) => `try(can(cidrnetmask("\${${v}}/32")) && cidrhost("\${${v}}/32", 0) == ${v}, false)`;

/** HCL: an IPv4 address as a number (its four octets as eight hex digits). */
export const ipNumber = (v: string) => `parseint(join("", formatlist("%02x", split(".", ${v}))), 16)`;
/** HCL: the first address of a CIDR block, as a number. */
const cidrFirst = (c: string) => ipNumber(`cidrhost(${c}, 0)`);
/** HCL: the number of addresses of a CIDR block. */
const cidrSize = (c: string) => `pow(2, 32 - tonumber(split("/", ${c})[1]))`;
/** HCL: two CIDR blocks share an address (false when either is malformed). */
export const overlap = (a: string, b: string) => `try(${cidrFirst(a)} < ${cidrFirst(b)} + ${cidrSize(b)} && ${cidrFirst(b)} < ${cidrFirst(a)} + ${cidrSize(a)}, false)`;
/** HCL: address `a` lies inside CIDR block `c` (false when either is malformed). */
export const inside = (a: string, c: string) => `try(${ipNumber(a)} >= ${cidrFirst(c)} && ${ipNumber(a)} < ${cidrFirst(c)} + ${cidrSize(c)}, false)`;
/** HCL: CIDR block `x` lies inside CIDR block `c`. */
export const cidrInside = (x: string, c: string) =>
  `try(${cidrFirst(x)} >= ${cidrFirst(c)} && ${cidrFirst(x)} + ${cidrSize(x)} <= ${cidrFirst(c)} + ${cidrSize(c)}, false)`;

/** HCL: CIDR block `v` overlaps no range GCP forbids for subnets (modules/facts/compute.ts PROHIBITED_SUBNET_RANGES). */
export const notProhibited = (v: string) => {
  // The forbidden blocks as [first address, size], numbers from the facts: only `v` is parsed.
  const blocks = JSON.stringify(PROHIBITED_SUBNET_RANGES.map((r) => parseCidr(r.cidr)).map((c) => [Number(c.first), Number(c.size)]));
  // `v`'s first address and size, computed once (a one-element for), then compared with each block. A value that is not
  // an IPv4 CIDR holds here: the CIDR rule beside this one refuses it, and one mistake gets one message.
  return `try(alltrue(flatten([for c in [[${cidrFirst(v)}, ${cidrSize(v)}]] : [for p in ${blocks} : !(c[0] < p[0] + p[1] && p[0] < c[0] + c[1])]])), true)`;
};
/** What a refusal of `notProhibited` says. */
export const PROHIBITED_MESSAGE = `overlaps a range GCP forbids for subnets (${PROHIBITED_SUBNET_RANGES.map((r) => `${r.cidr} ${r.what}`).join(', ')}): choose a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.`;

/** HCL: a whole number from min to max. */
export const isWhole = (v: string, min: number, max: number) => `try(floor(${v}) == ${v} && ${v} >= ${min} && ${v} <= ${max}, false)`;

/** A GCP resource name: lowercase letters, digits and hyphens, starting with a letter, at most `max` characters. */
export const isGcpName = (v: string, max: number) => `try(can(regex(${JSON.stringify(GCP_NAME_PATTERN)}, ${v})) && length(${v}) <= ${max}, false)`;
/** A DNS-1123 label (Kubernetes names). */
export const isDnsLabel = (v: string) => `try(can(regex(${JSON.stringify(DNS_LABEL_PATTERN)}, ${v})) && length(${v}) <= ${DNS_LABEL_MAX}, false)`;

/** The value of `v` as the message shows it (JSON: strings quoted, null as null). */
const shown = (v: string) => `\${try(jsonencode(${v}), "?")}`;

/** A rule on one value: `good` must hold; the message names `field` and shows its value. */
export function rule(field: string, value: string, good: string, message: string): HclRule {
  return { condition: safely(good), errorMessage: `${field} is ${shown(value)}: ${message}` };
}

/** `try(good, false)`, unless `good` is such a `try` already. */
const safely = (good: string) => (/^try\(.*, false\)$/.test(good) && matchesWhole(good) ? good : `try(${good}, false)`);

/** `try(…)` spans the whole text (its closing parenthesis is the last character). */
const matchesWhole = (text: string) => matching(text, text.indexOf('(')) === text.length - 1;


/**
 * A rule on every element of a list: `good` (in terms of `item`) must hold for each. The message names the first
 * element that breaks it, by index (`field` has `#` where the index goes), and shows `value` of that element. Terraform
 * evaluates a message even when its condition holds, so it is built in the same single pass over the list as the
 * condition (a message that recomputed the condition per element doubled the modules' evaluation time).
 */
export function everyItem(list: string, item: string, good: string, field: string, value: string, message: string): HclRule {
  const [before, after] = field.split('#');
  const offenders = (out: string) => `[for idx, ${item} in ${list} : ${out} if !${safely(good)}]`;
  return {
    condition: `length(${offenders('idx')}) == 0`,
    errorMessage: `${before}\${try(${offenders(`"\${idx}${after} is ${shown(value)}"`)}[0], "?")}: ${message}`,
  };
}

/** A rule that `key` (in terms of `item`) is unique in a list: the message names the second occurrence. */
export function uniqueItems(list: string, item: string, key: string, field: string, message: string): HclRule {
  const [before, after] = field.split('#');
  const keys = `[for ${item} in ${list} : try(${key}, null)]`;
  const repeats = (out: string) => `[for idx, k in ${keys} : ${out} if try(index(${keys}, k), idx) != idx]`;
  return {
    condition: `length(${repeats('idx')}) == 0`,
    errorMessage: `${before}\${try(${repeats(`"\${idx}${after} is ${shown('k')}"`)}[0], "?")}: ${message}`,
  };
}
