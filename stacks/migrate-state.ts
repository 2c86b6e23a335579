import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { STACK_KINDS } from './environment/plan';

/**
 * Moves each stack's state to the backend its synthesized configuration now names (`npm run migrate-state -- <env>`),
 * after an environment file's `backend` changed and `npm run synth` ran. One path for every backend:
 *
 * - the state is read where the stack's last `terraform init` kept it: the backend recorded in the stack folder's
 *   `.terraform/terraform.tfstate`, else the local state file cdktf's local backend writes;
 * - it is written where `cdk.tf.json` now points, only when nothing is there yet: an existing state is never overwritten
 *   (and `terraform state push` itself refuses another lineage or a newer serial without -force, which is never passed);
 * - `-ignore-remote-version`: a Terraform Cloud workspace is pinned to the version its runs use, and `state push` from
 *   any other local minor stops at that check (hashicorp/terraform meta_backend.go remoteVersionCheck) although it
 *   only compares versions, not states;
 * - the stack folder forgets the old backend (its `.terraform/terraform.tfstate`), so the next `cdktf deploy` starts
 *   on the new one instead of stopping at "Backend configuration changed";
 * - a local source file is renamed `<file>.migrated`, so nothing reads it again by mistake.
 *
 * Credentials are the ones Terraform finds itself: Application Default Credentials for GCS, `terraform login` for
 * Terraform Cloud. Nothing is written to `cdktf.out/` but the removal of that one cache file.
 */

export interface MigrationOptions {
  /** The project root (where `cdktf.out/` and `state/` are). */
  readonly root: string;
  /** Stack names, in order (`dev-network`, …). */
  readonly stacks: readonly string[];
  /** Where the synthesized stacks are. @default 'cdktf.out' */
  readonly outdir?: string;
  /** The terraform binary. @default 'terraform' */
  readonly terraform?: string;
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

export type MigrationResult = { readonly stack: string; readonly outcome: 'migrated' | 'no state' | 'already there'; readonly from?: string; readonly to?: string };

/** A migration refused or failed; nothing of the stack named was changed. */
export class MigrationError extends Error {}

/** A backend as Terraform's JSON configuration writes it: `{ backend: { gcs: {...} } }` or `{ cloud: {...} }`. */
type BackendBlock = Record<string, unknown>;

export function migrateState(options: MigrationOptions): MigrationResult[] {
  const outdir = path.resolve(options.root, options.outdir ?? 'cdktf.out');
  const log = options.log ?? (() => {});
  const results: MigrationResult[] = [];
  for (const stack of options.stacks) {
    const dir = path.join(outdir, 'stacks', stack);
    const configFile = path.join(dir, 'cdk.tf.json');
    if (!existsSync(configFile)) throw new MigrationError(`${stack}: ${path.relative(options.root, configFile)} does not exist: run npm run synth first`);
    const target = backendOf(JSON.parse(readFileSync(configFile, 'utf8')).terraform ?? {}, dir, stack);
    const source = previousBackend(dir, stack, options.root);
    if (!source) {
      results.push({ stack, outcome: 'no state' });
      log(`${stack}: no state to move (never deployed)`);
      continue;
    }
    if (JSON.stringify(source.block) === JSON.stringify(target.block)) {
      results.push({ stack, outcome: 'already there', to: target.describe });
      log(`${stack}: already on ${target.describe}`);
      continue;
    }
    const work = mkdtempSync(path.join(tmpdir(), 'migrate-state-'));
    try {
      const state = source.localFile ? readFileSync(source.localFile, 'utf8') : pull(options, work, 'source', source.block, stack);
      if (state.trim() === '') {
        results.push({ stack, outcome: 'no state' });
        log(`${stack}: no state at ${source.describe}`);
        continue;
      }
      const existing = pull(options, work, 'target', target.block, stack);
      // The gcs backend creates an empty state the first time anything reads it (hashicorp/terraform
      // internal/backend/remote-state/gcs/backend_state.go StateMgr), with a lineage of its own: a state that holds no
      // resource and no output is no one's, and is replaced; any other is never overwritten.
      const found = existing.trim() === '' ? undefined : (JSON.parse(existing) as { serial: number; resources?: unknown[]; outputs?: Record<string, unknown> });
      if (found && ((found.resources ?? []).length > 0 || Object.keys(found.outputs ?? {}).length > 0)) {
        throw new MigrationError(
          `${stack}: a state already exists at ${target.describe} (serial ${found.serial}, ${(found.resources ?? []).length} resources): refusing to overwrite it. Move or delete it there yourself if it is yours to lose, then run this again`,
        );
      }
      const stateFile = path.join(work, 'source.tfstate');
      writeFileSync(stateFile, state);
      // -force only over an empty state (another lineage): anything else was refused above.
      terraform(options, path.join(work, 'target'), ['state', 'push', '-ignore-remote-version', ...(found ? ['-force'] : []), stateFile], stack);
      const pushed = JSON.parse(pull(options, work, 'target', target.block, stack)) as { lineage: string };
      if (pushed.lineage !== (JSON.parse(state) as { lineage: string }).lineage) throw new MigrationError(`${stack}: the state read back from ${target.describe} is not the one pushed`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    // The stack folder forgets the old backend; the next init configures the new one.
    rmSync(path.join(dir, '.terraform', 'terraform.tfstate'), { force: true });
    if (source.localFile) renameSync(source.localFile, `${source.localFile}.migrated`);
    results.push({ stack, outcome: 'migrated', from: source.describe, to: target.describe });
    log(`${stack}: moved from ${source.describe} to ${target.describe}`);
  }
  return results;
}

interface Backend {
  readonly block: BackendBlock;
  readonly describe: string;
  /** The state file, for a local backend. */
  readonly localFile?: string;
}

/** The backend of a stack configuration (`terraform` object of cdk.tf.json), paths resolved against its folder. */
function backendOf(terraform: Record<string, unknown>, dir: string, stack: string): Backend {
  // Through normalise, as the recorded backend is: the two compare equal exactly when they name the same state.
  if (terraform.cloud) return normalise('cloud', terraform.cloud as Record<string, unknown>, dir, stack);
  const backends = (terraform.backend ?? {}) as Record<string, Record<string, unknown>>;
  const [type, config] = Object.entries(backends)[0] ?? ['local', {}];
  return normalise(type, config, dir, stack);
}

function normalise(type: string, config: Record<string, unknown>, dir: string, stack: string): Backend {
  const set = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null && v !== undefined));
  if (type === 'local') {
    const file = path.resolve(dir, (set.path as string | undefined) ?? 'terraform.tfstate');
    return { block: { backend: { local: { path: file } } }, describe: file, localFile: file };
  }
  if (type === 'gcs') {
    const gcs = Object.fromEntries(Object.keys(set).sort().map((k) => [k, set[k]]));
    return { block: { backend: { gcs } }, describe: `gs://${set.bucket}/${set.prefix}` };
  }
  if (type === 'cloud' || type === 'remote') {
    const workspaces = set.workspaces as { name?: string } | { name?: string }[] | undefined;
    const name = Array.isArray(workspaces) ? workspaces[0]?.name : workspaces?.name;
    const hostname = (set.hostname as string | undefined) ?? 'app.terraform.io';
    return { block: { cloud: { organization: set.organization, hostname, workspaces: { name } } }, describe: `${hostname}/${set.organization}/${name}` };
  }
  throw new MigrationError(`${stack}: backend type "${type}" is not one this product writes (local, gcs, cloud)`);
}

/**
 * Where the stack's state is now: the backend its last `terraform init` recorded in `.terraform/terraform.tfstate`,
 * else the local file cdktf's local backend writes (`state/<stack>.tfstate`), else nowhere (never deployed).
 */
function previousBackend(dir: string, stack: string, root: string): Backend | undefined {
  const cache = path.join(dir, '.terraform', 'terraform.tfstate');
  if (existsSync(cache)) {
    const recorded = JSON.parse(readFileSync(cache, 'utf8')).backend as { type: string; config: Record<string, unknown> } | undefined;
    if (recorded) {
      const backend = normalise(recorded.type, recorded.config ?? {}, dir, stack);
      return backend.localFile && !existsSync(backend.localFile) ? undefined : backend;
    }
  }
  const local = path.join(root, 'state', `${stack}.tfstate`);
  return existsSync(local) ? normalise('local', { path: local }, dir, stack) : undefined;
}

/** `terraform state pull` from `block`, configured alone in `work/<name>`. Empty text when there is no state. */
function pull(options: MigrationOptions, work: string, name: string, block: BackendBlock, stack: string): string {
  const dir = path.join(work, name);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'backend.tf.json'), JSON.stringify({ terraform: block }, null, 2));
    terraform(options, dir, ['init', '-input=false', '-no-color'], stack);
  }
  return terraform(options, dir, ['state', 'pull'], stack);
}

function terraform(options: MigrationOptions, cwd: string, args: string[], stack: string): string {
  const result = spawnSync(options.terraform ?? 'terraform', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
  });
  if (result.error) throw new MigrationError(`${stack}: cannot run terraform (${result.error.message}): install Terraform 1.5 or later`);
  if (result.status !== 0) throw new MigrationError(`${stack}: terraform ${args[0]}${args[1] && !args[1].startsWith('-') ? ` ${args[1]}` : ''} failed:\n${result.stderr.trim()}`);
  return result.stdout;
}

const USAGE = `usage: npm run migrate-state -- <env | stack> ...

Moves each stack's state to the backend the environment file now names (run npm run synth first).
  <env>    its three stacks, in order: <env>-network, <env>-cluster, <env>-workloads
  <stack>  one stack, e.g. dev-network
Refuses to overwrite a state that already exists where it would write.`;

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(args.length === 0 ? 1 : 0);
  }
  const stacks = args.flatMap((a) => (STACK_KINDS.some((k) => a.endsWith(`-${k}`)) ? [a] : STACK_KINDS.map((k) => `${a}-${k}`)));
  try {
    migrateState({ root: process.cwd(), stacks, outdir: process.env.CDKTF_OUTDIR, log: (line) => process.stdout.write(`${line}\n`) });
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
