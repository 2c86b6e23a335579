import { Aspects, Testing, TerraformResource, TerraformStack } from 'cdktf';
import type { EnvironmentPlan } from '../../stacks/environment';
import { POLICY_RULES } from '../../stacks/policy/rules';
import { buildEnvironment, enforcePolicy, EnvironmentStacks, PolicyReport } from '../../stacks';
import { planOf, RawEnvironment } from '../support/environments';

type Kind = 'network' | 'cluster';

/**
 * For every policy rule: the resource type it judges, in which stack of the shipped prod environment (which breaks
 * no rule and waives none), and the override that breaks it. Overrides change the JSON Terraform would read, as a
 * later edit of a construct could. A rule added without a case here fails the coverage test below.
 */
const POLICY_CASES: Record<string, { stack: Kind; type: string; path: string; value: unknown }> = {
  CKV_GCP_25: { stack: 'cluster', type: 'google_container_cluster', path: 'private_cluster_config', value: undefined },
  CKV_GCP_64: { stack: 'cluster', type: 'google_container_cluster', path: 'private_cluster_config.enable_private_nodes', value: false },
  CKV_GCP_20: { stack: 'cluster', type: 'google_container_cluster', path: 'master_authorized_networks_config', value: undefined },
  CKV_GCP_18: { stack: 'cluster', type: 'google_container_cluster', path: 'master_authorized_networks_config.cidr_blocks', value: [{ cidr_block: '0.0.0.0/0', display_name: 'anyone' }] },
  CKV_GCP_71: { stack: 'cluster', type: 'google_container_cluster', path: 'enable_shielded_nodes', value: false },
  CKV_GCP_7: { stack: 'cluster', type: 'google_container_cluster', path: 'enable_legacy_abac', value: true },
  CKV_GCP_13: { stack: 'cluster', type: 'google_container_cluster', path: 'master_auth.client_certificate_config.issue_client_certificate', value: true },
  CKV_GCP_70: { stack: 'cluster', type: 'google_container_cluster', path: 'release_channel.channel', value: 'UNSPECIFIED' },
  CKV_GCP_23: { stack: 'cluster', type: 'google_container_cluster', path: 'networking_mode', value: 'ROUTES' },
  CKV_GCP_21: { stack: 'cluster', type: 'google_container_cluster', path: 'resource_labels', value: undefined },
  CKV2_GCP_1: { stack: 'cluster', type: 'google_container_node_pool', path: 'node_config.service_account', value: undefined },
  CKV_GCP_12: { stack: 'cluster', type: 'google_container_cluster', path: 'datapath_provider', value: 'LEGACY_DATAPATH' },
  CKV_GCP_68: { stack: 'cluster', type: 'google_container_node_pool', path: 'node_config.shielded_instance_config.enable_secure_boot', value: false },
  CKV_GCP_72: { stack: 'cluster', type: 'google_container_node_pool', path: 'node_config.shielded_instance_config.enable_integrity_monitoring', value: false },
  CKV_GCP_69: { stack: 'cluster', type: 'google_container_node_pool', path: 'node_config.workload_metadata_config.mode', value: 'GCE_METADATA' },
  CKV_GCP_9: { stack: 'cluster', type: 'google_container_node_pool', path: 'management.auto_repair', value: false },
  CKV_GCP_10: { stack: 'cluster', type: 'google_container_node_pool', path: 'management.auto_upgrade', value: false },
  CKV_GCP_22: { stack: 'cluster', type: 'google_container_node_pool', path: 'node_config.image_type', value: 'UBUNTU_CONTAINERD' },
  CKV_GCP_26: { stack: 'network', type: 'google_compute_subnetwork', path: 'log_config', value: undefined },
  CKV_GCP_74: { stack: 'network', type: 'google_compute_subnetwork', path: 'private_ip_google_access', value: false },
  'production-deletion-protection': { stack: 'cluster', type: 'google_container_cluster', path: 'deletion_protection', value: false },
  'no-open-firewall': { stack: 'network', type: 'google_compute_firewall', path: 'source_ranges', value: ['0.0.0.0/0'] },
};

const REASON = 'Accepted in review on 2026-11-23 for a documented reason.';

/** The first resource of `type` in a stack. */
function resourceOf(stack: TerraformStack, type: string): TerraformResource {
  const found = stack.node.findAll().find((c) => TerraformResource.isTerraformResource(c) && (c as TerraformResource).terraformResourceType === type);
  if (!found) throw new Error(`no ${type} in ${stack.node.id}`);
  return found as TerraformResource;
}

const addressOf = (resource: TerraformResource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;

/** Prod (or a mutation of it) with one case's override applied; the report of the policy over its stacks. */
function breakRule(rule: string, mutate: (env: RawEnvironment) => void = () => {}): { report: PolicyReport; address: string; stack: string } {
  const { stack: kind, type, path, value } = POLICY_CASES[rule];
  const app = Testing.app({ stackTraces: false });
  const stacks: EnvironmentStacks = buildEnvironment(app, planOf(mutate, 'prod'));
  const resource = resourceOf(stacks[kind], type);
  resource.addOverride(path, value);
  return { report: enforcePolicy(app), address: addressOf(resource), stack: stacks[kind].node.id };
}

const waive = (rule: string) => (env: RawEnvironment) => (env.policy = { waivers: [{ rule, reason: REASON }] });

describe('policy at synth', () => {
  test('has a breaking case in this file for every policy rule, so none goes untested', () => {
    expect(Object.keys(POLICY_CASES).sort()).toEqual(POLICY_RULES.map((r) => r.id).sort());
  });

  test.each(['dev', 'prod'] as const)('passes the shipped %s environment, built with secure defaults', (base) => {
    const app = Testing.app({ stackTraces: false });
    buildEnvironment(app, planOf(() => {}, base));
    expect(enforcePolicy(app).violations).toEqual([]);
  });

  test('prints the one waiver the shipped environments carry: dev, CKV_GCP_20, with its reason', () => {
    const app = Testing.app({ stackTraces: false });
    const dev = buildEnvironment(app, planOf());
    buildEnvironment(app, planOf(() => {}, 'prod'));
    const reason = planOf().waivers[0].reason;
    expect(enforcePolicy(app).waivers).toEqual([
      `environment dev waives CKV_GCP_20 (GKE clusters restrict the control plane to master authorized networks) for dev-cluster: ${addressOf(resourceOf(dev.cluster, 'google_container_cluster'))}, because: ${reason}`,
    ]);
  });

  test.each(Object.keys(POLICY_CASES))('%s fails a violating resource, naming the environment, stack, resource and rule', (rule) => {
    const { report, address, stack } = breakRule(rule);
    expect(report.violations).toContainEqual(expect.stringMatching(new RegExp(`^environment prod: ${stack}: ${address.replace(/\./g, '\\.')}: ${rule}: \\S`)));
  });

  test.each(POLICY_RULES.filter((r) => r.waivable).map((r) => r.id))('%s passes the same resource once the environment waives it, and prints the waiver', (rule) => {
    const { report, address, stack } = breakRule(rule, waive(rule));
    expect(report.violations.filter((v) => v.includes(`: ${rule}: `))).toEqual([]);
    expect(report.waivers).toContain(`environment prod waives ${rule} (${POLICY_RULES.find((r) => r.id === rule)!.description.replace(/\.$/, '')}) for ${stack}: ${address}, because: ${REASON}`);
  });

  test('says what to change, and that a waiver is the other way out', () => {
    const { report, address } = breakRule('CKV_GCP_21');
    expect(report.violations).toEqual([`environment prod: prod-cluster: ${address}: CKV_GCP_21: has no resource_labels (or waive CKV_GCP_21 in policy.waivers, with a reason)`]);
  });

  test('production-deletion-protection holds even when a plan carries a waiver for it (the file loader refuses one)', () => {
    const plan: EnvironmentPlan = { ...planOf(() => {}, 'prod'), waivers: [{ rule: 'production-deletion-protection', reason: REASON }] };
    const app = Testing.app({ stackTraces: false });
    const stacks = buildEnvironment(app, plan);
    const cluster = resourceOf(stacks.cluster, 'google_container_cluster');
    cluster.addOverride('deletion_protection', false);
    expect(enforcePolicy(app).violations).toContain(
      `environment prod: prod-cluster: ${addressOf(cluster)}: production-deletion-protection: can be destroyed in a production environment; set cluster.deletionProtection: true (this rule cannot be waived)`,
    );
  });

  test('lets an environment not marked production turn deletion protection off', () => {
    const app = Testing.app({ stackTraces: false });
    buildEnvironment(app, planOf((env) => Object.assign(env, { production: false }) && (env.cluster.deletionProtection = false), 'prod'));
    expect(enforcePolicy(app).violations).toEqual([]);
  });

  test('fails a production environment whose file turns deletion protection off', () => {
    const app = Testing.app({ stackTraces: false });
    buildEnvironment(app, planOf((env) => (env.cluster.deletionProtection = false), 'prod'));
    expect(enforcePolicy(app).violations).toEqual([expect.stringMatching(/^environment prod: prod-cluster: google_container_cluster\.\S+: production-deletion-protection: /)]);
  });

  test('fails flow logs turned off in the environment file on every subnet it creates (CKV_GCP_26)', () => {
    const app = Testing.app({ stackTraces: false });
    buildEnvironment(app, planOf((env) => (env.flowLogs = { enabled: false }), 'prod'));
    const violations = enforcePolicy(app).violations;
    expect(violations).toHaveLength(3);
    expect(violations.every((v) => /^environment prod: prod-network: google_compute_subnetwork\.\S+: CKV_GCP_26: keeps no VPC flow logs/.test(v))).toBe(true);
  });

  test('fails a waiver nothing needs: it would let a later violation through unreviewed', () => {
    const app = Testing.app({ stackTraces: false });
    buildEnvironment(app, planOf(waive('CKV_GCP_7'), 'prod'));
    expect(enforcePolicy(app).violations).toEqual([
      'environment prod: policy.waivers: CKV_GCP_7 is waived but no resource breaks it: remove the waiver, so a later violation is reviewed rather than waived in advance',
    ]);
  });

  test('judges each resource once, however often the aspects run', () => {
    const app = Testing.app({ stackTraces: false });
    const stacks = buildEnvironment(app, planOf(() => {}, 'prod'));
    resourceOf(stacks.cluster, 'google_container_cluster').addOverride('enable_legacy_abac', true);
    enforcePolicy(app);
    expect(enforcePolicy(app).violations).toHaveLength(1);
  });

  test('refuses app.synth() even when no one called enforcePolicy: violations are error annotations', () => {
    const app = Testing.app({ stackTraces: false });
    const stacks = buildEnvironment(app, planOf(() => {}, 'prod'));
    resourceOf(stacks.cluster, 'google_container_cluster').addOverride('enable_legacy_abac', true);
    expect(() => app.synth()).toThrow(/CKV_GCP_7: enables legacy ABAC/);
  });

  test('checks the bootstrap stack too', () => {
    const stacks = buildEnvironment(Testing.app({ stackTraces: false }), planOf((env) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet', agentPool: 'gke-agents' }), 'prod'));
    expect(stacks.bootstrap).toBeDefined();
    expect(stacks.bootstrap!.node.id).toBe('bootstrap-prod');
    // One aspect per environment, on every one of its stacks, the bootstrap included.
    for (const stack of [stacks.network, stacks.cluster, stacks.workloads, stacks.bootstrap!]) expect(Aspects.of(stack).all).toContain(stacks.policy);
  });
});
