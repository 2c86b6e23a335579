import { ENVIRONMENT_RULES } from './environment-rules';
import { FOLDER_RULES } from './folder-rules';
import type { EnvironmentPlan } from './plan';
import type { EnvironmentRule, LoadedEnvironment } from './rule-types';
import type { EnvironmentConfig } from './schema';
import { shown } from './problems';

/**
 * The config layer's rules, each a small named unit with an id, a one-line description and its scope, and what runs
 * them. Deriving the plan (plan.ts) never judges; these rules do.
 *
 * - `environment` rules (environment-rules.ts) check one environment file and its plan (field paths in the file);
 * - `folder` rules (folder-rules.ts) check all environments of the folder together.
 *
 * The policy rules, which judge the synthesized resources, live beside the policy aspect (stacks/policy/); the
 * registry of every rule for the docs is stacks/rules.ts.
 */

export * from './rule-types';
export { ENVIRONMENT_RULES } from './environment-rules';
export { FOLDER_RULES } from './folder-rules';
export { derivedNames } from './rule-helpers';
export type { DerivedName } from './rule-helpers';

/** The file's name, checked by the loader before anything else: it names the stacks and their state. */
export const ENVIRONMENT_NAME_RULE = {
  id: 'environment-name',
  description: "The file name names the stacks: 1-31 lowercase letters, digits and hyphens, not starting with 'bootstrap'.",
  scope: 'environment' as const,
  checkName(name: string): string | undefined {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) {
      return `environment name ${shown(name)} (the file name) must be 1 to 31 lowercase letters, digits and hyphens, starting with a letter`;
    }
    // Bootstrap stacks are named bootstrap-<env>: `cdktf deploy '<env>-*'` must never select one.
    if (name.startsWith('bootstrap')) {
      return `environment name ${shown(name)} (the file name) may not start with "bootstrap": bootstrap stacks are named bootstrap-<env>, and cdktf deploy '${name}-*' would select them`;
    }
    return undefined;
  },
};

/** Runs every environment rule, and those other rooms add (the policy's waiver rule); each problem carries its rule's id. */
export function checkEnvironment(
  name: string,
  config: EnvironmentConfig,
  plan: EnvironmentPlan,
  extraRules: readonly EnvironmentRule[] = [],
): { path: string; message: string; rule: string }[] {
  const problems: { path: string; message: string; rule: string }[] = [];
  for (const rule of [...ENVIRONMENT_RULES, ...extraRules]) rule.check({ name, config, plan, report: (path, message) => problems.push({ path, message, rule: rule.id }) });
  return problems;
}

/** Runs every folder rule. */
export function checkFolder(environments: readonly LoadedEnvironment[]): { file: string; path: string; message: string; rule: string }[] {
  const problems: { file: string; path: string; message: string; rule: string }[] = [];
  for (const rule of FOLDER_RULES) rule.check(environments, (file, path, message) => problems.push({ file, path, message, rule: rule.id }));
  return problems;
}

