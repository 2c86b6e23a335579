import { IConstruct } from 'constructs';
import { Annotations, Aspects, DefaultTokenResolver, IAspect, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
// Not re-exported by the package root; the same function `app.synth()` runs on every stack before writing it.
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { EnvironmentPlan } from '../environment';
import { POLICY_RULES, PolicyRule } from './rules';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** One rule one resource breaks, waived or not. */
export interface PolicyFinding {
  readonly environment: string;
  readonly stack: string;
  /** `<type>.<logical id>`, as in `terraform plan`. */
  readonly address: string;
  readonly rule: PolicyRule;
  /** What is wrong and what to change. */
  readonly message: string;
  /** The environment's waiver that lets the finding through, if any. */
  readonly waiver?: { readonly rule: string; readonly reason: string };
}

/**
 * Policy as code: checks every resource of the stacks it is added to against the resource rules of the registry
 * (rules.ts, beside it) as Terraform will read it (overrides included, tokens resolved). A finding the
 * environment does not waive becomes an error annotation, so `app.synth()` refuses the stack even when no one calls
 * `enforcePolicy` first.
 */
export class PolicyAspect implements IAspect {
  private readonly found: PolicyFinding[] = [];
  // Aspects run again in app.synth() after enforcePolicy(): each resource is judged once.
  private readonly visited = new WeakSet<IConstruct>();

  constructor(readonly plan: EnvironmentPlan) {}

  /** Adds the aspect to every stack given: one environment, one aspect. */
  static addTo(plan: EnvironmentPlan, stacks: readonly TerraformStack[]): PolicyAspect {
    const aspect = new PolicyAspect(plan);
    for (const stack of stacks) Aspects.of(stack).add(aspect);
    return aspect;
  }

  get findings(): readonly PolicyFinding[] {
    return this.found;
  }

  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node) || this.visited.has(node)) return;
    this.visited.add(node);
    const resource = node as TerraformResource;
    const type = resource.terraformResourceType;
    const rules = POLICY_RULES.filter((r) => r.resourceTypes.includes(type));
    if (rules.length === 0) return;
    const stack = TerraformStack.of(resource);
    const id = resource.friendlyUniqueId;
    // Resolved as stack.toTerraform() resolves it: the JSON Terraform reads, overrides included.
    const body = Tokenization.resolve(resource.toTerraform(), { scope: stack, preparing: false, resolver: RESOLVER }).resource[type][id];
    const stackName = stack.node.id;
    const address = `${type}.${id}`;
    for (const rule of rules) {
      const message = rule.check({ stack: stackName, type, address, body }, this.plan);
      if (message === undefined) continue;
      const waiver = rule.waivable ? this.plan.waivers.find((w) => w.rule === rule.id) : undefined;
      const finding: PolicyFinding = { environment: this.plan.name, stack: stackName, address, rule, message, waiver };
      this.found.push(finding);
      if (!waiver) Annotations.of(resource).addError(formatViolation(finding));
    }
  }
}

/** `environment dev: dev-cluster: google_container_cluster.x: CKV_GCP_20: what is wrong; what to change`. */
export function formatViolation(f: PolicyFinding): string {
  const waive = f.rule.waivable ? ` (or waive ${f.rule.id} in policy.waivers, with a reason)` : ' (this rule cannot be waived)';
  return `environment ${f.environment}: ${f.stack}: ${f.address}: ${f.rule.id}: ${f.message}${waive}`;
}

export function formatWaiver(f: PolicyFinding): string {
  return `environment ${f.environment} waives ${f.rule.id} (${f.rule.description.replace(/\.$/, '')}) for ${f.stack}: ${f.address}, because: ${f.waiver?.reason}`;
}

export interface PolicyReport {
  /** Findings no waiver covers, and waivers nothing needs (a stale waiver would let a later violation through unreviewed). */
  readonly violations: readonly string[];
  /** Every applied waiver, for review. */
  readonly waivers: readonly string[];
}

/**
 * Runs the policy aspects of every stack under `root` (as `app.synth()` would, before it writes anything) and reports
 * what they found, so an app can refuse the whole synth with clean messages and write nothing.
 */
export function enforcePolicy(root: IConstruct): PolicyReport {
  invokeAspects(root);
  const aspects = new Set<PolicyAspect>();
  for (const node of root.node.findAll()) {
    if (TerraformStack.isStack(node)) for (const a of Aspects.of(node).all) if (a instanceof PolicyAspect) aspects.add(a);
  }
  const violations: string[] = [];
  const waivers: string[] = [];
  for (const aspect of aspects) {
    for (const f of aspect.findings) (f.waiver ? waivers : violations).push(f.waiver ? formatWaiver(f) : formatViolation(f));
    for (const waiver of aspect.plan.waivers) {
      if (!aspect.findings.some((f) => f.waiver === waiver)) {
        violations.push(
          `environment ${aspect.plan.name}: policy.waivers: ${waiver.rule} is waived but no resource breaks it: remove the waiver, so a later violation is reviewed rather than waived in advance`,
        );
      }
    }
  }
  return { violations, waivers };
}
