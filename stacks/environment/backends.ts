/**
 * Names and defaults of what several environments may share: a GCS state bucket, a Terraform Cloud project. Whatever
 * is shared is created at most once for the whole folder, by a stack of its own whose name starts with `bootstrap-`:
 * environment names may not, so `cdktf deploy '<env>-*'` never selects one.
 */
export const SHARED_BOOTSTRAP_PREFIX = { gcs: 'bootstrap-state-', cloud: 'bootstrap-tfc-' } as const;

/**
 * Earlier versions of each state object a created bucket keeps. Since Terraform 1.5 an apply persists a state snapshot
 * periodically (hashicorp/terraform CHANGELOG 1.5.0, GH-32680: every 20 s by default), so a cluster that takes 15 minutes
 * to create writes some 45 versions in one apply: 100 keeps at least the last two applies at a few MB.
 */
export const DEFAULT_KEEP_NONCURRENT_STATE_VERSIONS = 100;

/** `bootstrap-state-<bucket>`: the stack that creates a shared state bucket. */
export function stateBucketStackName(bucket: string): string {
  return `${SHARED_BOOTSTRAP_PREFIX.gcs}${bucket}`;
}

/**
 * `bootstrap-tfc-<organization>-<project>`: the stack that creates a shared Terraform Cloud project. Project names may
 * hold spaces and capitals; the stack name (a folder name) keeps lowercase letters, digits, `-` and `_`.
 */
export function tfcProjectStackName(organization: string, project: string): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  return `${SHARED_BOOTSTRAP_PREFIX.cloud}${slug(organization)}-${slug(project)}`;
}
