import { Construct } from 'constructs';
import { Lazy, TerraformLocal, Token, ref } from 'cdktf';

/**
 * For constructs that also accept references known only to Terraform (module variables): a few expressions
 * (for-expressions, null checks) are written in HCL, because cdktf 0.21 renders them wrongly (its for-expressions
 * iterate `toset(...)`, which reorders lists, and refer to `each.value` instead of their own variable).
 */

/** An expression usable inside an HCL expression: a literal rendered as HCL, or a reference kept in a local. */
export interface HclOperand {
  /** The HCL text, known at synth time (after logical ids are final). */
  text(): string;
}

/**
 * `value` as an operand: a literal becomes its JSON text (valid HCL for strings, numbers, booleans and lists); a
 * reference is stored in a local named `id` in `scope` and referred to by name.
 */
export function hclOperand(scope: Construct, id: string, value: unknown): HclOperand {
  if (!Token.isUnresolved(value)) return { text: () => JSON.stringify(value ?? null) };
  const local = new TerraformLocal(scope, id, value);
  return { text: () => `local.${local.friendlyUniqueId}` };
}

/**
 * An expression built when the stack is synthesized: `${<expression>}` as an attribute, the bare expression inside a
 * function call or another expression (cdktf renders a reference either way).
 */
export function hclExpression(build: () => string): string {
  return Lazy.stringValue({ produce: () => Token.asString(ref(build())) });
}

/** Like `hclExpression`, for any type (lists, maps, booleans). */
export function hclValue(build: () => string): never {
  return Lazy.anyValue({ produce: () => ref(build()) }) as never;
}

/** A template string (no surrounding `${}`), built when the stack is synthesized. */
export function hclTemplate(build: () => string): string {
  return Lazy.stringValue({ produce: build });
}
