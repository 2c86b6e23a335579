import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blames, terraformErrors, terraformIn, terraformInAsync, writeModuleManifest } from './terraform';

// Terraform configurations are open-ended; the harness indexes into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/**
 * Runs the real terraform over many calls of the HCL modules at once, with no provider: each module is replaced by a
 * copy holding its variables (validations included), its locals, and one built-in `terraform_data` per resource that
 * carries the resource's preconditions verbatim (and its `for_each`), data sources read as variables holding what the
 * provider would return. One `terraform plan` checks every call (the module manifest that `terraform init` would write
 * is written directly); the errors are sorted by the call that caused them.
 */

export interface ModuleCall {
  /** Folder name of the module under test. */
  readonly module: string;
  /** Its inputs, as a caller writes them (JSON values; `${…}` strings are expressions). */
  readonly inputs: Record<string, unknown>;
  /** What data sources return, by `<type>.<name>` (default: each module's stub from `stubs`). */
  readonly data?: Record<string, unknown>;
  /** Leave the module's validations out: the call checks preconditions only (its inputs pass validation elsewhere). */
  readonly preconditionsOnly?: boolean;
}

export interface HarnessRun {
  /** Terraform's error texts (whitespace collapsed) caused by this call; empty when every check passed. */
  errorsOf(call: string): string[];
  /** Errors no call could be blamed for (a broken harness, not a broken input). */
  readonly unattributed: string[];
}

const dataVariable = (type: string, name: string) => `data_${type}_${name}`;

/**
 * A module's data sources as locals: each `data.<type>.<name>` reference (attribute or for_each key) reads
 * `local.data_<type>_<name>`, which is the call's override (`var.data_<type>_<name>`) or else the stub. A stub that is a
 * `${…}` string is an expression over the module's own inputs (what the provider would read for them: a subnet per
 * additional network, say); any other stub is the value itself.
 */
export function dataAsLocals(module: Json, stubs: Record<string, unknown>): { variables: Json; locals: Json; text: (json: unknown) => unknown } {
  const variables: Json = {};
  const locals: Json = {};
  const replacements: [RegExp, string][] = [];
  for (const [type, byName] of Object.entries((module.data ?? {}) as Json)) {
    for (const name of Object.keys(byName)) {
      const key = `${type}.${name}`;
      if (!(key in stubs)) throw new Error(`no stub for data source ${key}`);
      const v = dataVariable(type, name);
      const stub = stubs[key];
      const derived = typeof stub === 'string' && stub.startsWith('${') ? stub.slice(2, -1) : undefined;
      variables[v] = { type: 'any', default: derived === undefined ? stub : null };
      locals[v] = derived === undefined ? `\${var.${v}}` : `\${var.${v} != null ? var.${v} : ${derived}}`;
      replacements.push([new RegExp(`data\\.${type}\\.${name}(?=[.\\[])`, 'g'), `local.${v}`]);
    }
  }
  const text = (json: unknown) => JSON.parse(replacements.reduce((t, [re, to]) => t.replace(re, to), JSON.stringify(json)));
  return { variables, locals, text };
}

/** The provider-free copy of a module: variables, locals, and a `terraform_data` per resource with its preconditions. */
function checkCopy(module: Json, stubs: Record<string, unknown>): Json {
  const data = dataAsLocals(module, stubs);
  const variables: Json = { ...(module.variable ?? {}), ...data.variables };
  const copied = data.text({ locals: module.locals ?? {}, resource: module.resource ?? {}, check: module.check ?? {} }) as Json;
  const { resource, check } = copied;
  const locals = { ...copied.locals, ...data.locals };
  const checks: Json = {};
  for (const [type, byName] of Object.entries(resource as Json)) {
    for (const [name, body] of Object.entries(byName as Json)) {
      const preconditions = body.lifecycle?.precondition;
      if (!preconditions) continue;
      checks[`${type}__${name}`] = { ...(body.for_each ? { for_each: body.for_each } : {}), ...(body.count !== undefined ? { count: body.count } : {}), lifecycle: { precondition: preconditions } };
    }
  }
  // Check blocks (assertions Terraform reports as warnings) come along, their data sources read as variables too.
  return { variable: variables, ...(Object.keys(locals).length ? { locals } : {}), ...(Object.keys(checks).length ? { resource: { terraform_data: checks } } : {}), ...(Object.keys(check).length ? { check } : {}) };
}

/** Writes the throw-away root module of `calls` into `dir`: a folder per call, so an error names the call. */
function writeCalls(dir: string, modules: Record<string, Json>, stubs: Record<string, unknown>, calls: Record<string, ModuleCall>, only: 'validations' | 'everything'): void {
  const copies = Object.fromEntries(Object.entries(modules).map(([name, json]) => [name, checkCopy(json, stubs)]));
  const module: Json = {};
  for (const [call, { module: source, inputs, data, preconditionsOnly }] of Object.entries(calls)) {
    if (!(source in copies)) throw new Error(`${call}: no module ${source}`);
    mkdirSync(path.join(dir, call));
    // Validations only: a copy that declares just the variables the call passes (a validation sees only its own).
    const copy =
      only === 'validations'
        ? { variable: Object.fromEntries(Object.entries(copies[source].variable as Json).filter(([v]) => v in inputs)) }
        : preconditionsOnly
          ? { ...copies[source], variable: withoutValidations(copies[source].variable) }
          : copies[source];
    writeFileSync(path.join(dir, call, 'main.tf.json'), JSON.stringify(copy, null, 1));
    const overrides = Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [dataVariable(...(key.split('.') as [string, string])), value]));
    module[call] = { source: `./${call}`, ...inputs, ...overrides };
  }
  writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ module }, null, 1));
  writeModuleManifest(dir, Object.keys(calls));
}

/** Terraform's errors of one plan, each blamed on the calls it names. */
function blameErrors(plan: { status: number | null; stderr: string; error?: Error }, calls: Record<string, ModuleCall>): HarnessRun {
  if (plan.error) throw new Error(`terraform is not on PATH (${plan.error.message})`);
  if (/terraform init/.test(plan.stderr)) throw new Error(`terraform wants init:\n${plan.stderr}`);
  const blocks = terraformErrors(plan.stderr);
  const byCall = new Map<string, string[]>();
  const unattributed: string[] = [];
  for (const block of blocks) {
    const blamed = Object.keys(calls).filter((call) => blames(block, call));
    if (blamed.length === 0) unattributed.push(block);
    for (const call of blamed) byCall.set(call, [...(byCall.get(call) ?? []), block]);
  }
  if (plan.status !== 0 && blocks.length === 0) unattributed.push(plan.stderr);
  return { errorsOf: (call) => byCall.get(call) ?? [], unattributed };
}

const PLAN_ARGS = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false'];

/** Plans every call in one throw-away root module (`modules`: each module's Terraform JSON, by folder name), without blocking, so two plans can run side by side. */
export async function runModuleCallsAsync(modules: Record<string, Json>, stubs: Record<string, unknown>, calls: Record<string, ModuleCall>, only: 'validations' | 'everything' = 'everything'): Promise<HarnessRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-modules-'));
  try {
    writeCalls(dir, modules, stubs, calls, only);
    return blameErrors(await terraformInAsync(dir, PLAN_ARGS), calls);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Variables without their validation blocks (evaluating them is most of a module instance's cost). */
export function withoutValidations(variables: Json): Json {
  return Object.fromEntries(Object.entries(variables).map(([name, { validation, ...rest }]) => [name, rest]));
}

/**
 * Plans a root module (an example, as hcl2json parses it) over provider-free copies of the modules it calls: its
 * variables (with `values`), locals and module calls, every reference to a resource, data source or another module
 * replaced by `stubs` (`google_compute_network.primary` -> what Terraform would know of it after apply; `module.<name>`
 * stubs another party's module call, which is then not planned). Returns
 * Terraform's errors (empty when every validation and precondition holds).
 */
export function planExample(parsed: Json, modules: Record<string, Json>, moduleStubs: Record<string, unknown>, values: Record<string, unknown>, stubs: Record<string, unknown>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-example-'));
  try {
    const stubName = (ref: string) => `stub_${ref.replace(/[.]/g, '_')}`;
    const replace = (text: string) =>
      Object.keys(stubs)
        .sort((a, b) => b.length - a.length)
        .reduce((t, ref) => t.replace(new RegExp(`(?<![\\w.])${ref.replace(/[.]/g, '\\.')}(?![\\w])`, 'g'), `local.${stubName(ref)}`), text);
    const variable = Object.fromEntries(
      Object.entries((parsed.variable ?? {}) as Record<string, Json[]>).map(([name, [spec]]) => [
        name,
        { type: String(spec.type).replace(/^\$\{([\s\S]*)\}$/, '$1'), ...(name in values ? { default: values[name] } : 'default' in spec ? { default: spec.default } : {}) },
      ]),
    );
    const locals = { ...Object.assign({}, ...((parsed.locals ?? []) as Json[])), ...Object.fromEntries(Object.entries(stubs).map(([ref, value]) => [stubName(ref), value])) };
    const module: Json = {};
    const names: string[] = [];
    for (const [name, [block]] of Object.entries((parsed.module ?? {}) as Record<string, Json[]>)) {
      // Another party's module (terraform-google-modules' cluster, say): what its outputs hold comes from the stubs.
      if (`module.${name}` in stubs) continue;
      const source = path.basename(String(block.source));
      if (!(source in modules)) throw new Error(`module ${name}: no module ${source}`);
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, 'main.tf.json'), JSON.stringify(checkCopy(modules[source], moduleStubs)));
      const { source: _source, depends_on: _dependsOn, providers: _providers, ...inputs } = block;
      module[name] = { source: `./${name}`, ...JSON.parse(replace(JSON.stringify(inputs))) };
      names.push(name);
    }
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ variable, locals: JSON.parse(replace(JSON.stringify(locals))), module }, null, 1));
    writeModuleManifest(dir, names);
    const plan = terraformIn(dir, ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false']);
    if (plan.error) throw new Error(`terraform is not on PATH (${plan.error.message})`);
    return plan.status === 0 ? [] : terraformErrors(plan.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
