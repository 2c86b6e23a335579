/**
 * Makes one of the tools the tests use ready (`helm`, or `debian`: busybox and the CNI plugins), before jest starts:
 * test/support/run-tests.mjs runs the two side by side, beside the type-check. jest's global setup calls the same
 * functions, which do nothing once the tools are there, so `npx jest` alone still works.
 */
import { ensureDebianTools, ensureTools } from './tools';

const steps: Record<string, () => string | undefined | void> = { helm: ensureTools, debian: ensureDebianTools };
const step = steps[process.argv[2] ?? ''];
if (!step) {
  process.stderr.write(`usage: prepare <${Object.keys(steps).join('|')}>\n`);
  process.exit(2);
}
// A tool that cannot be had is reported by the tests that need it, with the reason; preparing never fails the run.
const problem = step();
if (problem) process.stderr.write(`prepare ${process.argv[2]}: ${problem}\n`);
