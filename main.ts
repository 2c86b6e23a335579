import * as path from 'node:path';
import { App } from 'cdktf';
import { buildEnvironment } from './stacks';
import { EnvironmentError, loadEnvironments } from './stacks/environment';

/**
 * The CDKTF app: validate every environment first, then build its stacks. An invalid environment stops the
 * whole synth before any stack exists, so nothing half-synthesized is left behind.
 */
function main(): void {
  const dir = path.resolve(process.env.ENVIRONMENTS_DIR ?? 'environments');
  let plans;
  try {
    plans = loadEnvironments(dir);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`Invalid environment configuration (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}):\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // No stack traces in the synthesized JSON: they would carry this machine's paths.
  const app = new App({ stackTraces: false });
  for (const plan of plans) buildEnvironment(app, plan);
  app.synth();
}

main();
