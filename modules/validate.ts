import { Token } from 'cdktf';
import { GCP_NAME_MAX, GCP_NAME_PATTERN, LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN, SUBNET_PREFIX, checkCidr as cidrCheck, prohibitedRangeMessage, prohibitedRangeOf } from './facts';

/**
 * Constructor checks shared by the modules. Values that are unresolved tokens (known only at apply time)
 * are skipped: only literals can be checked at synth.
 */

/** A GCP resource name: RFC 1035 label of at most `max` characters. */
export function checkGcpName(construct: string, prop: string, value: string, max = GCP_NAME_MAX): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > max || !new RegExp(GCP_NAME_PATTERN).test(value)) {
    throw new Error(
      `${construct}: ${prop} "${value}" is not a valid GCP name (lowercase letters, digits and hyphens, starting with a letter, at most ${max} characters)`,
    );
  }
}

/** An IPv4 CIDR block with no host bits set, its prefix from `minPrefix` to `maxPrefix`. */
export function checkCidr(construct: string, prop: string, value: string, minPrefix = 0, maxPrefix = 32): void {
  if (Token.isUnresolved(value)) return;
  const result = cidrCheck(value, minPrefix, maxPrefix);
  if (!result.ok) throw new Error(`${construct}: ${prop} ${result.problem}`);
}

/** A subnet range (primary or secondary): a CIDR as above, /8 to /29 unless said, that overlaps no range GCP forbids. */
export function checkSubnetRange(construct: string, prop: string, value: string, minPrefix: number = SUBNET_PREFIX.min, maxPrefix: number = SUBNET_PREFIX.max): void {
  if (Token.isUnresolved(value)) return;
  checkCidr(construct, prop, value, minPrefix, maxPrefix);
  const prohibited = prohibitedRangeOf(value);
  if (prohibited) throw new Error(`${construct}: ${prop} "${value}" ${prohibitedRangeMessage(prohibited)}`);
}

/** An integer within [min, max]. */
export function checkInteger(construct: string, prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${construct}: ${prop} ${value} must be an integer from ${min} to ${max}`);
  }
}

/**
 * GCP resource labels: keys start with a lowercase letter; keys and values are at most 63 lowercase letters,
 * digits, `_` and `-` (Resource Manager, "Requirements for labels").
 */
export function checkLabels(construct: string, prop: string, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!Token.isUnresolved(key) && !new RegExp(LABEL_KEY_PATTERN).test(key)) {
      throw new Error(`${construct}: ${prop} key "${key}" is not a GCP label key (a lowercase letter, then up to 62 lowercase letters, digits, _ and -)`);
    }
    if (!Token.isUnresolved(value) && !new RegExp(LABEL_VALUE_PATTERN).test(value)) {
      throw new Error(`${construct}: ${prop}.${key} "${value}" is not a GCP label value (up to 63 lowercase letters, digits, _ and -)`);
    }
  }
}
