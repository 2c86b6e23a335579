import { SpawnSyncReturns, spawnSync } from 'node:child_process';
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

/** Applies `checks` with `locals` in a throw-away folder and returns what Terraform computed or said. */
export function applyWithTerraform(locals: Record<string, unknown>, checks: Record<string, TerraformCheck>): TerraformResult {
  return evaluateWithTerraform({ locals, checks });
}

export interface Evaluation {
  /** `variable` blocks, e.g. a module's, validations included. */
  readonly variables?: Record<string, unknown>;
  /** Values of those variables (a tfvars file). */
  readonly values?: Record<string, unknown>;
  readonly locals?: Record<string, unknown>;
  readonly checks?: Record<string, TerraformCheck>;
}

/** Variables (validated by Terraform), locals and checks applied in a throw-away folder. */
export function evaluateWithTerraform(evaluation: Evaluation): TerraformResult {
  const checks = evaluation.checks ?? {};
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-eval-'));
  try {
    const config = {
      ...(evaluation.variables ? { variable: evaluation.variables } : {}),
      ...(evaluation.locals ? { locals: evaluation.locals } : {}),
      resource: {
        terraform_data: Object.fromEntries(
          Object.entries(checks).map(([name, check]) => [
            name,
            {
              input: check.value,
              ...(check.forEach ? { for_each: check.forEach } : {}),
              ...(check.precondition ? { lifecycle: { precondition: check.precondition } } : {}),
            },
          ]),
        ),
      },
      output: Object.fromEntries(
        Object.entries(checks).map(([name, check]) => [
          name,
          { value: check.forEach ? `\${{ for key, item in terraform_data.${name} : key => item.output }}` : `\${terraform_data.${name}.output}` },
        ]),
      ),
    };
    if (Object.keys(checks).length === 0) {
      delete (config as { resource?: unknown }).resource;
      delete (config as { output?: unknown }).output;
    }
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
    writeFileSync(path.join(dir, 'terraform.tfvars.json'), JSON.stringify(evaluation.values ?? {}));
    const run = (args: string[]) => terraformIn(dir, args);
    // Only the built-in terraform provider is used, which needs no `terraform init`; should a Terraform version want
    // one anyway, it says so and gets it.
    let apply = run(['apply', '-auto-approve', '-input=false', '-no-color']);
    if (apply.error) throw new Error(`terraform is not on PATH (${apply.error.message}); the machine image ships Terraform 1.11`);
    if (apply.status !== 0 && /terraform init/.test(apply.stderr)) {
      const init = run(['init', '-input=false', '-no-color']);
      if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
      apply = run(['apply', '-auto-approve', '-input=false', '-no-color']);
    }
    if (apply.status !== 0) return { ok: false, values: {}, error: apply.stderr.replace(/\s+/g, ' ') };
    // The outputs, as `terraform output -json` would print them, from the state the apply just wrote.
    const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as { outputs: Record<string, { value: unknown }> };
    const values = Object.fromEntries(Object.entries(state.outputs).map(([name, o]) => [name, o.value]));
    return { ok: true, values, error: '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Many evaluations in one terraform run: each becomes a module instance (its variables, values, locals and checks), and
 * one `terraform apply` computes them all. Every evaluation must succeed; a failure is reported with the terraform
 * output, which names the evaluation's folder.
 */
export function evaluateManyWithTerraform(evaluations: Record<string, Evaluation>): Record<string, Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-evals-'));
  try {
    const modules: Record<string, unknown> = {};
    const outputs: Record<string, unknown> = {};
    // A module argument is an expression in JSON syntax: literal values keep `${` as `$${`.
    const literal = (value: unknown): unknown =>
      typeof value === 'string' ? value.replace(/\$\{/g, '$${') : Array.isArray(value) ? value.map(literal) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)])) : value;
    for (const [name, evaluation] of Object.entries(evaluations)) {
      const checks = evaluation.checks ?? {};
      const config = {
        ...(evaluation.variables ? { variable: evaluation.variables } : {}),
        ...(evaluation.locals ? { locals: evaluation.locals } : {}),
        resource: {
          terraform_data: Object.fromEntries(
            Object.entries(checks).map(([check, c]) => [check, { input: c.value, ...(c.forEach ? { for_each: c.forEach } : {}), ...(c.precondition ? { lifecycle: { precondition: c.precondition } } : {}) }]),
          ),
        },
        output: Object.fromEntries(
          Object.entries(checks).map(([check, c]) => [check, { value: c.forEach ? `\${{ for key, item in terraform_data.${check} : key => item.output }}` : `\${terraform_data.${check}.output}` }]),
        ),
      };
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, 'main.tf.json'), JSON.stringify(config));
      modules[name] = { source: `./${name}`, ...(literal(evaluation.values ?? {}) as Record<string, unknown>) };
      for (const check of Object.keys(checks)) outputs[`${name}__${check}`] = { value: `\${module.${name}.${check}}` };
    }
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ module: modules, output: outputs }));
    writeModuleManifest(dir, Object.keys(evaluations));
    const apply = terraformIn(dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false']);
    if (apply.error) throw new Error(`terraform is not on PATH (${apply.error.message})`);
    if (apply.status !== 0) throw new Error(apply.stderr.replace(/\s+/g, ' '));
    const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as { outputs: Record<string, { value: unknown }> };
    const results: Record<string, Record<string, unknown>> = Object.fromEntries(Object.keys(evaluations).map((name) => [name, {}]));
    for (const [key, o] of Object.entries(state.outputs)) {
      const at = key.indexOf('__');
      results[key.slice(0, at)][key.slice(at + 2)] = o.value;
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
export function terraformIn(dir: string, args: readonly string[]): SpawnSyncReturns<string> {
  writeFileSync(path.join(dir, 'cli.tfrc'), '');
  const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  return spawnSync('terraform', [...args], { cwd: dir, env, encoding: 'utf8' });
}

/** Terraform's errors, one string each, its box drawing and line breaks collapsed. */
export function terraformErrors(stderr: string): string[] {
  return stderr.split(/^Error: /m).slice(1).map((b) => `Error: ${b}`.replace(/[│╷╵├─]/g, ' ').replace(/\s+/g, ' ').trim());
}
