import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { buildEnvironment, buildSharedBootstraps, constructProblems } from '../../stacks';
import { loadEnvironmentText } from '../../stacks/environment';
import { environmentText, RawEnvironment } from '../support/environments';
import { listFiles } from '../support/synth';

/** Every stack kind: the shipped environments, and dev on each remote backend (with its bootstrap stacks). */
const ENVIRONMENTS: [string, 'dev' | 'prod', (env: RawEnvironment) => void][] = [
  ['dev', 'dev', () => {}],
  ['prod', 'prod', () => {}],
  ['gcsdev', 'dev', (env) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state' })],
  ['tfcdev', 'dev', (env) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet' })],
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Synthesizes every environment into a fresh folder, optionally with cdktf's own preparing pass on every stack. */
function synthesize(withPreparingPass: boolean): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synthesis-'));
  dirs.push(outdir);
  // As main.ts builds it: the constructs' validations before anything is written, not inside app.synth().
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const plans = ENVIRONMENTS.map(([name, base, mutate]) => {
    const { plan, problems } = loadEnvironmentText(name, environmentText(mutate, base));
    if (!plan) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    buildEnvironment(app, plan);
    return plan;
  });
  buildSharedBootstraps(app, plans);
  if (withPreparingPass) {
    for (const stack of app.node.children.filter(TerraformStack.isStack)) {
      stack.prepareStack = () => TerraformStack.prototype.prepareStack.call(stack);
    }
  }
  const problems = constructProblems(app);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  app.synth();
  return outdir;
}

/** References in a stack's expressions to resources, data sources, locals or variables the stack does not define. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function undefinedReferences(json: Record<string, any>): string[] {
  const missing: string[] = [];
  for (const [, expression] of JSON.stringify(json).matchAll(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)) {
    // Not after a dot: `outputs.primary_network.x` is an attribute path, not a reference.
    for (const [ref, data, type, name] of expression.matchAll(/(?<![.\w])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
      if (json[data ? 'data' : 'resource']?.[type]?.[name] === undefined) missing.push(ref);
    }
    for (const [ref, kind, name] of expression.matchAll(/(?<![.\w])(local|var)\.([A-Za-z0-9_-]+)/g)) {
      if (json[kind === 'local' ? 'locals' : 'variable']?.[name] === undefined) missing.push(ref);
    }
  }
  return missing;
}

describe('synthesis without cdktf\'s preparing pass', () => {
  const fast = synthesize(false);

  test('writes byte for byte what cdktf writes with it, for every stack kind and backend', () => {
    const slow = synthesize(true);
    const files = listFiles(slow);
    expect(files.filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(15);
    expect(listFiles(fast)).toEqual(files);
    for (const file of files) expect({ file, same: readFileSync(path.join(fast, file)).equals(readFileSync(path.join(slow, file))) }).toEqual({ file, same: true });
  });

  test('leaves no stack referring to a resource, data source, local or variable it does not define (what the pass would have wired)', () => {
    for (const file of listFiles(fast).filter((f) => f.endsWith('cdk.tf.json'))) {
      expect({ file, missing: undefinedReferences(JSON.parse(readFileSync(path.join(fast, file), 'utf8'))) }).toEqual({ file, missing: [] });
    }
  });

  test('would see a reference to another stack\'s resource', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'synthesis-'));
    dirs.push(outdir);
    const app = new App({ outdir, stackTraces: false });
    const stacks = buildEnvironment(app, loadEnvironmentText('dev', environmentText()).plan!);
    const vpc = stacks.network.node.findAll().find((c) => c instanceof ComputeNetwork) as ComputeNetwork;
    new TerraformOutput(stacks.workloads, 'leak', { value: vpc.id });
    app.synth();
    const workloads = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'dev-workloads', 'cdk.tf.json'), 'utf8'));
    expect(undefinedReferences(workloads)).toEqual([`google_compute_network.${vpc.friendlyUniqueId}`]);
  });
});

describe('the validations the app runs before it writes anything', () => {
  const stackWith = (build: (stack: TerraformStack) => void) => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'validations-')), skipValidation: true });
    dirs.push(app.outdir);
    const stack = new TerraformStack(app, 'probe');
    build(stack);
    return stack;
  };

  test('finds nothing wrong in every stack kind of every backend', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'validations-')), stackTraces: false, skipValidation: true });
    dirs.push(app.outdir);
    const plans = ENVIRONMENTS.map(([name, base, mutate]) => loadEnvironmentText(name, environmentText(mutate, base)).plan!);
    for (const plan of plans) buildEnvironment(app, plan);
    buildSharedBootstraps(app, plans);
    expect(app.node.children.filter(TerraformStack.isStack)).toHaveLength(15);
    expect(constructProblems(app)).toEqual([]);
  });

  test("reports cdktf's own checks with the construct's path: a stack lacking the provider of its resource", () => {
    const stack = stackWith((s) => new ComputeNetwork(s, 'vpc', { name: 'vpc' }));
    expect(constructProblems(stack)).toEqual([expect.stringMatching(/^\[probe\] Found resources without a matching provider construct\. .* providers: google$/)]);
  });

  test('reports a validation a construct adds, with its path', () => {
    const stack = stackWith((s) => {
      new GoogleProvider(s, 'google');
      s.node.addValidation({ validate: () => ['network "dataplane" has no subnet'] });
    });
    expect(constructProblems(stack)).toEqual(['[probe] network "dataplane" has no subnet']);
  });

  test("leaves out cdktf's checks of the local terraform binary, which run `terraform version` on the synthesizing machine", () => {
    const stack = stackWith((s) => s.node.addValidation(new ValidateTerraformVersion('>=99.0.0', 'never satisfied')));
    expect(new ValidateTerraformVersion('>=99.0.0').validate()).not.toEqual([]);
    expect(constructProblems(stack)).toEqual([]);
  });

  test('keeps the other checks of a stack that also has a terraform version check', () => {
    const stack = stackWith((s) => {
      s.node.addValidation(new ValidateTerraformVersion('>=99.0.0'));
      new ComputeNetwork(s, 'vpc', { name: 'vpc' });
    });
    expect(constructProblems(stack)).toEqual([expect.stringMatching(/^\[probe\] Found resources without a matching provider construct\. .* providers: google$/)]);
  });
});
