import * as path from 'node:path';
import { App } from 'cdktf';
import { buildEnvironment, enforcePolicy } from './stacks';
import { EnvironmentError, loadEnvironments } from './stacks/environment';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The CDKTF app: validate every environment (each file, then the folder as a whole), build the stacks, check every
 * resource against the policy, and only then synthesize. Any problem stops it before anything is written, so nothing
 * half-synthesized is left behind; the messages are the app's own lines, one per problem.
 */
function main(): void {
  const dir = path.resolve(process.env.ENVIRONMENTS_DIR ?? 'environments');
  let plans;
  try {
    plans = loadEnvironments(dir);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`Invalid environment configuration (${plural(error.problems.length, 'problem')}):\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // No stack traces in the synthesized JSON: they would carry this machine's paths.
  const app = new App({ stackTraces: false });
  for (const plan of plans) buildEnvironment(app, plan);
  const policy = enforcePolicy(app);
  if (policy.violations.length > 0) {
    process.stderr.write(`Policy violations (${plural(policy.violations.length, 'problem')}):\n${policy.violations.join('\n')}\n`);
    process.exit(1);
  }
  // Every waiver shows in the synth output, so a review sees what was let through and why.
  if (policy.waivers.length > 0) process.stdout.write(`Policy waivers (${policy.waivers.length}):\n${policy.waivers.join('\n')}\n`);
  app.synth();
}

main();
