import { execFileSync, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from './tools';

/** What a checkout holds (besides node_modules and environments/): copied to make a second checkout in another folder. */
const CHECKOUT_ENTRIES = ['main.ts', 'stacks', 'modules', 'charts', 'cdktf.json', 'package.json', 'tsconfig.json'];

/**
 * The environment files the project ships. Tests that pin shipped content name these; a user's own file in
 * `environments/` is never copied into a checkout, so it can never change what a test synthesizes.
 */
export const SHIPPED_ENVIRONMENT_FILES = ['dev.json', 'prod.json', 'schema.json'] as const;

/**
 * A fresh copy of the project (from `root`, the project itself by default) in a temporary folder, sharing
 * node_modules through a symlink, with only the shipped environments.
 */
export function makeCheckout(prefix = 'checkout-', root = PROJECT_ROOT): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  for (const entry of CHECKOUT_ENTRIES) {
    const from = path.join(root, entry);
    try {
      statSync(from);
    } catch {
      continue;
    }
    cpSync(from, path.join(dir, entry), { recursive: true });
  }
  mkdirSync(path.join(dir, 'environments'));
  for (const file of SHIPPED_ENVIRONMENT_FILES) cpSync(path.join(root, 'environments', file), path.join(dir, 'environments', file));
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Folders whose app this process has already built (the bundle does not change while the tests run). */
const built = new Set<string>();

/**
 * Runs the app exactly as cdktf.json tells the CLI to, in `cwd`, writing to `outdir`: the whole command (bundle, then
 * run) the first time for a folder, then only its run step, `node .build/main.js`, on the bundle already built.
 */
export function runApp(cwd: string, outdir: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const app = (JSON.parse(readFileSync(path.join(cwd, 'cdktf.json'), 'utf8')) as { app: string }).app;
  const run = / && (node \S+)$/.exec(app)?.[1];
  const command = built.has(cwd) && run ? run : app;
  const result = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, ...env, CDKTF_OUTDIR: outdir } });
  built.add(cwd);
  return result;
}

/** Runs the real cdktf CLI (`cdktf synth`) in `cwd`. */
export function runCdktfSynth(cwd: string, outdir: string): string {
  return execFileSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir], {
    cwd,
    encoding: 'utf8',
    // The CLI's own notices (e.g. terraform's about a missing CLI configuration file) stay out of the test output.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' },
  });
}

/** Every file below `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

export interface Manifest {
  stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string; workingDirectory: string }>;
}

export function readManifest(outdir: string): Manifest {
  return JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Manifest;
}

/** Stack names in an order where each stack comes after its dependencies (what `cdktf deploy` follows). */
export function deployOrder(manifest: Manifest, names: string[]): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    manifest.stacks[name].dependencies.forEach(visit);
    order.push(name);
  };
  names.forEach(visit);
  return order;
}
