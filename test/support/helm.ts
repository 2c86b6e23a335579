import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { HELM, PROJECT_ROOT, ensureTools } from './tools';

/** Helpers around the real helm binary and the validators, shared by the chart and end-to-end tests. */

export const CHART_DIR = path.join(PROJECT_ROOT, 'charts', 'multus-whereabouts');

// Kubernetes objects are open-ended maps; tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export interface HelmResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm (default: Helm 4) with `values` written to a temporary values file; never throws on a helm failure. */
/** `--values <file>` for `values` written into `dir` (nothing when there are none). */
function valueArgs(dir: string, values: unknown): string[] {
  if (values === undefined) return [];
  const file = path.join(dir, 'values.json');
  writeFileSync(file, JSON.stringify(values));
  return ['--values', file];
}

export function helm(args: readonly string[], values?: unknown, binary = HELM): HelmResult {
  ensureTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'helm-values-'));
  try {
    try {
      const stdout = execFileSync(binary, [...args, ...valueArgs(dir, values)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, stdout, stderr: '' };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm` like `helm()`, without blocking: many renders run side by side. */
export function helmAsync(args: readonly string[], values?: unknown, binary = HELM): Promise<HelmResult> {
  ensureTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'helm-values-'));
  return new Promise((resolve) => {
    execFile(binary, [...args, ...valueArgs(dir, values)], { encoding: 'utf8' }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ ok: !error, stdout, stderr: error ? stderr : '' });
    });
  });
}

/** `helm template` of a chart (default: ours) with CRDs, parsed into objects; throws with helm's message. */
export function renderChart(values?: unknown, chartDir = CHART_DIR, extraArgs: readonly string[] = [], binary = HELM): K8sObject[] {
  // helm is a process per render; the same render asked for twice (within a test file) is made once, and each caller
  // gets its own copy to index or change.
  const key = JSON.stringify([values, chartDir, extraArgs, binary]);
  let objects = rendered.get(key);
  if (!objects) {
    const result = helm(['template', 'multinet', chartDir, '--namespace', 'kube-system', '--include-crds', ...extraArgs], values, binary);
    if (!result.ok) throw new Error(result.stderr);
    objects = parseYamlDocuments(result.stdout);
    rendered.set(key, objects);
  }
  return structuredClone(objects);
}
const rendered = new Map<string, K8sObject[]>();

export function parseYamlDocuments(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in [${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}]`);
  return found;
}

/** The guide's manifest (a verbatim copy under test/fixtures/guide). */
export function guideManifest(): K8sObject[] {
  return parseYamlDocuments(readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'guide', 'multus-manifest.yaml'), 'utf8'));
}

/**
 * Validates a built-in Kubernetes object against the Kubernetes OpenAPI schema (kubernetes-models);
 * returns the validation message, or undefined when valid.
 */
export function kubernetesSchemaError(obj: K8sObject): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require(`kubernetes-models/${obj.apiVersion}`) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = models[obj.kind];
  if (!Model) return `kubernetes-models has no ${obj.apiVersion} ${obj.kind}`;
  try {
    new Model(obj).validate();
    return undefined;
  } catch (error) {
    return `${obj.kind}/${obj.metadata?.name}: ${(error as Error).message}`;
  }
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** Validates an object against the openAPIV3Schema of the CRD that defines its kind (from crds/). */
export function crdSchemaError(obj: K8sObject, crds: readonly K8sObject[]): string | undefined {
  const [group, version] = String(obj.apiVersion).split('/');
  const crd = crds.find((c) => c.spec.group === group && c.spec.names.kind === obj.kind);
  if (!crd) return `no CRD defines ${obj.apiVersion} ${obj.kind}`;
  const schema = crd.spec.versions.find((v: K8sObject) => v.name === version)?.schema?.openAPIV3Schema;
  if (!schema) return `CRD ${crd.metadata.name} has no schema for ${version}`;
  const validate = ajv.compile(schema);
  const name = `${obj.kind}/${obj.metadata?.name}`;
  return validate(obj) ? undefined : `${name}: ${ajv.errorsText(validate.errors)}`;
}

/**
 * Every object valid: kinds defined by a CRD among `crds` against that CRD's schema, every other kind
 * against Kubernetes' own OpenAPI schema.
 */
export function schemaErrors(objects: readonly K8sObject[], crds = objects.filter((o) => o.kind === 'CustomResourceDefinition')): string[] {
  const definedByCrd = (obj: K8sObject) => crds.some((c) => `${c.spec.group}/` === String(obj.apiVersion).replace(/[^/]+$/, '') && c.spec.names.kind === obj.kind);
  return objects
    .map((obj) => (definedByCrd(obj) ? crdSchemaError(obj, crds) : kubernetesSchemaError(obj)))
    .filter((e): e is string => e !== undefined);
}
