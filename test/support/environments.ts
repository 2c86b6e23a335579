import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EnvironmentPlan, loadEnvironmentText } from '../../stacks/environment';
import { PROJECT_ROOT } from './tools';

/** Fixtures built from the shipped environment files, so a test shows only what it changes. */

// The environment file is untyped JSON: tests mutate it freely, including into invalid shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawEnvironment = Record<string, any>;

export const ENVIRONMENTS_DIR = path.join(PROJECT_ROOT, 'environments');

export function shippedEnvironment(name: 'dev' | 'prod'): RawEnvironment {
  return JSON.parse(readFileSync(path.join(ENVIRONMENTS_DIR, `${name}.json`), 'utf8')) as RawEnvironment;
}

/** `dev.json` (or another shipped file) after `mutate`, as file text. */
export function environmentText(mutate: (env: RawEnvironment) => void = () => {}, base: 'dev' | 'prod' = 'dev'): string {
  const env = shippedEnvironment(base);
  mutate(env);
  return JSON.stringify(env, null, 2);
}

/** The problems of a mutated environment, each as `<field path>: <message>`. */
export function problemsOf(mutate: (env: RawEnvironment) => void, base: 'dev' | 'prod' = 'dev'): string[] {
  return loadEnvironmentText(base, environmentText(mutate, base)).problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

/** The plan of a (possibly mutated) shipped environment; fails the test if it is invalid. */
export function planOf(mutate: (env: RawEnvironment) => void = () => {}, base: 'dev' | 'prod' = 'dev'): EnvironmentPlan {
  const result = loadEnvironmentText(base, environmentText(mutate, base));
  if (!result.plan) throw new Error(`expected a valid environment, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return result.plan;
}

/**
 * The plan of dev.json after `mutate`, saved as `<name>.json`: its own cluster name (`multinet-<name>`), so that several
 * such environments can share a project, as a folder would.
 */
export function planNamed(name: string, mutate: (env: RawEnvironment) => void = () => {}): EnvironmentPlan {
  const result = loadEnvironmentText(name, environmentText((env) => {
    env.cluster.name = `multinet-${name}`;
    mutate(env);
  }));
  if (!result.plan) throw new Error(`expected a valid environment, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return result.plan;
}
