import { Construct, Node } from 'constructs';
import {
  TerraformDataSource,
  TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
} from 'cdktf';
import { REQUIRED_TERRAFORM } from './environment-stack';

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

  constructor(scope: Construct, name: string, description: string, providers: Readonly<Record<string, ModuleProvider>>, usage: string) {
    super(scope, name);
    this.moduleName = name;
    this.description = description;
    this.usage = usage;
    this.providers = providers;
  }

  /** Declares a variable; its logical id is its name. */
  variable(spec: ModuleVariable): TerraformVariable {
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
    const output = new TerraformOutput(this, `output-${spec.name}`, { value: spec.value, description: spec.description, sensitive: spec.sensitive });
    output.overrideLogicalId(spec.name);
    return output;
  }

  toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as Record<string, unknown> & { terraform?: Record<string, unknown> };
    // A module never configures providers, a backend or cdktf metadata: the caller owns them.
    stripMetadata(tf);
    delete tf.provider;
    const terraform = { ...(tf.terraform ?? {}) };
    delete terraform.backend;
    delete terraform.cloud;
    terraform.required_version = REQUIRED_TERRAFORM;
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
