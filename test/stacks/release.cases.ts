import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CHANGELOG, CHART, LEDGER, VERSION_FILE, chartChecksum, readLedger, release, sectionOf, sha256 } from '../../stacks/release';
import { PROJECT_ROOT } from '../support/tools';
import { terraformIn } from '../support/terraform';
import { matching } from '../../modules/hcl/render';

const changelog = readFileSync(path.join(PROJECT_ROOT, CHANGELOG), 'utf8');
const ledger = readLedger(PROJECT_ROOT);
const chartVersion = /^version: (.+)$/m.exec(readFileSync(path.join(PROJECT_ROOT, CHART, 'Chart.yaml'), 'utf8'))![1];

describe('releases mean fixed code', () => {
  test('keeps each released section of the changelog as it was released (the ledger records its SHA-256)', () => {
    const changed = ledger.filter((r) => sha256(sectionOf(changelog, r.version) ?? '') !== r.changelogSha256).map((r) => r.version);
    expect(changed).toEqual([]);
  });

  test('lists the same released versions, with the same dates, in the changelog and the ledger', () => {
    const headings = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(headings).toEqual(ledger.map((r) => `${r.version} ${r.date}`).sort());
  });

  test('rejects chart files changed under a released chart version: a change needs a new version', () => {
    const released = ledger.find((r) => r.version === chartVersion);
    // An unreleased chart version may change freely until its release records it.
    if (released?.chartSha256) expect({ version: chartVersion, checksum: chartChecksum(path.join(PROJECT_ROOT, CHART)) }).toEqual({ version: chartVersion, checksum: released.chartSha256 });
    else expect(released).toBeUndefined();
  });

  test('computes, in the multus-whereabouts module, the same chart checksum as the ledger (terraform evaluates it)', () => {
    // The module's chart_checksum local, evaluated by terraform over the repository's chart from a folder laid out as
    // the module's (modules/terraform/<module>/ beside charts/ three levels up).
    const main = readFileSync(path.join(PROJECT_ROOT, 'modules', 'terraform', 'multus-whereabouts', 'main.tf'), 'utf8');
    const start = main.indexOf('chart_checksum = ') + 'chart_checksum = '.length;
    const checksum = `\${${main.slice(start, matching(main, main.indexOf('(', start)) + 1)}}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'checksum-'));
    try {
      const moduleDir = path.join(dir, 'modules', 'terraform', 'multus-whereabouts');
      mkdirSync(moduleDir, { recursive: true });
      mkdirSync(path.join(dir, 'charts'));
      symlinkSync(path.join(PROJECT_ROOT, CHART), path.join(dir, CHART));
      writeFileSync(path.join(moduleDir, 'main.tf.json'), JSON.stringify({ locals: { chart_checksum: checksum }, output: { checksum: { value: '${local.chart_checksum}' } } }));
      const applied = terraformIn(moduleDir, ['apply', '-auto-approve', '-input=false', '-no-color']);
      expect(applied.stderr).toBe('');
      expect(terraformIn(moduleDir, ['output', '-raw', 'checksum']).stdout).toBe(chartChecksum(path.join(PROJECT_ROOT, CHART)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A scratch repository holding what a release touches, committed: the changelog, the versions, the chart, a ledger. */
function scratchRepository(unreleased: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'release-'));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  write(CHANGELOG, `# Changelog\n\nIntro.\n\n## [Unreleased]\n\n${unreleased}## [0.5.0] - 2026-12-01\n\n### Added\n- Everything.\n`);
  write('package.json', '{\n  "name": "gke-multinet",\n  "version": "0.5.0",\n  "private": true\n}\n');
  write('package-lock.json', `${JSON.stringify({ name: 'gke-multinet', version: '0.5.0', lockfileVersion: 3, packages: { '': { name: 'gke-multinet', version: '0.5.0' } } }, null, 2)}\n`);
  cpSync(path.join(PROJECT_ROOT, CHART), path.join(dir, CHART), { recursive: true });
  write(VERSION_FILE, "export const MODULE_VERSION = '0.5.0';\n");
  write(LEDGER, `${JSON.stringify({ releases: [{ version: '0.5.0', date: '2026-12-01', changelogSha256: 'x', chartSha256: null }] }, null, 2)}\n`);
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'start');
  return dir;
}
const inRepo = (dir: string, ...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' }).stdout.trim();
const noRegeneration = () => undefined;

describe('npm run release (stacks/release.ts), in a scratch repository', () => {
  const gitIdentity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(gitIdentity)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  });

  test('moves the Unreleased entries under the version and date, sets every version, records the ledger, commits and tags', () => {
    const dir = scratchRepository('### Fixed\n- A thing.\n\n');
    try {
      const regenerated: string[] = [];
      expect(release({ root: dir, version: '0.6.0', date: '2026-12-08', regenerate: (root) => void regenerated.push(readFileSync(path.join(root, VERSION_FILE), 'utf8')) })).toBe('v0.6.0');
      const text = readFileSync(path.join(dir, CHANGELOG), 'utf8');
      expect(text).toContain('## [Unreleased]\n\n## [0.6.0] - 2026-12-08\n\n### Fixed\n- A thing.\n\n## [0.5.0] - 2026-12-01');
      expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version).toBe('0.6.0');
      const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
      expect([lock.version, lock.packages[''].version]).toEqual(['0.6.0', '0.6.0']);
      expect(readFileSync(path.join(dir, CHART, 'Chart.yaml'), 'utf8')).toMatch(/^version: 0\.6\.0$/m);
      // The modules are regenerated with the new version in place.
      expect(regenerated).toEqual(["export const MODULE_VERSION = '0.6.0';\n"]);
      const entry = readLedger(dir).at(-1)!;
      expect(entry).toEqual({ version: '0.6.0', date: '2026-12-08', changelogSha256: sha256(sectionOf(text, '0.6.0')!), chartSha256: chartChecksum(path.join(dir, CHART)) });
      expect(inRepo(dir, 'log', '-1', '--format=%s')).toBe('Release v0.6.0');
      expect(inRepo(dir, 'rev-parse', 'v0.6.0^{commit}')).toBe(inRepo(dir, 'rev-parse', 'HEAD'));
      expect(inRepo(dir, 'status', '--porcelain')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects, changing nothing, a bad version, one not after the last release, an empty Unreleased and a dirty tree, all at once', () => {
    const dir = scratchRepository('');
    try {
      writeFileSync(path.join(dir, 'stray.txt'), 'x');
      expect(() => release({ root: dir, version: '0.5.0', regenerate: noRegeneration })).toThrow(
        [
          'cannot release 0.5.0:',
          '- 0.5.0 is not after the last release, 0.5.0',
          '- the work tree has uncommitted changes: commit or stash them first',
          "- modules/terraform/CHANGELOG.md's Unreleased section is empty: say what this release changes",
        ].join('\n'),
      );
      expect(() => release({ root: dir, version: 'v0.6', regenerate: noRegeneration })).toThrow('- the version "v0.6" is not X.Y.Z (Semantic Versioning, no prefix or suffix)');
      expect(inRepo(dir, 'status', '--porcelain')).toBe('?? stray.txt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects a version whose tag exists already', () => {
    const dir = scratchRepository('### Fixed\n- A thing.\n\n');
    try {
      inRepo(dir, 'tag', 'v0.6.0');
      expect(() => release({ root: dir, version: '0.6.0', regenerate: noRegeneration })).toThrow('- the tag v0.6.0 exists already');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('leaves the tree as it was, and makes no tag, when a step fails half-way', () => {
    const dir = scratchRepository('### Fixed\n- A thing.\n\n');
    try {
      const before = inRepo(dir, 'rev-parse', 'HEAD');
      expect(() => release({ root: dir, version: '0.6.0', regenerate: () => { throw new Error('build:modules failed'); } })).toThrow('build:modules failed');
      expect([inRepo(dir, 'status', '--porcelain'), inRepo(dir, 'rev-parse', 'HEAD'), inRepo(dir, 'tag', '--list')]).toEqual(['', before, '']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
