import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Every line the app prints about the files goes through `printable` (stacks/environment/problems.ts): whatever a value
 * holds, it cannot end its line or forge another (a CI log's `::` commands included). The exit code is set, not forced:
 * Node exits once stdout and stderr have drained, so a reader at the end of a pipe gets every line.
 */
function say(stream: NodeJS.WriteStream, header: string, lines: readonly string[], printable: (line: string) => string): void {
  stream.write(`${[header, ...lines].map(printable).join('\n')}\n`);
}

const USAGE = `usage: npm run synth [-- <env> ...]

Validates the environment files (environments/<env>.json, or the folder ENVIRONMENTS_DIR names) and writes one
Terraform configuration per stack under cdktf.out/stacks/.
  <env> ...   synthesize only these environments; a broken file of another one does not stop them (the folder's
              rules still compare every valid file with them). Through the cdktf CLI: ENVIRONMENTS=<env>,<env>.
  --help      this text
`;

/**
 * The CDKTF app: validate every environment (each file, then the folder as a whole), build the stacks, check every
 * resource against the policy, and only then synthesize. Any problem stops it before anything is written, so nothing
 * half-synthesized is left behind; the messages are the app's own lines, one per problem.
 */
function main(): void {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const unknownOption = args.find((a) => a.startsWith('-'));
  if (unknownOption) {
    // The escaper alone (stacks/environment/problems.ts imports nothing): a usage error needs no schema library.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { printable } = require('./stacks/environment/problems') as typeof import('./stacks/environment/problems');
    process.stderr.write(`${printable(`unknown option ${JSON.stringify(unknownOption)}`)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // Named on the command line (npm run synth -- prod), else in ENVIRONMENTS (for the cdktf CLI, which runs the app
  // itself: ENVIRONMENTS=prod npx cdktf deploy 'prod-*'), else every environment.
  const named = args.length > 0 ? args : process.env.ENVIRONMENTS?.split(/[\s,]+/).filter(Boolean);
  const only = named && named.length > 0 ? named : undefined;
  const dir = path.resolve(process.env.ENVIRONMENTS_DIR ?? 'environments');
  // Loaded once there is something to validate: `--help` answers without the schema library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EnvironmentError, loadSelectedEnvironments, printable } = require('./stacks/environment') as typeof import('./stacks/environment');
  // The policy's waiver rule joins the config layer's: a waiver naming no policy rule is one more problem of its file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KNOWN_WAIVERS_RULE } = require('./stacks/policy/rules') as typeof import('./stacks/policy/rules');
  let plans;
  try {
    const loaded = loadSelectedEnvironments(dir, only, { extraRules: [KNOWN_WAIVERS_RULE] });
    plans = loaded.plans;
    if (loaded.skipped.length > 0) {
      const lines = loaded.skipped.map((s) => `  ${s.file}${s.problems > 0 ? ` (${plural(s.problems, 'problem')}: npm run synth -- ${path.basename(s.file, '.json')} shows them)` : ''}`);
      say(process.stdout, `Synthesizing ${plans.map((p) => p.name).join(', ')} only; skipped, not named:`, lines, printable);
    }
  } catch (error) {
    if (error instanceof EnvironmentError) {
      say(process.stderr, `Invalid environment configuration (${plural(error.problems.length, 'problem')}):`, error.message.split('\n'), printable);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  // cdktf and the provider bindings load only now: usage and invalid files answer at once (half a second sooner).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, TerraformStack } = require('cdktf') as typeof import('cdktf');
  const { buildEnvironment, buildSharedBootstraps, constructProblems, enforcePolicy } = require('./stacks') as typeof import('./stacks');
  const { skipTokenStackTraces } = require('./stacks/token-stack-traces') as typeof import('./stacks/token-stack-traces');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // See stacks/token-stack-traces.ts: half of synth's time per environment, for traces nobody reads.
  if (process.env.CDKTF_TOKEN_STACK_TRACES !== '1') skipTokenStackTraces();
  // Where `cdktf synth` asks for the output (CDKTF_OUTDIR), else cdktf's default.
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const outdirExisted = existsSync(outdir);
  // No stack traces in the synthesized JSON: they would carry this machine's paths. The constructs' validations run
  // below, before anything is written, rather than stack by stack inside app.synth().
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  for (const plan of plans) buildEnvironment(app, plan);
  buildSharedBootstraps(app, plans);
  const refuse = (what: string, lines: readonly string[]): void => {
    say(process.stderr, `${what} (${plural(lines.length, 'problem')}):`, lines, printable);
    // cdktf's App creates the output folder up front: take it back, so a refused synth leaves nothing behind.
    if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
    process.exitCode = 1;
  };
  const policy = enforcePolicy(app);
  if (policy.violations.length > 0) return refuse('Policy violations', policy.violations);
  // After the policy's aspects have run (app.synth() runs them too): what they add is validated as well.
  const invalid = constructProblems(app);
  if (invalid.length > 0) return refuse('Invalid stacks', invalid);
  // Every waiver shows in the synth output, so a review sees what was let through and why.
  if (policy.waivers.length > 0) say(process.stdout, `Policy waivers (${policy.waivers.length}):`, policy.waivers, printable);
  app.synth();
  // The cdktf CLI (which sets CDKTF_CONTEXT_JSON for its app) lists the stack folders before running the app and
  // removes the orphans itself afterwards, without `force`: were the app to remove them first, the CLI's removal would
  // fail with ENOENT (cdktf-cli 0.21.0, @cdktf/cli-core synth-stack.js). Only `npm run synth` must do it here.
  if (process.env.CDKTF_CONTEXT_JSON === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { removeOrphanedStacks } = require('./stacks/orphaned-stacks') as typeof import('./stacks/orphaned-stacks');
    const current = new Set(app.node.children.filter((c) => TerraformStack.isStack(c)).map((s) => s.node.id));
    removeOrphanedStacks(path.join(app.outdir, 'stacks'), current, only);
  }
}

main();
