import { z } from 'zod';
import { DEFAULT_KEEP_NONCURRENT_STATE_VERSIONS, SHARED_BOOTSTRAP_PREFIX } from './backends';
import { projectId } from './schema-fields';
import { TFC_ORGANIZATION_ID_PATTERN } from '../../modules/facts';

/** A GCS bucket name without dots (dotted names need a verified domain): 3-63 characters. */
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/, {
    message: 'is not a GCS bucket name: 3 to 63 lowercase letters, digits, hyphens and underscores, starting and ending with a letter or digit',
  })
  .refine((v) => !v.startsWith('goog') && !/g[o0][o0]gle/.test(v), { message: 'is not a GCS bucket name: names may not start with "goog" or contain "google"' });

/** A JSON Web Key Set as Google's OIDC providers take it (`oidc.jwks_json`): `{"keys": [ ... ]}`. */
function isJwks(text: string): boolean {
  try {
    const value = JSON.parse(text) as { keys?: unknown };
    return Array.isArray(value.keys) && value.keys.length > 0;
  } catch {
    return false;
  }
}

/** Terraform Cloud / Enterprise names of organizations, agent pools and workspace prefixes: letters, digits, - and _. */
const tfcName = (what: string, max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`), { message: `is not a valid ${what}: at most ${max} letters, digits, - and _` });

export const backend = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('local').meta({ description: 'State files in `state/` at the project root.' }) }),
    z.strictObject({
      type: z.literal('gcs').meta({ description: 'State in a GCS bucket, at `<prefix>/<env>-<stack>`.' }),
      bucket: bucketName.meta({
        description: 'State bucket. Several environments may share one: each keeps its states under its own `<prefix>/<env>-<stack>`.',
      }),
      prefix: z
        .string()
        .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { message: 'is not a GCS object prefix: path segments of letters, digits, ., - and _, separated by /' })
        .max(200)
        .default('gke-multinet')
        .meta({ description: 'Object prefix of every state in the bucket.' }),
      createBucket: z
        .boolean()
        .default(true)
        .meta({
          description: `true: the stack \`${SHARED_BOOTSTRAP_PREFIX.gcs}<bucket>\` creates the bucket, once for every environment that names it (they must then agree on its settings). false: the bucket exists already (another team's); nothing creates or changes it.`,
        }),
      bucketProject: projectId
        .optional()
        .meta({ description: 'Project the bucket is created in (with `createBucket`). Default: the environment project.' }),
      bucketLocation: z
        .string()
        .regex(/^[a-zA-Z0-9-]+$/, { message: 'is not a GCS location (a region such as us-central1, a dual-region or a multi-region such as US)' })
        .optional()
        .meta({ description: 'Location of the bucket created (with `createBucket`). Default: the environment region.' }),
      keepNoncurrentVersions: z
        .number()
        .int()
        .min(1)
        .max(10000)
        .optional()
        .meta({
          description: `How many earlier versions of each state object the created bucket keeps (with \`createBucket\`); older ones are deleted. Default: ${DEFAULT_KEEP_NONCURRENT_STATE_VERSIONS} (a long apply writes a version about every 20 seconds).`,
        }),
    }),
    z.strictObject({
      type: z.literal('cloud').meta({ description: 'Terraform Cloud / Enterprise: one workspace per stack, run remotely.' }),
      organization: tfcName('Terraform Cloud organization name', 40).meta({ description: 'Organization that holds the workspaces.' }),
      organizationId: z
        .string()
        .regex(new RegExp(TFC_ORGANIZATION_ID_PATTERN), { message: 'is not a Terraform Cloud organization id: "org-" and 16 letters and digits (Organization settings, General, "ID")' })
        .meta({
          description:
            "Id of that organization (`org-…`, in its Settings, General): the runs' identity federation admits tokens of this organization id only, so a later organization of the same name is not trusted.",
        }),
      project: z
        .string()
        .regex(/^[\w-][\w -]{1,38}[\w-]$/, { message: 'is not a Terraform Cloud project name: 3 to 40 letters, digits, spaces, - and _, not starting or ending with a space' })
        .meta({ description: 'Terraform Cloud project of the workspaces. Several environments may share one: each has its own workspaces.' }),
      createProject: z
        .boolean()
        .default(true)
        .meta({
          description: `true: the stack \`${SHARED_BOOTSTRAP_PREFIX.cloud}<organization>-<project>\` creates the project, once for every environment that names it. false: the project exists already (another team's); nothing creates or changes it.`,
        }),
      workspacePrefix: z
        .string()
        .regex(/^[A-Za-z0-9_-]*$/, { message: 'is not a workspace name prefix: letters, digits, - and _ only' })
        .default('')
        .meta({ description: 'Prepended to every workspace name: `<workspacePrefix><env>-<stack>`.' }),
      hostname: z
        .string()
        .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, { message: 'is not a host name (e.g. app.terraform.io)' })
        .default('app.terraform.io')
        .meta({ description: 'Terraform Cloud or Terraform Enterprise host.' }),
      jwksJson: z
        .string()
        .refine(isJwks, { message: 'is not a JSON Web Key Set: a JSON object whose "keys" is a non-empty array' })
        .optional()
        .meta({
          description:
            "The issuer's public keys (the JSON served at `https://<hostname>/.well-known/jwks`), for a Terraform Enterprise that Google cannot reach or whose certificate a private CA signed. Default: Google fetches them from the host. Replace it when the host rotates its signing key.",
        }),
      agentPool: tfcName('agent pool name', 90)
        .optional()
        .meta({ description: 'Run the workspaces on this existing agent pool (execution mode agent). Needed with `cluster.authorizedNetworks`.' }),
      authorizedNetworksAcknowledgement: z
        .string()
        .min(10, { message: 'must say, in at least 10 characters, how the remote runs reach the control plane' })
        .optional()
        .meta({
          description: "Why remote runs on Terraform Cloud's shared runners reach a control plane restricted by `cluster.authorizedNetworks`, when no agent pool is named.",
        }),
    }),
  ])
  .default({ type: 'local' })
  .meta({ description: 'Where the stacks keep their state. Default: local files.' });
