import type { EnvironmentPlan } from './plan';
import type { EnvironmentConfig } from './schema';

/** The shapes of the config layer's rules (rules.ts runs them; the docs' registry is stacks/rules.ts). */

export interface EnvironmentContext {
  readonly name: string;
  readonly config: EnvironmentConfig;
  readonly plan: EnvironmentPlan;
  report(path: string, message: string): void;
}

export interface EnvironmentRule {
  readonly id: string;
  readonly description: string;
  readonly scope: 'environment';
  check(ctx: EnvironmentContext): void;
}

/** One environment as the folder rules see it. */
export interface LoadedEnvironment {
  /** The file, as reported (e.g. `environments/dev.json`). */
  readonly file: string;
  readonly plan: EnvironmentPlan;
}

export interface FolderRule {
  readonly id: string;
  readonly description: string;
  readonly scope: 'folder';
  check(environments: readonly LoadedEnvironment[], report: (file: string, path: string, message: string) => void): void;
}

export type Rule = EnvironmentRule | FolderRule;

export const environmentRule = (id: string, description: string, check: EnvironmentRule['check']): EnvironmentRule => ({ id, description, scope: 'environment', check });
export const folderRule = (id: string, description: string, check: FolderRule['check']): FolderRule => ({ id, description, scope: 'folder', check });
