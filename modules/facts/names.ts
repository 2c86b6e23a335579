/**
 * Names the product derives, within GCP's limits (modules/facts/compute.ts). One function each, used by the plan, the
 * constructs' defaults and the HCL generator alike.
 */

/** Suffix of the node service account id. */
export const NODE_SERVICE_ACCOUNT_SUFFIX = '-nodes';

/**
 * Characters of the cluster name the node service account id keeps. An id has at most 30 characters; 23 (not the 24
 * that would fit) because every release since 0.1 used 23: another length would rename, and so replace, the account of
 * every cluster whose name is longer.
 */
export const NODE_SERVICE_ACCOUNT_NAME_CHARS = 23;

/** account_id of a cluster's node service account: `<first 23 characters of the name, no trailing hyphen>-nodes`. */
export function nodeServiceAccountId(clusterName: string): string {
  return `${clusterName.slice(0, NODE_SERVICE_ACCOUNT_NAME_CHARS).replace(/-+$/, '')}${NODE_SERVICE_ACCOUNT_SUFFIX}`;
}

/**
 * A Terraform Cloud / Enterprise organization id, as its settings page and the API show it (HCP Terraform API,
 * Organizations: `id`, "org-" and 16 letters and digits): the `terraform_organization_id` claim of its runs' tokens.
 * Names can be reused after an organization is deleted; ids cannot.
 */
export const TFC_ORGANIZATION_ID_PATTERN = '^org-[A-Za-z0-9]{16}$';
