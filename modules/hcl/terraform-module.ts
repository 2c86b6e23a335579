import { Construct, Node } from 'constructs';
import {
  ITerraformDependable,
  TerraformDataSource,
  TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
} from 'cdktf';


/**
 * Oldest Terraform the modules admit. Their rules use optional object attributes with defaults (1.3), `timecmp`
 * (1.3), preconditions (1.2) and variables in validation messages (1.2); 1.5 is the version many organisations keep.
 */
export const MODULE_REQUIRED_TERRAFORM = '>= 1.5.0';

/** A role (or Kubernetes access) an identity that plans or applies the module needs, and why. */
export interface ModulePermission {
  readonly role: string;
  readonly why: string;
}

/** A variable of a Terraform module, with everything its README row and its `variable` block say. */
export interface ModuleVariable {
  readonly name: string;
  /** A Terraform type constraint, as written in HCL (e.g. `list(object({ name = string }))`). */
  readonly type: string;
  readonly description: string;
  /** Omitted: the variable is required. */
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly sensitive?: boolean;
  /** Terraform validation rules; every message names the variable. */
  readonly validation?: readonly { readonly condition: string; readonly errorMessage: string }[];
}

export interface ModuleOutput {
  readonly name: string;
  readonly description: string;
  readonly value: unknown;
  readonly sensitive?: boolean;
  /** What the output waits for besides what its value refers to. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A provider the module needs, with a version range (the caller configures it). */
export interface ModuleProvider {
  readonly source: string;
  readonly version: string;
}

/**
 * A Terraform module built from the same constructs as the stacks: typed variables in, resources, outputs out.
 * Unlike a stack it has no provider configuration, no backend and no remote state (terraform-cdk #3728: synth output
 * is no module), its provider requirements are version ranges, and every address is readable and stable: a
 * resource's logical id is its construct path below the module's root construct (`google_compute_network.vpc`), never
 * a hash, so a new release of the module replaces nothing.
 */
export class TerraformModule extends TerraformStack {
  readonly moduleName: string;
  readonly description: string;
  /** The body of a minimal `module` block calling this module (HCL), for its README. */
  readonly usage: string;
  readonly variables: ModuleVariable[] = [];
  readonly outputs: ModuleOutput[] = [];
  readonly providers: Readonly<Record<string, ModuleProvider>>;
  private readonly logicalIds = new Map<string, string>();
  private readonly guards: { readonly element: TerraformResource; readonly condition: string; readonly errorMessage: string }[] = [];
  private readonly moves: { readonly from: string; readonly to: string }[] = [];
  /** What the identities that plan and apply a caller of this module need, each with why (the README's Permissions). */
  readonly permissions: { plan: ModulePermission[]; apply: ModulePermission[] } = { plan: [], apply: [] };
  /** Changes of inputs that do more than an update in place, and what to do (the README's Day 2). */
  readonly dayTwo: string[] = [];
  /** The Google APIs the project must have on before the first plan (README, Before the first plan), each with why. */
  readonly apis: { api: string; why: string }[] = [];
  /** What else a caller must know before the first plan (README, Before the first plan). */
  readonly beforeFirstPlan: string[] = [];

  constructor(scope: Construct, name: string, description: string, providers: Readonly<Record<string, ModuleProvider>>, usage: string) {
    super(scope, name);
    this.moduleName = name;
    this.description = description;
    this.usage = usage;
    this.providers = providers;
  }

  /**
   * Declares a variable; its logical id is its name. Unless it defaults to null or says otherwise, it is
   * `nullable = false`: a caller's null then means "the default", never a value every rule must guard against.
   */
  variable(input: ModuleVariable): TerraformVariable {
    const spec = { ...input, nullable: input.nullable ?? (input.default === null ? undefined : false) };
    this.variables.push(spec);
    const variable = new TerraformVariable(this, `variable-${spec.name}`, {
      type: spec.type,
      description: spec.description,
      // cdktf cannot render a literal null default; its null token renders as `null`.
      default: spec.default === null ? Token.nullValue() : spec.default,
      nullable: spec.nullable,
      sensitive: spec.sensitive,
      // In Terraform's JSON syntax an expression is a `${…}` template; a bare string would be a literal.
      validation: spec.validation?.map((v) => ({ condition: `\${${v.condition}}`, errorMessage: v.errorMessage })),
    });
    variable.overrideLogicalId(spec.name);
    return variable;
  }

  /** Declares an output; its logical id is its name. */
  output(spec: ModuleOutput): TerraformOutput {
    this.outputs.push(spec);
    const output = new TerraformOutput(this, `output-${spec.name}`, { value: spec.value, description: spec.description, sensitive: spec.sensitive, dependsOn: spec.dependsOn ? [...spec.dependsOn] : undefined });
    output.overrideLogicalId(spec.name);
    return output;
  }

  /**
   * A check across variables, as a precondition of `element`: Terraform evaluates it at plan, before anything is
   * created (cross-variable validation needs Terraform 1.9; the modules admit 1.5). `condition` is HCL without `${}`;
   * `errorMessage` a template.
   */
  guard(element: TerraformResource, condition: string, errorMessage: string): void {
    this.guards.push({ element, condition, errorMessage });
  }

  /** A `moved` block: an address a release changed, so callers' state follows instead of a replacement. */
  moved(from: string, to: string): void {
    this.moves.push({ from, to });
  }

  toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as Record<string, unknown> & { terraform?: Record<string, unknown> };
    for (const g of this.guards) {
      const body = (tf.resource as Record<string, Record<string, Record<string, unknown>>>)[g.element.terraformResourceType][g.element.friendlyUniqueId];
      const lifecycle = { ...((body.lifecycle as Record<string, unknown>) ?? {}) };
      lifecycle.precondition = [...((lifecycle.precondition as unknown[]) ?? []), { condition: `\${${g.condition}}`, error_message: g.errorMessage }];
      body.lifecycle = lifecycle;
    }
    if (this.moves.length > 0) tf.moved = this.moves.map((m) => ({ from: m.from, to: m.to }));
    // A module never configures providers, a backend or cdktf metadata: the caller owns them.
    stripMetadata(tf);
    delete tf.provider;
    const terraform = { ...(tf.terraform ?? {}) };
    delete terraform.backend;
    delete terraform.cloud;
    terraform.required_version = MODULE_REQUIRED_TERRAFORM;
    terraform.required_providers = this.providers;
    tf.terraform = terraform;
    return tf;
  }

  /**
   * Every element's logical id is its construct path below the module's root construct, snake_case
   * (`cluster/node-sa` -> `node_sa`); cdktf asks for it the first time something refers to the element.
   */
  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof Node ? element : element.node;
    const segments = node.scopes.slice(node.scopes.indexOf(this) + 1).map((s) => s.node.id);
    const id = (segments.length > 1 ? segments.slice(1) : segments).join('_').toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const kind = element instanceof TerraformResource || element instanceof TerraformDataSource ? `${element.constructor.name}:${element.terraformResourceType}` : element.constructor.name;
    const key = `${kind}.${id}`;
    const other = this.logicalIds.get(key);
    if (other !== undefined && other !== node.path) throw new Error(`module ${this.moduleName}: ${node.path} and ${other} would both be ${id}`);
    this.logicalIds.set(key, node.path);
    return id;
  }
}

/** Removes cdktf's `//` metadata keys, at every depth. */
function stripMetadata(value: unknown): void {
  if (Array.isArray(value)) value.forEach(stripMetadata);
  else if (value && typeof value === 'object') {
    delete (value as Record<string, unknown>)['//'];
    Object.values(value as Record<string, unknown>).forEach(stripMetadata);
  }
}
