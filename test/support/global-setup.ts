import { spawnSync } from 'node:child_process';
import { ensureBusybox, ensureTools } from './tools';

/** The oldest Terraform the tests (and the stacks) accept. */
const MIN_TERRAFORM = [1, 5];

/**
 * Fails the whole run once, at the start, with what to install, instead of test by test: the tests evaluate
 * preconditions, module validations and state migrations with the real terraform.
 */
function ensureTerraform(): void {
  const result = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  const version = result.status === 0 ? (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version : undefined;
  const [major, minor] = (version ?? '0.0').split('.').map(Number);
  if (!version || major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1])) {
    throw new Error(
      `The tests need terraform ${MIN_TERRAFORM.join('.')} or later on PATH (${version ? `found ${version}` : 'none found'}); install it (README, Prerequisites) and run npm test again.`,
    );
  }
}

/**
 * Runs once before all test files: terraform on PATH. The real helm binaries and busybox: under `npm test` the
 * preparation beside jest makes them ready, and each test that needs one waits for it (tools.ts waitForPreparation),
 * so the tests that need none start at once; under a bare `jest`, here, before any worker could race for them.
 */
export default function globalSetup(): void {
  ensureTerraform();
  if (process.env.GKE_MULTINET_PREPARED) return;
  ensureTools();
  // Idempotent: the netns tests call it again and report why busybox is missing, if it is.
  ensureBusybox();
}
