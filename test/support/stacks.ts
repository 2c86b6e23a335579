import { Testing } from 'cdktf';
import { buildEnvironment, EnvironmentStacks } from '../../stacks';
import { planOf, RawEnvironment } from './environments';

/** The stacks of a (possibly mutated) shipped environment, built in a test app. */
export function stacksOf(mutate: (env: RawEnvironment) => void = () => {}, base: 'dev' | 'prod' = 'dev'): EnvironmentStacks {
  return buildEnvironment(Testing.app({ stackTraces: false }), planOf(mutate, base));
}

/** Synthesized JSON of one stack, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function synthJson(stack: Parameters<typeof Testing.synth>[0]): Record<string, any> {
  return JSON.parse(Testing.synth(stack, true));
}
