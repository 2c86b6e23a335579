import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { STACK_KINDS } from './environment';

/**
 * The stack folders under `stacksDir` that a synth producing `current` must remove, as `cdktf synth` does after running
 * the app (`npm run synth` runs the app without the CLI and must leave the same cdktf.out): those of an environment
 * removed or renamed. A synth of some environments (`only`, as `npm run synth -- dev`) removes only what those
 * environments no longer produce: the other environments' folders, and the bootstrap stacks they share, stay as the
 * last synth of them left them.
 */
export function orphanedStacks(stacksDir: string, current: ReadonlySet<string>, only: readonly string[] | undefined): string[] {
  const ownedByNamed = (name: string) => only === undefined || only.some((env) => [...STACK_KINDS.map((kind) => `${env}-${kind}`), `bootstrap-${env}`].includes(name));
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && ownedByNamed(entry.name) && !current.has(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Removes the orphaned stack folders (see `orphanedStacks`). */
export function removeOrphanedStacks(stacksDir: string, current: ReadonlySet<string>, only: readonly string[] | undefined): void {
  for (const name of orphanedStacks(stacksDir, current, only)) rmSync(path.join(stacksDir, name), { recursive: true });
}
