import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { environmentText } from './support/environments';
import { deployOrder, listFiles, makeCheckout, readManifest, runApp, runCdktfSynth } from './support/synth';
import { PROJECT_ROOT } from './support/tools';

/** The real cdktf CLI, once, for the shipped environments; everything else in this file reads its output. */
describe('cdktf synth of the shipped environments', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'synth-'));
  const outdir = path.join(work, 'cdktf.out');
  beforeAll(() => runCdktfSynth(PROJECT_ROOT, outdir), 60_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('synthesizes the network and cluster stacks of every environment', () => {
    expect(Object.keys(readManifest(outdir).stacks)).toEqual(expect.arrayContaining(['dev-network', 'dev-cluster', 'prod-network', 'prod-cluster']));
  });

  test('orders each environment network before cluster', () => {
    const manifest = readManifest(outdir);
    expect(manifest.stacks['dev-cluster'].dependencies).toContain('dev-network');
    const order = deployOrder(manifest, Object.keys(manifest.stacks).filter((name) => name.startsWith('dev-')));
    expect(order.indexOf('dev-network')).toBeLessThan(order.indexOf('dev-cluster'));
  });

  test('writes no absolute path of this machine into any output file', () => {
    const needles = [PROJECT_ROOT, work, homedir(), tmpdir()].filter((p) => p.length > 1);
    for (const file of listFiles(outdir)) {
      const text = readFileSync(path.join(outdir, file), 'utf8');
      for (const needle of needles) expect({ file, leaks: text.includes(needle) }).toEqual({ file, leaks: false });
    }
  });

  test('writes no timestamps into the stacks', () => {
    for (const file of listFiles(outdir).filter((f) => f.endsWith('cdk.tf.json'))) {
      expect(readFileSync(path.join(outdir, file), 'utf8')).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
    }
  });
});

describe('synthesis is portable and safe', () => {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('gives byte-identical stacks in two different checkout folders', () => {
    const [a, b] = [makeCheckout('checkout-a-'), makeCheckout('checkout-b-')];
    dirs.push(a, b);
    for (const dir of [a, b]) expect(runApp(dir, path.join(dir, 'cdktf.out')).status).toBe(0);
    const files = listFiles(path.join(a, 'cdktf.out'));
    expect(listFiles(path.join(b, 'cdktf.out'))).toEqual(files);
    for (const file of files) {
      expect(readFileSync(path.join(b, 'cdktf.out', file)).equals(readFileSync(path.join(a, 'cdktf.out', file)))).toBe(true);
    }
  });

  test('reads environments from ENVIRONMENTS_DIR', () => {
    const envs = tempDir('envs-');
    writeFileSync(path.join(envs, 'staging.json'), environmentText());
    const out = path.join(tempDir('out-'), 'cdktf.out');
    const result = runApp(PROJECT_ROOT, out, { ENVIRONMENTS_DIR: envs });
    expect(result.stderr).toBe('');
    expect(Object.keys(readManifest(out).stacks)).toEqual(expect.arrayContaining(['staging-network', 'staging-cluster']));
    expect(Object.keys(readManifest(out).stacks).some((name) => name.startsWith('dev-'))).toBe(false);
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
    expect(result.stderr).toContain(`${bad}: cluster.version: "1.27" is older than 1.28`);
    expect(existsSync(out)).toBe(false);
  });
});
