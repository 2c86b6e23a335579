import { GCP_NAME_MAX, MAX_ADDITIONAL_NETWORKS } from '../facts';

/** A pattern as an HCL string literal (RE2 and JavaScript share the facts' patterns). */
export const re = (pattern: string) => JSON.stringify(pattern);
/** A pattern without its anchors, to compose into another. */
export const bare = (pattern: string) => pattern.replace(/^\^/, '').replace(/\$$/, '');
/** Suffix of the firewall rule an additional network adds to its name. */
export const FIREWALL_SUFFIX = '-allow-internal';
export const NETWORK_NAME_MAX = GCP_NAME_MAX - FIREWALL_SUFFIX.length;
export const MAX_NIC_INDEX = MAX_ADDITIONAL_NETWORKS;

/**
 * The Terraform (HCL) form of the modules, built from the very constructs the stacks use: `npm run build:modules`
 * writes each one to `modules/terraform/<name>/`, and a test fails when the committed copy differs. What an environment
 * file's checks catch, the modules check too, at plan: single-variable rules as validations, rules across variables as
 * preconditions (cross-variable validation needs Terraform 1.9; the modules admit 1.5).
 */

/**
 * The one version of this repository's releases: the HCL modules, the chart and the npm package (a test keeps the three
 * equal). Git tags `v<version>`; every change is in modules/terraform/CHANGELOG.md.
 */
export const MODULE_VERSION = '0.6.0';

/**
 * Provider version ranges, each end read in the provider's own source (versions in modules/terraform/CHANGELOG.md):
 * - google: the bindings' 6.50.0 up to 7.x. The 7.0.0 upgrade guide (website/docs/guides/version_7_upgrade) removes
 *   nothing the modules use (subnetwork `enable_flow_logs` went; the modules write `log_config`).
 * - kubernetes: 2.38.0 up to 3.x. 3.0.0 (docs/guides/v3-upgrade-guide.md) keeps every `_v1` resource and the
 *   `kubernetes_nodes` and `kubernetes_resources` data sources with unchanged schemas; it removed only
 *   `kubernetes_pod_security_policy`.
 * - helm: 3.1 (metadata as a single object, `take_ownership`) up to 3.x; no 4.0 exists.
 */
export const GOOGLE = { source: 'hashicorp/google', version: '>= 6.50, < 8' };
export const KUBERNETES = { source: 'hashicorp/kubernetes', version: '>= 2.38, < 4' };
export const HELM = { source: 'hashicorp/helm', version: '>= 3.1, < 4' };

/**
 * The repository's one chart, from the multus-whereabouts module folder (modules/terraform/multus-whereabouts). A git
 * source with a `//subdir` makes Terraform fetch the whole repository and use the subdirectory as the module ("Modules
 * in Package Sub-directories"), so `${path.module}/../../../charts/multus-whereabouts` is the chart of the very commit
 * the caller pinned: no copy to keep equal.
 */
export const MODULE_CHART_PATH = '../../../charts/multus-whereabouts';

/** Where a caller takes a module from until release tags exist: a commit of this repository (see docs/hcl.md). */
export const MODULE_SOURCE = (name: string) => `git::https://github.com/<org>/gke-multinet.git//modules/terraform/${name}?ref=v${MODULE_VERSION}`;
