import { SpawnSyncReturns, spawnSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Evaluates expressions taken from synthesized JSON with the real terraform binary (the machine image has
 * Terraform 1.11). No provider can be installed here, so what a provider would read (a data source) is replaced by a
 * local value holding what the provider would return, and each expression is applied through the built-in
 * `terraform_data` resource: its `input` is the value under test, its preconditions are ours, verbatim.
 */

export interface TerraformCheck {
  /** The value a resource argument would get (the `input` of a `terraform_data`). */
  readonly value: unknown;
  /** Preconditions exactly as synthesized (`{ condition, error_message }`). */
  readonly precondition?: readonly { condition: string; error_message: string }[];
  /** A `for_each` expression: the value is evaluated once per element (`each.key`, `each.value`), by key. */
  readonly forEach?: string;
}

export interface TerraformResult {
  readonly ok: boolean;
  /** The evaluated value of each check, by name, when the apply succeeded. */
  readonly values: Record<string, unknown>;
  /** Terraform's error output (plain text), when it failed. */
  readonly error: string;
}

/** `data.<type>.<any id>.` -> `local.<name>.`, so a data source's attributes come from a local value. */
export function dataSourceAsLocal(expression: string, dataSourceType: string, local: string): string {
  return expression.replace(new RegExp(`data\\.${dataSourceType}\\.[A-Za-z0-9_-]+\\.`, 'g'), `local.${local}.`);
}

export interface Evaluation {
  /** `variable` blocks, e.g. a module's, validations included. */
  readonly variables?: Record<string, unknown>;
  /** Values of those variables (a tfvars file). */
  readonly values?: Record<string, unknown>;
  readonly locals?: Record<string, unknown>;
  readonly checks?: Record<string, TerraformCheck>;
}

/** The folder of one evaluation: its variables, locals, a `terraform_data` per check and an output per check. */
function evaluationModule(evaluation: Evaluation): Record<string, unknown> {
  const checks = Object.entries(evaluation.checks ?? {});
  return {
    ...(evaluation.variables ? { variable: evaluation.variables } : {}),
    ...(evaluation.locals ? { locals: evaluation.locals } : {}),
    ...(checks.length > 0
      ? {
          resource: {
            terraform_data: Object.fromEntries(
              checks.map(([name, c]) => [name, { input: c.value, ...(c.forEach ? { for_each: c.forEach } : {}), ...(c.precondition ? { lifecycle: { precondition: c.precondition } } : {}) }]),
            ),
          },
          output: Object.fromEntries(
            checks.map(([name, c]) => [name, { value: c.forEach ? `\${{ for key, item in terraform_data.${name} : key => item.output }}` : `\${terraform_data.${name}.output}` }]),
          ),
        }
      : {}),
  };
}

/** One `terraform apply` of every evaluation, each a module instance; the outputs by evaluation when it succeeds. */
function applyOnce(evaluations: Record<string, Evaluation>): { status: number | null; stderr: string; values: Record<string, Record<string, unknown>> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-evals-'));
  try {
    const modules: Record<string, unknown> = {};
    const outputs: Record<string, unknown> = {};
    // A module argument is an expression in JSON syntax: literal values keep `${` as `$${`.
    const literal = (value: unknown): unknown =>
      typeof value === 'string' ? value.replace(/\$\{/g, '$${') : Array.isArray(value) ? value.map(literal) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)])) : value;
    for (const [name, evaluation] of Object.entries(evaluations)) {
      mkdirSync(path.join(dir, name));
      // Pretty-printed: an error quotes the line of its expression, not the whole file.
      writeFileSync(path.join(dir, name, 'main.tf.json'), JSON.stringify(evaluationModule(evaluation), null, 2));
      modules[name] = { source: `./${name}`, ...(literal(evaluation.values ?? {}) as Record<string, unknown>) };
      for (const check of Object.keys(evaluation.checks ?? {})) outputs[`${name}__${check}`] = { value: `\${module.${name}.${check}}` };
    }
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ module: modules, output: outputs }, null, 2));
    writeModuleManifest(dir, Object.keys(evaluations));
    // Only the built-in terraform provider is used: no `terraform init` (the module manifest is written above).
    const apply = terraformIn(dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false']);
    if (apply.error) throw new Error(`terraform is not on PATH (${apply.error.message}); the machine image ships Terraform 1.11`);
    const values: Record<string, Record<string, unknown>> = Object.fromEntries(Object.keys(evaluations).map((name) => [name, {}]));
    if (apply.status === 0) {
      // The outputs, as `terraform output -json` would print them, from the state the apply just wrote.
      const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as { outputs: Record<string, { value: unknown }> };
      for (const [key, o] of Object.entries(state.outputs)) {
        const at = key.indexOf('__');
        values[key.slice(0, at)][key.slice(at + 2)] = o.value;
      }
    }
    return { status: apply.status, stderr: apply.stderr, values };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whether a Terraform error block is about the module instance `name` (a folder of that name): Terraform names it as
 * `on <name>/main.tf.json`, `module.<name>` (`in module.<name>:`, `module.<name>.terraform_data…`) or
 * `module "<name>"`, never followed by more of a name.
 */
export function blames(block: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(\\bon ${n}/|\\bmodule\\.${n}(?![\\w-])|\\bmodule "${n}")`).test(block);
}

/**
 * Applies many evaluations with the real terraform, in one run when all succeed. A refusal (a precondition or a
 * validation that fails is what many tests expect) is blamed on the module instances its errors name, and the others
 * run again: Terraform reports one kind of error at a time (variable validations stop it before any precondition), and
 * a failed plan computes no value. Throws when a failed run blames no evaluation.
 */
export function applyEvaluations(evaluations: Record<string, Evaluation>): Record<string, TerraformResult> {
  const results: Record<string, TerraformResult> = {};
  let remaining = Object.keys(evaluations);
  while (remaining.length > 0) {
    const run = applyOnce(Object.fromEntries(remaining.map((name) => [name, evaluations[name]])));
    if (run.status === 0) {
      for (const name of remaining) results[name] = { ok: true, values: run.values[name], error: '' };
      break;
    }
    const blocks = terraformErrors(run.stderr);
    const blamed = remaining.filter((name) => blocks.some((block) => blames(block, name)));
    if (blamed.length === 0) throw new Error(`terraform failed, and no evaluation is named in its errors:\n${run.stderr}`);
    for (const name of blamed) results[name] = { ok: false, values: {}, error: blocks.filter((block) => blames(block, name)).join(' ') };
    const unblamed = blocks.filter((block) => !blamed.some((name) => blames(block, name)));
    if (unblamed.length > 0) throw new Error(`terraform failed, and some of its errors name no evaluation:\n${unblamed.join('\n')}`);
    remaining = remaining.filter((name) => !blamed.includes(name));
  }
  return Object.fromEntries(Object.keys(evaluations).map((name) => [name, results[name]]));
}

const declared = new Map<string, Evaluation>();
const applied = new Map<string, TerraformResult | Error>();
let evaluations = 0;

/**
 * Declares an evaluation (variables validated by Terraform, locals, checks) and returns how to read its result. The
 * first read applies every evaluation declared so far in this test file at once (applyEvaluations): declare them
 * where tests are collected (a describe block), read them inside the tests. A batch that could not be applied throws
 * its error at every read of its evaluations.
 */
export function evaluateLater(evaluation: Evaluation): () => TerraformResult {
  const name = `evaluation_${evaluations++}`;
  declared.set(name, evaluation);
  return () => {
    if (!applied.has(name)) {
      const batch = Object.fromEntries(declared);
      declared.clear();
      try {
        for (const [key, result] of Object.entries(applyEvaluations(batch))) applied.set(key, result);
      } catch (error) {
        for (const key of Object.keys(batch)) applied.set(key, error as Error);
      }
    }
    const result = applied.get(name);
    if (result instanceof Error) throw result;
    if (!result) throw new Error(`${name}: no result (a harness bug)`);
    return result;
  };
}

/** `evaluateLater` of checks over locals: what a data source would return stands in as a local. */
export function applyLater(locals: Record<string, unknown>, checks: Record<string, TerraformCheck>): () => TerraformResult {
  return evaluateLater({ locals, checks });
}

/** Many evaluations that must all succeed, in one terraform run: their values, by evaluation and check. */
export function evaluateManyWithTerraform(evaluations: Record<string, Evaluation>): Record<string, Record<string, unknown>> {
  const results = applyEvaluations(evaluations);
  const failed = Object.entries(results).filter(([, r]) => !r.ok);
  if (failed.length > 0) throw new Error(failed.map(([name, r]) => `${name}: ${r.error}`).join('\n'));
  return Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.values]));
}

/**
 * What `terraform init` records for local modules (`./<name>` for each name), written directly: init would walk every
 * module folder again, and needs nothing else when no provider is used.
 */
export function writeModuleManifest(dir: string, names: readonly string[]): void {
  mkdirSync(path.join(dir, '.terraform', 'modules'), { recursive: true });
  const manifest = [{ Key: '', Source: '', Dir: '.' }, ...names.map((name) => ({ Key: name, Source: `./${name}`, Dir: name }))];
  writeFileSync(path.join(dir, '.terraform', 'modules', 'modules.json'), JSON.stringify({ Modules: manifest }));
}

/**
 * Runs terraform in `dir` with an empty CLI configuration of its own (the machine's points at a missing file, which
 * only adds a warning), no checkpoint call and automation output.
 */
function terraformEnv(dir: string): NodeJS.ProcessEnv {
  writeFileSync(path.join(dir, 'cli.tfrc'), '');
  return { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
}

export function terraformIn(dir: string, args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync('terraform', [...args], { cwd: dir, env: terraformEnv(dir), encoding: 'utf8' });
}

/** `terraformIn` without blocking: the same environment, the result when terraform exits. */
export function terraformInAsync(dir: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }> {
  const env = terraformEnv(dir);
  return new Promise((resolve) => {
    const child = spawn('terraform', [...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (error) => resolve({ status: null, stdout, stderr, error }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Terraform's errors, one string each, its box drawing and line breaks collapsed. */
export function terraformErrors(stderr: string): string[] {
  return stderr.split(/^Error: /m).slice(1).map((b) => `Error: ${b}`.replace(/[│╷╵├─]/g, ' ').replace(/\s+/g, ' ').trim());
}
