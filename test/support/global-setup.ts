import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
 * Under `npm test`, test/support/run-tests.mjs makes the tools ready beside jest's start-up and says so with a file
 * (GKE_MULTINET_PREPARED): wait for it, so the ensure* calls below find everything there.
 */
function waitForPreparation(): void {
  const marker = process.env.GKE_MULTINET_PREPARED;
  if (!marker) return;
  const deadline = Date.now() + 300_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(marker) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 50);
}

/** Runs once before all test files: terraform on PATH, the real helm binaries and busybox. */
export default function globalSetup(): void {
  waitForPreparation();
  ensureTerraform();
  ensureTools();
  // Idempotent: the netns tests call it again and report why busybox is missing, if it is.
  ensureBusybox();
}
