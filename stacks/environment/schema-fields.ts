import { z } from 'zod';
import {
  CIDR_SHAPE,
  DNS_LABEL_MAX,
  DNS_LABEL_PATTERN,
  GCP_NAME_PATTERN,
  PROJECT_ID_PATTERN,
  checkCidr,
  prohibitedRangeMessage,
  prohibitedRangeOf,
  isIpv4Address,
} from '../../modules/facts';

/** The field schemas several parts of the environment schema share, built from the facts. */

/** A GCP resource name (RFC 1035 label): lowercase letters, digits and hyphens, starting with a letter. */
const GCP_NAME = new RegExp(GCP_NAME_PATTERN);
export const gcpName = (max: number, what: string) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .regex(GCP_NAME, {
      message: `is not a valid ${what}: use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    });

/** A Kubernetes object name or namespace (DNS-1123 label). */
export const dnsLabel = (what: string) =>
  z
    .string()
    .max(DNS_LABEL_MAX, { message: `must be at most ${DNS_LABEL_MAX} characters` })
    .regex(new RegExp(DNS_LABEL_PATTERN), {
      message: `is not a valid ${what} (DNS-1123 label): lowercase letters, digits and hyphens, starting and ending with a letter or digit`,
    });

export const cidr = (minPrefix: number, maxPrefix: number, what: string) =>
  z
    .string()
    .regex(CIDR_SHAPE, { message: `is not an IPv4 CIDR block (expected a.b.c.d/n, e.g. 10.0.1.0/24)` })
    .superRefine((value, ctx) => {
      const result = checkCidr(value, minPrefix, maxPrefix);
      // Only once the shape matches: the regex above already reported a malformed value.
      if (!result.ok && CIDR_SHAPE.test(value)) ctx.addIssue({ code: 'custom', message: result.problem });
    })
    .meta({ description: `${what} (IPv4 CIDR, /${minPrefix} to /${maxPrefix}).` });

/** A subnet's primary or secondary range: a CIDR as above that overlaps no range GCP forbids for subnets. */
export const subnetRange = (minPrefix: number, maxPrefix: number, what: string) =>
  cidr(minPrefix, maxPrefix, what).superRefine((value, ctx) => {
    const prohibited = checkCidr(value, minPrefix, maxPrefix).ok ? prohibitedRangeOf(value) : undefined;
    if (prohibited) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} ${prohibitedRangeMessage(prohibited)}` });
  });

export const ipv4 = z.string().refine(isIpv4Address, { message: 'is not an IPv4 address (expected a.b.c.d)' });

export const zone = z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, { message: 'is not a zone name (e.g. us-central1-c)' });

/** A GCP project id: 6 to 30 lowercase letters, digits and hyphens, starting with a letter. */
export const projectId = z.string().regex(new RegExp(PROJECT_ID_PATTERN), {
  message: 'is not a GCP project id: 6 to 30 lowercase letters, digits and hyphens, starting with a letter',
});

