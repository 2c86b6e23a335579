import type { EnvironmentPlan, EnvironmentRule } from '../environment';
import { shown } from '../environment/problems';

/**
 * The policy: rules that judge every resource of every synthesized stack, as Terraform will read it (the aspect in
 * aspect.ts runs them), and the rule that an environment's waivers name them. Ids are checkov's where checkov has the
 * rule, so reviewers recognise them.
 */

/** A resource of a synthesized stack, as Terraform will read it. */
export interface PolicyResource {
  readonly stack: string;
  readonly type: string;
  /** `<type>.<logical id>`. */
  readonly address: string;
  // Terraform JSON is open-ended; rules index into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: Record<string, any>;
}

export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  readonly scope: 'resource';
  /** Terraform resource types the rule applies to. */
  readonly resourceTypes: readonly string[];
  /** False when no waiver may switch the rule off. */
  readonly waivable: boolean;
  /** What is wrong and what to change, or undefined when the resource complies. */
  check(resource: PolicyResource, environment: EnvironmentPlan): string | undefined;
}

const policyRule = (
  id: string,
  description: string,
  resourceTypes: readonly string[],
  check: PolicyRule['check'],
  waivable = true,
): PolicyRule => ({ id, description, scope: 'resource', resourceTypes, waivable, check });

const CLUSTER = ['google_container_cluster'];
const NODE_POOL = ['google_container_node_pool'];
const first = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);
const isTrue = (value: unknown) => value === true;

export const POLICY_RULES: readonly PolicyRule[] = [
  policyRule('CKV_GCP_25', 'GKE clusters are private clusters (private_cluster_config).', CLUSTER, ({ body }) =>
    first(body.private_cluster_config) ? undefined : 'has no private_cluster_config; set cluster.privateNodes: true',
  ),
  policyRule('CKV_GCP_64', 'GKE clusters create private nodes (no external IP).', CLUSTER, ({ body }) =>
    isTrue(first(body.private_cluster_config)?.enable_private_nodes) ? undefined : 'gives nodes external IPs; set cluster.privateNodes: true',
  ),
  // The block alone restricts the endpoint (with no cidr_blocks, to Google's own addresses): checkov asks for the block.
  policyRule('CKV_GCP_20', 'GKE clusters restrict the control plane to master authorized networks.', CLUSTER, ({ body }) =>
    first(body.master_authorized_networks_config) ? undefined : 'lets any address reach the control plane; list cluster.authorizedNetworks',
  ),
  policyRule('CKV_GCP_18', 'Master authorized networks never admit 0.0.0.0/0.', CLUSTER, ({ body }) =>
    (first(body.master_authorized_networks_config)?.cidr_blocks ?? []).some((b: { cidr_block: string }) => b.cidr_block === '0.0.0.0/0')
      ? 'admits 0.0.0.0/0 to the control plane; list narrower cluster.authorizedNetworks'
      : undefined,
  ),
  policyRule('CKV_GCP_71', 'GKE clusters run shielded nodes.', CLUSTER, ({ body }) => (isTrue(body.enable_shielded_nodes) ? undefined : 'does not enable shielded nodes (enable_shielded_nodes)')),
  policyRule('CKV_GCP_7', 'GKE clusters have legacy ABAC off.', CLUSTER, ({ body }) => (body.enable_legacy_abac === true ? 'enables legacy ABAC, which bypasses RBAC' : undefined)),
  policyRule('CKV_GCP_13', 'GKE clusters issue no client certificate.', CLUSTER, ({ body }) =>
    first(first(body.master_auth)?.client_certificate_config)?.issue_client_certificate === false ? undefined : 'may issue a client certificate; set master_auth.client_certificate_config.issue_client_certificate = false',
  ),
  policyRule('CKV_GCP_70', 'GKE clusters follow a release channel.', CLUSTER, ({ body }) => {
    const channel = first(body.release_channel)?.channel;
    return channel && channel !== 'UNSPECIFIED' ? undefined : 'follows no release channel; set cluster.releaseChannel to RAPID, REGULAR, STABLE or EXTENDED';
  }),
  policyRule('CKV_GCP_23', 'GKE clusters are VPC-native (alias IP).', CLUSTER, ({ body }) =>
    body.networking_mode === 'VPC_NATIVE' && first(body.ip_allocation_policy) ? undefined : 'is not VPC-native (networking_mode VPC_NATIVE with an ip_allocation_policy)',
  ),
  policyRule('CKV_GCP_21', 'GKE clusters carry resource labels.', CLUSTER, ({ body }) =>
    Object.keys(body.resource_labels ?? {}).length > 0 ? undefined : 'has no resource_labels',
  ),
  policyRule('CKV2_GCP_1', 'GKE nodes never run as the Compute Engine default service account.', [...CLUSTER, ...NODE_POOL], ({ body }) => {
    const account = first(body.node_config)?.service_account;
    if (!first(body.node_config)) return undefined;
    return account && !/-compute@developer\.gserviceaccount\.com$/.test(account) && account !== 'default'
      ? undefined
      : 'runs nodes as the Compute Engine default service account (project Editor); give node_config.service_account a dedicated account';
  }),
  // Dataplane V2 enforces NetworkPolicy itself; a network_policy block would conflict with it. Neither covers net1.
  policyRule('CKV_GCP_12', 'GKE clusters enforce Kubernetes NetworkPolicy (Dataplane V2 does).', CLUSTER, ({ body }) =>
    body.datapath_provider === 'ADVANCED_DATAPATH' || isTrue(first(body.network_policy)?.enabled) ? undefined : 'enforces no NetworkPolicy; use Dataplane V2 (datapath_provider ADVANCED_DATAPATH)',
  ),
  policyRule('CKV_GCP_68', 'GKE nodes boot with secure boot.', NODE_POOL, ({ body }) =>
    isTrue(first(first(body.node_config)?.shielded_instance_config)?.enable_secure_boot) ? undefined : 'does not enable secure boot (node_config.shielded_instance_config.enable_secure_boot)',
  ),
  policyRule('CKV_GCP_72', 'GKE nodes run integrity monitoring.', NODE_POOL, ({ body }) =>
    isTrue(first(first(body.node_config)?.shielded_instance_config)?.enable_integrity_monitoring) ? undefined : 'does not enable integrity monitoring (node_config.shielded_instance_config.enable_integrity_monitoring)',
  ),
  policyRule('CKV_GCP_69', 'GKE nodes expose the GKE metadata server, not the node credentials.', NODE_POOL, ({ body }) =>
    first(first(body.node_config)?.workload_metadata_config)?.mode === 'GKE_METADATA' ? undefined : 'exposes node credentials to pods; set node_config.workload_metadata_config.mode = GKE_METADATA',
  ),
  policyRule('CKV_GCP_9', 'GKE node pools auto-repair.', NODE_POOL, ({ body }) => (isTrue(first(body.management)?.auto_repair) ? undefined : 'does not auto-repair (management.auto_repair)')),
  policyRule('CKV_GCP_10', 'GKE node pools auto-upgrade.', NODE_POOL, ({ body }) => (isTrue(first(body.management)?.auto_upgrade) ? undefined : 'does not auto-upgrade (management.auto_upgrade)')),
  policyRule('CKV_GCP_22', 'GKE nodes run Container-Optimized OS with containerd.', NODE_POOL, ({ body }) =>
    first(body.node_config)?.image_type === 'COS_CONTAINERD' ? undefined : 'does not run COS_CONTAINERD (node_config.image_type)',
  ),
  policyRule('CKV_GCP_26', 'Subnets the product creates keep VPC flow logs.', ['google_compute_subnetwork'], ({ body }) =>
    first(body.log_config) ? undefined : 'keeps no VPC flow logs (log_config)',
  ),
  policyRule('CKV_GCP_74', 'Subnets the product creates give private nodes Private Google Access.', ['google_compute_subnetwork'], ({ body }) =>
    isTrue(body.private_ip_google_access) ? undefined : 'has no Private Google Access, which private nodes need for Google APIs and gcr.io',
  ),
  policyRule(
    'production-deletion-protection',
    'A production environment keeps deletion protection on its cluster.',
    CLUSTER,
    ({ body }, env) => (env.production && body.deletion_protection !== true ? 'can be destroyed in a production environment; set cluster.deletionProtection: true' : undefined),
    false,
  ),
  policyRule('no-open-firewall', 'No firewall rule admits 0.0.0.0/0 to a network of the environment.', ['google_compute_firewall'], ({ body }) =>
    body.direction !== 'EGRESS' && (body.source_ranges ?? []).includes('0.0.0.0/0') ? 'admits 0.0.0.0/0; list only the network\'s own ranges in source_ranges' : undefined,
  ),
];

/**
 * Every policy waiver of an environment names a policy rule that may be waived, once: an environment rule the policy
 * adds to the loader's (main.ts passes it), so a mistaken waiver is reported with the file's other problems.
 */
export const KNOWN_WAIVERS_RULE: EnvironmentRule = {
  id: 'known-waivers',
  description: 'Every policy waiver names a policy rule that may be waived, once.',
  scope: 'environment',
  check: ({ plan, report }) => {
    const seen = new Set<string>();
    plan.waivers.forEach((w, i) => {
      const rule = POLICY_RULES.find((r) => r.id === w.rule);
      if (!rule) report(`policy.waivers[${i}].rule`, `${shown(w.rule)} is not a policy rule; use one of ${POLICY_RULES.filter((r) => r.waivable).map((r) => r.id).join(', ')}`);
      else if (!rule.waivable) report(`policy.waivers[${i}].rule`, `${w.rule} cannot be waived: ${rule.description}`);
      else if (seen.has(w.rule)) report(`policy.waivers[${i}].rule`, `${w.rule} is already waived above`);
      seen.add(w.rule);
    });
  },
};
