import { App, TerraformStack, Testing } from 'cdktf';
import { buildEnvironment, buildSharedBootstraps, constructProblems, EnvironmentStacks } from '../../stacks';
import { planNamed, planOf, RawEnvironment } from './environments';

/** The stacks of a (possibly mutated) shipped environment, built in a test app. */
export function stacksOf(mutate: (env: RawEnvironment) => void = () => {}, base: 'dev' | 'prod' = 'dev'): EnvironmentStacks {
  return buildEnvironment(Testing.app({ stackTraces: false }), planOf(mutate, base));
}

/** A stack synthesizes to the same JSON every time once built: synthesized once, parsed afresh for each caller. */
const synthesized = new WeakMap<object, string>();

/**
 * Synthesized JSON text of one stack, after the validations the app runs before it writes anything (main.ts; not
 * cdktf's own, which run `terraform version`: stacks/construct-validations.ts).
 */
export function synthText(stack: Parameters<typeof Testing.synth>[0]): string {
  let text = synthesized.get(stack);
  if (text === undefined) {
    // Testing.synth runs the aspects first; the validations then see what they added, as in main.ts.
    text = Testing.synth(stack);
    const problems = constructProblems(stack);
    if (problems.length > 0) throw new Error(`Invalid stack:\n${problems.join('\n')}`);
    synthesized.set(stack, text);
  }
  return text;
}

/** Synthesized JSON of one stack, parsed (a new object each call: callers may change it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function synthJson(stack: Parameters<typeof Testing.synth>[0]): Record<string, any> {
  return JSON.parse(synthText(stack));
}

/**
 * A folder of environments built in one test app, as main.ts builds it: each environment's stacks, then the shared
 * bootstrap stacks. `environments` maps an environment name to the mutation of dev.json it is.
 */
export function folderOf(environments: Record<string, (env: RawEnvironment) => void>): { app: App; stacks: Record<string, TerraformStack> } {
  const app = Testing.app({ stackTraces: false });
  const plans = Object.entries(environments).map(([name, mutate]) => planNamed(name, mutate));
  for (const plan of plans) buildEnvironment(app, plan);
  buildSharedBootstraps(app, plans);
  const stacks = Object.fromEntries(app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c)).map((s) => [s.node.id, s]));
  return { app, stacks };
}
