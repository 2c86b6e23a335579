import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MigrationError, migrateState } from '../../stacks/migrate-state';

/**
 * The state migration, run for real with terraform against local backends (the only ones reachable offline): a stack
 * deployed on one backend, re-synthesized onto another, moved. A GCS bucket or a Terraform Cloud workspace takes the
 * same path (pull, check empty, push), with Terraform's own credentials.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const STACK = 'dev-network';
/** What cdktf writes for a local-backend stack, with one built-in resource so the state has something in it. */
const config = (statePath: string) => ({
  terraform: { backend: { local: { path: statePath } } },
  resource: { terraform_data: { marker: { input: 'dev-network' } } },
});

function terraform(cwd: string, ...args: string[]) {
  const result = spawnSync('terraform', args, { cwd, encoding: 'utf8', env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, status: result.status };
}

/**
 * A project whose dev-network stack was deployed with local state in state/ (terraform init and apply, once for the
 * file: every path in it is relative, so each test gets a copy of the folder).
 */
let deployed: string | undefined;
function deployedProject(): string {
  if (deployed) return deployed;
  const root = mkdtempSync(path.join(tmpdir(), 'migrate-'));
  dirs.push(root);
  const stackDir = path.join(root, 'cdktf.out', 'stacks', STACK);
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(config(`../../../state/${STACK}.tfstate`)));
  expect(terraform(stackDir, 'init', '-input=false').ok).toBe(true);
  expect(terraform(stackDir, 'apply', '-auto-approve', '-input=false').ok).toBe(true);
  deployed = root;
  return root;
}

/** A copy of the deployed project, its stack re-synthesized onto `target`. */
function deployedThenMoved(target: string): { root: string; stackDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'migrate-'));
  dirs.push(root);
  cpSync(deployedProject(), root, { recursive: true });
  const stackDir = path.join(root, 'cdktf.out', 'stacks', STACK);
  writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(config(target)));
  return { root, stackDir };
}

const lineage = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { lineage: string }).lineage;

describe('npm run migrate-state', () => {
  test('shows why the plain loop fails: the stack folder still remembers its old backend', () => {
    const { stackDir } = deployedThenMoved('../../../remote/dev-network.tfstate');
    const init = terraform(stackDir, 'init', '-input=false');
    expect(init.ok).toBe(false);
    expect(init.output).toMatch(/Backend configuration changed/);
  });

  test('moves the state to the new backend, keeping its lineage, and the next init and plan work with no change', () => {
    const { root, stackDir } = deployedThenMoved('../../../remote/dev-network.tfstate');
    const source = path.join(root, 'state', `${STACK}.tfstate`);
    const before = lineage(source);
    expect(migrateState({ root, stacks: [STACK] })).toEqual([
      { stack: STACK, outcome: 'migrated', from: source, to: path.join(root, 'remote', `${STACK}.tfstate`) },
    ]);
    expect(lineage(path.join(root, 'remote', `${STACK}.tfstate`))).toBe(before);
    expect(terraform(stackDir, 'init', '-input=false').ok).toBe(true);
    expect(terraform(stackDir, 'plan', '-detailed-exitcode', '-input=false').status).toBe(0);
  });

  test('renames the local state it moved, so nothing reads it again', () => {
    const { root } = deployedThenMoved('../../../remote/dev-network.tfstate');
    migrateState({ root, stacks: [STACK] });
    expect(existsSync(path.join(root, 'state', `${STACK}.tfstate`))).toBe(false);
    expect(existsSync(path.join(root, 'state', `${STACK}.tfstate.migrated`))).toBe(true);
  });

  test('refuses to overwrite a state that exists where it would write, and changes nothing', () => {
    const { root, stackDir } = deployedThenMoved('../../../remote/dev-network.tfstate');
    // Another state (its own lineage) already at the target.
    const other = path.join(root, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'main.tf.json'), JSON.stringify(config('../remote/dev-network.tfstate')));
    expect(terraform(other, 'init', '-input=false').ok && terraform(other, 'apply', '-auto-approve', '-input=false').ok).toBe(true);
    const target = path.join(root, 'remote', `${STACK}.tfstate`);
    const theirs = readFileSync(target, 'utf8');
    expect(() => migrateState({ root, stacks: [STACK] })).toThrow(MigrationError);
    expect(() => migrateState({ root, stacks: [STACK] })).toThrow(`${STACK}: a state already exists at ${target} (serial 1, 1 resources): refusing to overwrite it`);
    expect(readFileSync(target, 'utf8')).toBe(theirs);
    expect(existsSync(path.join(root, 'state', `${STACK}.tfstate`))).toBe(true);
    expect(existsSync(path.join(stackDir, '.terraform', 'terraform.tfstate'))).toBe(true);
  });

  test('writes over a state that holds nothing (the gcs backend creates one, with a lineage of its own, on first read)', () => {
    const { root, stackDir } = deployedThenMoved('../../../remote/dev-network.tfstate');
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'main.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: '../remote/dev-network.tfstate' } } } }));
    expect(terraform(empty, 'init', '-input=false').ok && terraform(empty, 'apply', '-auto-approve', '-input=false').ok).toBe(true);
    const target = path.join(root, 'remote', `${STACK}.tfstate`);
    expect(existsSync(target)).toBe(true);
    const before = lineage(path.join(root, 'state', `${STACK}.tfstate`));
    expect(lineage(target)).not.toBe(before);
    expect(migrateState({ root, stacks: [STACK] })[0].outcome).toBe('migrated');
    expect(lineage(target)).toBe(before);
    expect(terraform(stackDir, 'init', '-input=false').ok).toBe(true);
    expect(terraform(stackDir, 'plan', '-detailed-exitcode', '-input=false').status).toBe(0);
  });

  test('recognises a stack already on its Terraform Cloud workspace whatever the key order of either record', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'migrate-'));
    dirs.push(root);
    const stackDir = path.join(root, 'cdktf.out', 'stacks', STACK);
    mkdirSync(path.join(stackDir, '.terraform'), { recursive: true });
    writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { cloud: { hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: STACK } } } }));
    // What `terraform init` records for a cloud block: another key order, nulls for what was not set.
    writeFileSync(
      path.join(stackDir, '.terraform', 'terraform.tfstate'),
      JSON.stringify({ version: 3, backend: { type: 'cloud', config: { organization: 'acme', hostname: 'app.terraform.io', project: null, token: null, workspaces: { name: STACK, project: null, tags: null } }, hash: 1 } }),
    );
    expect(migrateState({ root, stacks: [STACK] })).toEqual([{ stack: STACK, outcome: 'already there', to: `app.terraform.io/acme/${STACK}` }]);
  });

  test('leaves a stack whose state is already where its configuration points', () => {
    const { root } = deployedThenMoved(`../../../state/${STACK}.tfstate`);
    expect(migrateState({ root, stacks: [STACK] })).toEqual([{ stack: STACK, outcome: 'already there', to: path.join(root, 'state', `${STACK}.tfstate`) }]);
  });

  test('says there is nothing to move for a stack never deployed, or moved already', () => {
    const { root } = deployedThenMoved('../../../remote/dev-network.tfstate');
    migrateState({ root, stacks: [STACK] });
    expect(migrateState({ root, stacks: [STACK] })).toEqual([{ stack: STACK, outcome: 'no state' }]);
    const fresh = mkdtempSync(path.join(tmpdir(), 'migrate-'));
    dirs.push(fresh);
    mkdirSync(path.join(fresh, 'cdktf.out', 'stacks', STACK), { recursive: true });
    writeFileSync(path.join(fresh, 'cdktf.out', 'stacks', STACK, 'cdk.tf.json'), JSON.stringify(config('../../../remote/x.tfstate')));
    expect(migrateState({ root: fresh, stacks: [STACK] })).toEqual([{ stack: STACK, outcome: 'no state' }]);
  });

  test('asks for a synth first when the stack was never synthesized', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'migrate-'));
    dirs.push(root);
    expect(() => migrateState({ root, stacks: [STACK] })).toThrow(`${STACK}: cdktf.out/stacks/${STACK}/cdk.tf.json does not exist: run npm run synth first`);
  });
});
