import { z } from 'zod';
import {
  ATTACHMENT_NAME_MAX,
  ATTACHMENT_NAME_PATTERN,
  INTERFACE_NAME_PATTERN,
  IPV4_PATTERN,
  NODE_BLOCK_PREFIX_RANGE,
  SUBNET_PREFIX,
  cidrPattern,
} from '../../modules/facts';
import { attachment } from './schema';

/**
 * The chart's `networks[]`: the environment's attachment fields (the same zod schemas) plus what the stacks fill in
 * (the range, the master NIC, the node block). `npm run schema` writes it into charts/multus-whereabouts/values.schema.json
 * as `properties.networks`, and a test fails when the chart's file differs: one schema, two surfaces. Helm validates
 * values with JSON Schema only, so the shapes are patterns here; host bits are checked by the chart's `checkedRange`.
 */
const fields = attachment.shape;

export const chartNetworkSchema = z
  .strictObject({
    name: z
      .string()
      .max(ATTACHMENT_NAME_MAX)
      .regex(new RegExp(ATTACHMENT_NAME_PATTERN))
      .meta({ description: `NetworkAttachmentDefinition name: a DNS-1123 label starting with a letter, at most ${ATTACHMENT_NAME_MAX} characters (helm test names its Service and pods after it).` }),
    namespace: fields.namespace.meta({ description: 'Namespace of the NetworkAttachmentDefinition.' }),
    master: z.string().regex(new RegExp(INTERFACE_NAME_PATTERN)).meta({ description: 'IPVLAN master: the node NIC of this network (eth1, eth2, …).' }),
    mode: fields.mode.meta({ description: 'IPVLAN mode.' }),
    ipam: fields.ipam.meta({
      description:
        "Who hands out addresses: whereabouts (the whole range, any node) or node-block (host-local over each node's alias block of the range; the NAD has no config, an init container writes it on every node).",
    }),
    nodeBlockPrefix: z
      .number()
      .int()
      .min(NODE_BLOCK_PREFIX_RANGE.min)
      .max(NODE_BLOCK_PREFIX_RANGE.max)
      .optional()
      .meta({ description: "With ipam node-block: the prefix length of the alias block GKE gives each node in range (from the node pool's max pods per node), checked by helm test." }),
    range: z
      .string()
      .regex(new RegExp(cidrPattern(SUBNET_PREFIX.min, SUBNET_PREFIX.max)))
      .meta({ description: `Whereabouts range: the subnet's pod secondary range CIDR, /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max}, with no host bits set (the chart refuses 172.16.1.5/24).` }),
    exclude: z
      .array(z.string().regex(new RegExp(cidrPattern(0, 32))).meta({ description: 'CIDR' }))
      .optional()
      .meta({ description: 'CIDRs Whereabouts must never hand out.' }),
    rangeStart: z.string().regex(new RegExp(`^$|${IPV4_PATTERN}`)).optional().meta({ description: 'First address handed out; empty for the start of range.' }),
    rangeEnd: z.string().regex(new RegExp(`^$|${IPV4_PATTERN}`)).optional().meta({ description: 'Last address handed out; empty for the end of range.' }),
  });

/** `properties.networks` of the chart's values.schema.json. */
export function chartNetworksJsonSchema(): Record<string, unknown> {
  const schema = z.array(chartNetworkSchema).meta({ description: 'One NetworkAttachmentDefinition per entry.' });
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
