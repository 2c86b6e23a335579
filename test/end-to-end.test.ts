import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseTar } from 'nanotar';
import { environmentText, shippedEnvironment } from './support/environments';
import { K8sObject, findObject, helm, parseYamlDocuments, schemaErrors } from './support/helm';
import { deployOrder, listFiles, makeCheckout, readManifest, runApp, runCdktfSynth } from './support/synth';
import { PROJECT_ROOT } from './support/tools';

const ENVIRONMENTS = ['dev', 'prod'] as const;

/**
 * The real cdktf CLI, in a checkout that holds only the shipped environments (a file of the user's own in
 * environments/ must not change what these tests pin), run after a synthesis of one more environment, since removed:
 * the CLI must remove that environment's stack folders itself (the app leaves them to it). Everything else in this file
 * reads its output, the shipped environments'.
 */
const work = mkdtempSync(path.join(tmpdir(), 'synth-'));
const outdir = path.join(work, 'cdktf.out');
const shipped = makeCheckout('shipped-');
const removal = { before: false, error: undefined as unknown };
/** The first synthesis's output, kept before the CLI writes over it. */
const first = path.join(work, 'first');
beforeAll(() => {
  const extra = path.join(shipped, 'environments', 'staging.json');
  writeFileSync(extra, environmentText((env) => (env.cluster.name = 'multinet-staging')));
  // The first synthesis through the app, as cdktf.json runs it (what the CLI would also run, without its start-up),
  // with cdktf's token stack traces on: its stacks are compared with the CLI's below.
  const run = runApp(shipped, outdir, { CDKTF_CONTEXT_JSON: '{}', CDKTF_TOKEN_STACK_TRACES: '1' });
  if (run.status !== 0) throw new Error(run.stderr);
  removal.before = existsSync(path.join(outdir, 'stacks', 'staging-network', 'cdk.tf.json'));
  cpSync(outdir, first, { recursive: true });
  rmSync(extra);
  try {
    runCdktfSynth(shipped, outdir);
  } catch (error) {
    removal.error = error;
  }
}, 60_000);
afterAll(() => [work, shipped].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('cdktf synth of the shipped environments', () => {
  test('synthesizes exactly the three stacks of every environment', () => {
    expect(Object.keys(readManifest(outdir).stacks).sort()).toEqual(ENVIRONMENTS.flatMap((env) => [`${env}-cluster`, `${env}-network`, `${env}-workloads`]).sort());
  });

  test.each(ENVIRONMENTS)('makes %s-workloads depend on its cluster and network stacks', (env) => {
    expect(readManifest(outdir).stacks[`${env}-workloads`].dependencies.sort()).toEqual([`${env}-cluster`, `${env}-network`]);
    expect(readManifest(outdir).stacks[`${env}-cluster`].dependencies).toEqual([`${env}-network`]);
  });

  test.each(ENVIRONMENTS)("deploys '%s-*' in the order network, cluster, workloads", (env) => {
    const manifest = readManifest(outdir);
    const selected = Object.keys(manifest.stacks).filter((name) => name.startsWith(`${env}-`));
    expect(deployOrder(manifest, selected)).toEqual([`${env}-network`, `${env}-cluster`, `${env}-workloads`]);
  });

  test('writes no absolute path of this machine into any output file', () => {
    // The checkout, the output folder and the home directory: any of them in a file ties it to this machine.
    const needles = [PROJECT_ROOT, shipped, work, `${homedir()}/`].filter((p) => p.length > 2);
    for (const file of listFiles(outdir)) {
      const text = readFileSync(path.join(outdir, file), 'utf8');
      for (const needle of needles) expect({ file, leaks: text.includes(needle) }).toEqual({ file, leaks: false });
    }
  });

  test('writes no secret into any stack: no token, key or certificate literal', () => {
    for (const file of listFiles(outdir).filter((f) => f.endsWith('cdk.tf.json'))) {
      const text = readFileSync(path.join(outdir, file), 'utf8');
      expect({ file, secrets: text.match(/-----BEGIN|ya29\.|"token":\s*"(?!\$\{data\.google_client_config)|"(password|client_key|client_certificate)":/g) }).toEqual({ file, secrets: null });
    }
  });

  test('pins Terraform and the exact provider versions the bindings were generated for', () => {
    const expected = { google: '6.50.0', kubernetes: '2.38.0', helm: '3.1.1' } as Record<string, string>;
    for (const name of Object.keys(readManifest(outdir).stacks)) {
      const terraform = JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')).terraform;
      expect(terraform.required_version).toBe('>= 1.5.0');
      for (const [provider, spec] of Object.entries(terraform.required_providers as Record<string, { version: string }>)) {
        expect([name, provider, spec.version]).toEqual([name, provider, expected[provider]]);
      }
    }
  });

  test("writes no GKE version literal: the release channel decides, or plan time resolves the file's version", () => {
    for (const file of listFiles(outdir).filter((f) => f.endsWith('cdk.tf.json'))) {
      const text = readFileSync(path.join(outdir, file), 'utf8');
      // GKE versions are 1.x; the provider pins beside them (0.21.0, 6.50.0, 3.1.1, 2.38.0) are not cluster versions.
      expect({ file, versions: text.match(/"(min_master_version|node_version|version)":\s*"1\.\d+[^"]*"/g) }).toEqual({ file, versions: null });
    }
  });

  test('writes no timestamps into the stacks, only the maintenance times the files give', () => {
    for (const file of listFiles(outdir).filter((f) => f.endsWith('cdk.tf.json'))) {
      const text = readFileSync(path.join(outdir, file), 'utf8').replace(/"(start_time|end_time)": "[^"]*"/g, '');
      expect(text).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
    }
  });
});

describe('npm run synth: the app without the cdktf CLI', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const scripts = () => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

  test('runs exactly the app command cdktf.json gives the CLI, so `cdktf deploy` synthesizes the same stacks', () => {
    expect(scripts().synth).toBe(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8')).app);
  });

  /** `npm run synth` in a fresh checkout (another folder than the one `cdktf synth` ran in), once. */
  let npmSynth: { checkout: string; stdout: string; stderr: string; status: number | null } | undefined;
  const runNpmSynth = () => {
    if (npmSynth) return npmSynth;
    const checkout = makeCheckout('npm-synth-');
    dirs.push(checkout);
    // Over the output of an earlier synth that had an environment since removed.
    mkdirSync(path.join(checkout, 'cdktf.out', 'stacks', 'staging-network'), { recursive: true });
    writeFileSync(path.join(checkout, 'cdktf.out', 'stacks', 'staging-network', 'cdk.tf.json'), '{}');
    const { stdout, stderr, status } = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: checkout, encoding: 'utf8' });
    npmSynth = { checkout, stdout, stderr, status };
    return npmSynth;
  };

  test('writes cdktf.out byte for byte as `cdktf synth` does, from another checkout folder', () => {
    const { checkout, status, stderr } = runNpmSynth();
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const files = listFiles(outdir);
    expect(listFiles(path.join(checkout, 'cdktf.out'))).toEqual(files);
    for (const file of files) expect({ file, same: readFileSync(path.join(checkout, 'cdktf.out', file)).equals(readFileSync(path.join(outdir, file))) }).toEqual({ file, same: true });
  });

  test("writes the same bytes when cdktf records its tokens' stack traces", () => {
    // The first synthesis (beforeAll) recorded them; it also had a staging environment, whose stacks are not compared.
    const stacks = listFiles(outdir).filter((f) => f.startsWith(`stacks${path.sep}`));
    expect(stacks.length).toBeGreaterThan(6);
    expect(listFiles(first).filter((f) => f.startsWith(`stacks${path.sep}`) && !f.startsWith(path.join('stacks', 'staging-')))).toEqual(stacks);
    for (const file of stacks) expect({ file, same: readFileSync(path.join(first, file)).equals(readFileSync(path.join(outdir, file))) }).toEqual({ file, same: true });
  });

  test('removes the folders of stacks it no longer produces, as `cdktf synth` does', () => {
    const out = path.join(runNpmSynth().checkout, 'cdktf.out');
    expect(existsSync(path.join(out, 'stacks', 'staging-network'))).toBe(false);
    expect(existsSync(path.join(out, 'stacks', 'dev-network', 'cdk.tf.json'))).toBe(true);
  });

  test('prints every applied policy waiver, with its reason, on stdout', () => {
    expect(runNpmSynth().stdout).toMatch(/^Policy waivers \(1\):\nenvironment dev waives CKV_GCP_20 \(GKE clusters restrict the control plane to master authorized networks\) for dev-cluster: google_container_cluster\.\S+, because: Development cluster reached from engineers' laptops/);
  });

  test('refuses a policy violation with exit code 1, its own lines on stderr, and writes nothing', () => {
    const envs = mkdtempSync(path.join(tmpdir(), 'envs-'));
    dirs.push(envs);
    writeFileSync(path.join(envs, 'prod.json'), environmentText((env) => (env.flowLogs = { enabled: false }), 'prod'));
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'out-')), 'cdktf.out');
    dirs.push(path.dirname(out));
    const result = runApp(PROJECT_ROOT, out, { ENVIRONMENTS_DIR: envs });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('Policy violations (3 problems):');
    expect(lines.slice(1).every((l) => /^environment prod: prod-network: google_compute_subnetwork\.\S+: CKV_GCP_26: keeps no VPC flow logs \(log_config\) \(or waive CKV_GCP_26 in policy\.waivers, with a reason\)$/.test(l))).toBe(true);
    expect(existsSync(out)).toBe(false);
  });
});

/** Temporary folders of one describe, removed after it: `tempDir(prefix)` makes one, `tempDir.keep(dir)` adopts one. */
function tempDirs(): ((prefix: string) => string) & { keep: (dir: string) => string } {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const keep = (dir: string) => {
    dirs.push(dir);
    return dir;
  };
  return Object.assign((prefix: string) => keep(mkdtempSync(path.join(tmpdir(), prefix))), { keep });
}

describe('synthesis is portable and safe', () => {
  const tempDir = tempDirs();

  const BOOTSTRAPS = ['bootstrap-state-acme-multinet-state', 'bootstrap-tfc-acme-gke-multinet', 'bootstrap-tfcdev'];

  /**
   * A folder of its own (ENVIRONMENTS_DIR): a local-backend environment and a copy of dev on each remote backend
   * (with their own names), synthesized once by the app; the tests below read that one output.
   */
  let folder: { envs: string; out: string; stderr: string; path: string } | undefined;
  const synthesizedFolder = () => {
    if (folder) return folder;
    const envs = tempDir('envs-');
    writeFileSync(path.join(envs, 'staging.json'), environmentText((env) => {
      env.cluster.name = 'multinet-staging';
      // One network on each kind of addressing.
      env.additionalNetworks.push({ name: 'fast', nodeCidr: '10.0.2.0/24', podCidr: '172.16.2.0/24', maxPodsPerNode: 8, attachment: { name: 'fast', ipam: 'node-block' } });
    }));
    writeFileSync(path.join(envs, 'gcsdev.json'), environmentText((env) => {
      env.cluster.name = 'multinet-gcsdev';
      env.backend = { type: 'gcs', bucket: 'acme-multinet-state', prefix: 'gke' };
    }));
    writeFileSync(path.join(envs, 'tfcdev.json'), environmentText((env) => {
      env.cluster.name = 'multinet-tfcdev';
      env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet' };
    }));
    const out = path.join(tempDir('out-'), 'cdktf.out');
    // Node is all `npm run synth` needs (README, Prerequisites): a PATH with node and sh only, no terraform (cdktf
    // would run `terraform version` for a cloud backend).
    const nodeOnly = tempDir('path-');
    for (const tool of ['node', 'sh']) symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), path.join(nodeOnly, tool));
    const result = runApp(PROJECT_ROOT, out, { ENVIRONMENTS_DIR: envs, PATH: nodeOnly });
    if (result.status !== 0) throw new Error(result.stderr);
    folder = { envs, out, stderr: result.stderr, path: nodeOnly };
    return folder;
  };

  test('reads environments from ENVIRONMENTS_DIR, and only from there', () => {
    const { out, stderr } = synthesizedFolder();
    expect(stderr).toBe('');
    const stacks = ['staging', 'gcsdev', 'tfcdev'].flatMap((env) => ['network', 'cluster', 'workloads'].map((kind) => `${env}-${kind}`));
    expect(Object.keys(readManifest(out).stacks).sort()).toEqual([...stacks, ...BOOTSTRAPS].sort());
  });

  test('renders, for an environment with a Whereabouts and a node-block network, both attachments and the node-block init container', () => {
    const { out } = synthesizedFolder();
    const stackDir = path.join(out, 'stacks', 'staging-workloads');
    const release = Object.values(JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).resource.helm_release)[0] as K8sObject;
    const cidrs: Record<string, string> = { dataplane: '172.16.1.0/24', fast: '172.16.2.0/24' };
    const value = (v: string) => v.replace(/^\$\{data\.terraform_remote_state\.network\.outputs\.additional_networks\.([a-z0-9-]+)\.pod_cidr\}$/, (_, n: string) => cidrs[n]);
    const args = (release.set as K8sObject[]).flatMap((e) => [e.type === 'string' ? '--set-string' : '--set', `${e.name}=${value(e.value)}`]);
    const result = helm(['template', 'multus-whereabouts', path.join(stackDir, release.chart), '--namespace', 'kube-system', ...args]);
    expect(result.stderr).toBe('');
    const objects = parseYamlDocuments(result.stdout);
    expect(JSON.parse(findObject(objects, 'NetworkAttachmentDefinition', 'dataplane').spec.config).plugins[0].ipam.type).toBe('whereabouts');
    expect(findObject(objects, 'NetworkAttachmentDefinition', 'fast').spec).toEqual({});
    const init = findObject(objects, 'DaemonSet', 'gke-multinet').spec.template.spec.initContainers.find((c: K8sObject) => c.name === 'write-node-block-config');
    expect([init.name, init.env.find((e: K8sObject) => e.name === 'NETWORKS').value]).toEqual(['write-node-block-config', 'dataplane eth1 l2 172.16.1.0/24 whereabouts\nfast eth2 l2 172.16.2.0/24 node-block']);
  });

  test('synthesizes the environments on remote backends with their bootstrap stacks, where only Node is installed', () => {
    const { out, path: nodeOnly } = synthesizedFolder();
    expect(readdirSync(nodeOnly).sort()).toEqual(['node', 'sh']);
    const stacks = Object.keys(readManifest(out).stacks);
    expect(stacks.filter((s) => s.startsWith('bootstrap-')).sort()).toEqual(BOOTSTRAPS);
    expect(stacks.filter((s) => s.startsWith('gcsdev-')).sort()).toEqual(['gcsdev-cluster', 'gcsdev-network', 'gcsdev-workloads']);
  });

  test('keeps every file a remote run needs inside its stack folder, and points nowhere outside it', () => {
    const { out } = synthesizedFolder();
    for (const stack of ['gcsdev-network', 'gcsdev-cluster', 'gcsdev-workloads', 'tfcdev-network', 'tfcdev-cluster', 'tfcdev-workloads']) {
      const dir = path.join(out, 'stacks', stack);
      for (const file of listFiles(dir)) {
        const text = readFileSync(path.join(dir, file), 'utf8');
        expect({ stack, file, outside: /\.\.\/|"\/(home|root|tmp|work|Users)\//.test(text) }).toEqual({ stack, file, outside: false });
      }
    }
    const workloads = JSON.parse(readFileSync(path.join(out, 'stacks', 'tfcdev-workloads', 'cdk.tf.json'), 'utf8'));
    const chart = (Object.values(workloads.resource.helm_release)[0] as { chart: string }).chart;
    expect(statSync(path.join(out, 'stacks', 'tfcdev-workloads', chart)).isFile()).toBe(true);
  });

  // The shipped environments are compared across folders by `npm run synth` (a checkout) against `cdktf synth` (here).
  test('gives byte-identical stacks for every backend in another checkout folder', () => {
    const { envs, out } = synthesizedFolder();
    const other = tempDir.keep(makeCheckout('checkout-'));
    expect(runApp(other, path.join(other, 'cdktf.out'), { ENVIRONMENTS_DIR: envs }).status).toBe(0);
    const files = listFiles(out);
    expect(files.some((f) => f.startsWith('stacks/bootstrap-tfcdev/'))).toBe(true);
    expect(listFiles(path.join(other, 'cdktf.out'))).toEqual(files);
    for (const file of files) expect({ file, same: readFileSync(path.join(other, 'cdktf.out', file)).equals(readFileSync(path.join(out, file))) }).toEqual({ file, same: true });
  });

  test('synthesizes the environments it is told to (ENVIRONMENTS, as the cdktf CLI passes it) while another file is broken, and says which it skipped', () => {
    const envs = tempDir('envs-');
    writeFileSync(path.join(envs, 'prod.json'), environmentText(() => {}, 'prod'));
    writeFileSync(path.join(envs, 'dev.json'), '{ "project": ');
    const out = path.join(tempDir('out-'), 'cdktf.out');
    const result = runApp(PROJECT_ROOT, out, { ENVIRONMENTS_DIR: envs, ENVIRONMENTS: 'prod' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const dev = path.relative(PROJECT_ROOT, path.join(envs, 'dev.json'));
    expect(result.stdout).toContain(`Synthesizing prod only; skipped, not named:\n  ${dev} (1 problem: npm run synth -- dev shows them)\n`);
    expect(Object.keys(readManifest(out).stacks).sort()).toEqual(['prod-cluster', 'prod-network', 'prod-workloads']);
  });

  test('prints its usage with --help, and writes nothing', () => {
    const app = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8')).app as string;
    const out = path.join(tempDir('out-'), 'cdktf.out');
    const result = spawnSync('sh', ['-c', `${app} --help`], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: out } });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run synth \[-- <env> \.\.\.\]\n/);
    expect(existsSync(out)).toBe(false);
  });

  test('rejects an invalid environment with exit code 1, every problem on stderr, and writes nothing', () => {
    const envs = tempDir('envs-');
    writeFileSync(path.join(envs, 'good.json'), environmentText());
    writeFileSync(path.join(envs, 'bad.json'), environmentText((env) => Object.assign(env.cluster, { version: '1.27', podCidr: '10.20.0.5/16' })));
    const out = path.join(tempDir('out-'), 'cdktf.out');
    const result = runApp(PROJECT_ROOT, out, { ENVIRONMENTS_DIR: envs });
    expect(result.status).toBe(1);
    const bad = path.relative(PROJECT_ROOT, path.join(envs, 'bad.json'));
    expect(result.stderr).toContain(`${bad}: cluster.podCidr: "10.20.0.5/16" has host bits set (did you mean 10.20.0.0/16?)`);
    expect(result.stderr).toContain(`${bad}: cluster.version: "1.27" is older than 1.29`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a folder that changes between two runs of the cdktf CLI', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('synthesizes through the CLI before and after an environment is removed, and drops its stacks', () => {
    expect(removal.before).toBe(true);
    // The CLI removes the orphaned folders itself; were the app to remove them first, the second run would throw ENOENT.
    expect(removal.error).toBeUndefined();
    expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(ENVIRONMENTS.flatMap((env) => [`${env}-cluster`, `${env}-network`, `${env}-workloads`]).sort());
  });

  test("never copies a user's own environment file into the checkouts the tests synthesize", () => {
    const root = mkdtempSync(path.join(tmpdir(), 'project-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'environments'));
    for (const file of ['dev.json', 'prod.json', 'schema.json', 'mine.json']) writeFileSync(path.join(root, 'environments', file), '{}');
    const checkout = makeCheckout('own-', root);
    dirs.push(checkout);
    expect(readdirSync(path.join(checkout, 'environments')).sort()).toEqual(['dev.json', 'prod.json', 'schema.json']);
  });
});

/**
 * The workloads stack as Terraform will run it: the chart copy shipped in the stack folder, rendered by the
 * real helm with exactly the values the helm provider would pass, the network stack's outputs replaced by
 * the CIDRs of the environment file.
 */
describe.each(ENVIRONMENTS)('%s-workloads end to end', (env) => {
  const stackDir = path.join(outdir, 'stacks', `${env}-workloads`);
  const stack = () => JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as K8sObject;
  const release = () => Object.values(stack().resource.helm_release)[0] as K8sObject;
  const environment = shippedEnvironment(env);

  /** helm CLI arguments equivalent to the release's set / set_list (the provider uses the same parser). */
  const helmArgs = (): string[] => {
    const fromNetwork = /^\$\{data\.terraform_remote_state\.network\.outputs\.additional_networks\.([a-z0-9-]+)\.pod_cidr\}$/;
    const resolve = (value: string) => {
      const ref = fromNetwork.exec(value);
      if (ref) return environment.additionalNetworks.find((n: K8sObject) => n.name === ref[1]).podCidr as string;
      if (value.includes('${')) throw new Error(`unexpected reference in helm values: ${value}`);
      return value;
    };
    return [
      ...(release().set ?? []).flatMap((s: K8sObject) => [s.type === 'string' ? '--set-string' : '--set', `${s.name}=${resolve(s.value)}`]),
      ...(release().set_list ?? []).flatMap((s: K8sObject) => ['--set', `${s.name}={${s.value.join(',')}}`]),
    ];
  };
  /** What `helm template` renders, rendered once for the tests below (each gets its own copy). */
  let rendered: K8sObject[] | undefined;
  const render = (): K8sObject[] => {
    if (!rendered) {
      const result = helm(['template', 'multus-whereabouts', path.join(stackDir, release().chart), '--namespace', 'kube-system', '--include-crds', ...helmArgs()]);
      if (!result.ok) throw new Error(result.stderr);
      rendered = parseYamlDocuments(result.stdout);
    }
    return structuredClone(rendered);
  };

  test('ships the chart inside the stack folder and points the release at it relatively', () => {
    const chart = release().chart as string;
    expect(path.isAbsolute(chart)).toBe(false);
    const resolved = path.resolve(stackDir, chart);
    expect(resolved.startsWith(stackDir + path.sep)).toBe(true);
    // One archive holding exactly the chart's files, byte for byte.
    const entries = parseTar(gunzipSync(readFileSync(resolved)));
    const source = path.join(PROJECT_ROOT, 'charts', 'multus-whereabouts');
    expect(entries.map((e) => e.name)).toEqual(listFiles(source).map((f) => `multus-whereabouts/${f.split(path.sep).join('/')}`));
    for (const entry of entries) expect({ file: entry.name, same: Buffer.from(entry.data!).equals(readFileSync(path.join(source, entry.name.slice('multus-whereabouts/'.length)))) }).toEqual({ file: entry.name, same: true });
  });

  test('connects the providers through the cluster outputs and gke-gcloud-auth-plugin, with no token in the files or the state', () => {
    const providers = stack().provider;
    for (const connection of [providers.kubernetes[0], providers.helm[0].kubernetes]) {
      expect(connection.host).toContain('data.terraform_remote_state.cluster.outputs.cluster_endpoint');
      expect(connection.cluster_ca_certificate).toContain('data.terraform_remote_state.cluster.outputs.cluster_ca_certificate');
      expect(connection).not.toHaveProperty('token');
      expect(JSON.stringify(connection.exec)).toContain('"command":"gke-gcloud-auth-plugin"');
    }
  });

  test("passes each network's range as the network stack output", () => {
    const ranges = release().set.filter((s: K8sObject) => s.name.endsWith('.range'));
    expect(ranges.map((s: K8sObject) => s.value)).toEqual(
      environment.additionalNetworks.map((n: K8sObject) => `\${data.terraform_remote_state.network.outputs.additional_networks.${n.name}.pod_cidr}`),
    );
  });

  test('passes helm lint --strict on the shipped copy with those values', () => {
    const result = helm(['lint', '--strict', path.join(stackDir, release().chart), ...helmArgs()]);
    expect(result.stdout).toContain('0 chart(s) failed');
  });

  test('renders one NetworkAttachmentDefinition per network with its NIC, mode and range', () => {
    const nads = render().filter((o) => o.kind === 'NetworkAttachmentDefinition');
    expect(
      nads.map((nad) => ({ ref: `${nad.metadata.namespace}/${nad.metadata.name}`, config: JSON.parse(nad.spec.config) })),
    ).toEqual(
      environment.additionalNetworks.map((n: K8sObject, i: number) => ({
        ref: `${n.attachment.namespace ?? 'default'}/${n.attachment.name}`,
        config: {
          cniVersion: '0.3.1',
          plugins: [
            {
              type: 'ipvlan',
              master: `eth${i + 1}`,
              mode: n.attachment.mode ?? 'l2',
              ipam: { type: 'whereabouts', range: n.podCidr, ...(n.attachment.exclude ? { exclude: n.attachment.exclude } : {}) },
            },
          ],
        },
      })),
    );
  });

  test('renders objects that all validate (Kubernetes OpenAPI, NAD CRD schema)', () => {
    expect(schemaErrors(render())).toEqual([]);
  });

  test("renders the attachment and cross-node helm tests of every network, each pod attached through the network's own attachment", () => {
    const tests = render().filter((o) => o.kind === 'Job' && o.metadata.annotations?.['helm.sh/hook'] === 'test');
    const ref = (n: K8sObject) => `${n.attachment.namespace ?? 'default'}/${n.attachment.name}`;
    expect(tests.map((j) => [j.kind, j.metadata.name, j.spec.template.metadata.annotations['k8s.v1.cni.cncf.io/networks']])).toEqual([
      ...environment.additionalNetworks.map((n: K8sObject) => ['Job', `${n.attachment.name}-attachment-test`, ref(n)]),
      ...environment.additionalNetworks.map((n: K8sObject) => ['Job', `${n.attachment.name}-cross-node-test`, ref(n)]),
    ]);
  });

  test('requires the cross-node test pods on two nodes: the environment has two nodes or more', () => {
    const crossNode = render().filter((o) => o.kind === 'Job' && o.metadata.name.endsWith('-cross-node-test'));
    for (const job of crossNode) {
      expect(job.spec.template.spec.affinity.podAntiAffinity).toHaveProperty('requiredDuringSchedulingIgnoredDuringExecution');
      expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'REQUIRE_CROSS_NODE', value: 'true' });
    }
  });

  test('creates the sample pods only where the environment asks for them, as Terraform resources after the release', () => {
    const pods = Object.values(stack().resource.kubernetes_pod_v1 ?? {}) as K8sObject[];
    expect(pods.length).toBe(environment.examples?.samplePod ? environment.additionalNetworks.length : 0);
    expect(render().filter((o) => o.kind === 'Pod')).toEqual([]);
  });

  test('keeps the DaemonSet of the guide', () => {
    expect(findObject(render(), 'DaemonSet', 'gke-multinet').metadata.namespace).toBe('kube-system');
  });
});

describe('hostile environment files, through the app', () => {
  const tempDir = tempDirs();
  /** The app over a folder holding `files` (name -> text), writing to a fresh output folder. */
  const synth = (files: Record<string, string>, args: string[] = [], out = path.join(tempDir('out-'), 'cdktf.out')) => {
    const envs = tempDir('envs-');
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(envs, name), text);
    // The bundle `npm run synth` runs, built once per test process (runApp), then run with the arguments.
    const result = args.length === 0 ? runApp(PROJECT_ROOT, out, { ENVIRONMENTS_DIR: envs }) : runApp(PROJECT_ROOT, out, { ENVIRONMENTS: args.join(','), ENVIRONMENTS_DIR: envs });
    return { ...result, out };
  };

  test('refuses with exit code 1 and one line per problem, naming the file and the field', () => {
    const result = synth({ 'dev.json': environmentText((env) => (env.cluster.authorizedNetworks = [{ cidr: '203.0.113.0/24', displayName: '${file("/etc/hostname")}' }])) });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Invalid environment configuration \(1 problem\):\n\S+dev\.json: cluster\.authorizedNetworks\[0\]\.displayName: "\$\{file\(\\"\/etc\/hostname\\"\)\}" holds "\$\{"/);
    expect(existsSync(result.out)).toBe(false);
  });

  test('gets every problem line to the end of a pipe, however much it prints', () => {
    const env = shippedEnvironment('dev');
    for (let i = 0; i < 1000; i += 1) env.cluster[`unknownKey${i}`] = 'x'.repeat(50);
    const result = synth({ 'dev.json': JSON.stringify(env) });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    // About 300 kB: many times what a pipe holds before the reader takes it.
    expect(result.stderr.length).toBeGreaterThan(200_000);
    expect(lines[0]).toBe('Invalid environment configuration (1000 problems):');
    expect(lines).toHaveLength(1001);
    expect(lines[1000]).toMatch(/dev\.json: cluster\.unknownKey999: unknown key/);
  });

  test('prints a waiver reason that holds a line break and a CI workflow command on one line, escaped', () => {
    const reason = 'Development cluster reached from laptops whose addresses change\n::error file=main.ts,line=1::forged\u001b[1A';
    const result = synth({ 'dev.json': environmentText((env) => (env.policy.waivers[0].reason = reason)) });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
    expect(result.stdout).toContain('addresses change\\n::error file=main.ts,line=1::forged\\u001b[1A');
    expect(result.stdout).not.toContain('\u001b');
  });
});
