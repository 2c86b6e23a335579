import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * `npm run release -- X.Y.Z`: one release of the repository: the HCL modules, the chart and the npm package under one
 * version, tag `vX.Y.Z`. On a clean work tree it:
 *
 * 1. moves the CHANGELOG's `## [Unreleased]` entries under `## [X.Y.Z] - <today, UTC>` (an empty Unreleased is refused:
 *    a release says what changed);
 * 2. sets the version in package.json, package-lock.json, the chart's Chart.yaml and the modules' MODULE_VERSION;
 * 3. regenerates the modules (`npm run build:modules`), whose READMEs then pin `?ref=vX.Y.Z`;
 * 4. records the release in modules/terraform/releases.json: the SHA-256 of its CHANGELOG section and of the chart's
 *    files, which tests compare with the tree (a released section never changes; the chart never changes under a
 *    released version);
 * 5. commits "Release vX.Y.Z" and tags it `vX.Y.Z` (annotated). Pushing is left to you: `git push origin main vX.Y.Z`.
 */

export const CHANGELOG = 'modules/terraform/CHANGELOG.md';
export const LEDGER = 'modules/terraform/releases.json';
export const CHART = 'charts/multus-whereabouts';
export const VERSION_FILE = 'modules/hcl/common.ts';

export interface Release {
  readonly version: string;
  readonly date: string;
  /** SHA-256 of the section's text, from its `## [X.Y.Z]` line to the next section (see `sectionOf`). */
  readonly changelogSha256: string;
  /** SHA-256 of the chart folder's files as `chartChecksum` computes it; null for a release before the ledger. */
  readonly chartSha256: string | null;
  /** The tagged commit, for releases tagged after the fact; absent when the release commit is the tag's. */
  readonly commit?: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** `a` before `b` in semantic-version order (X.Y.Z only). */
export function versionBefore(a: string, b: string): boolean {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/** A version's section of the changelog: its `## [v]` heading up to the next `## ` heading, without trailing blank lines. */
export function sectionOf(changelog: string, version: string): string | undefined {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => l === `## [${version}]` || l.startsWith(`## [${version}] - `));
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  return lines.slice(start, end).join('\n').replace(/\s+$/, '');
}

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Every file under `dir`, relative, `/`-separated, sorted as Terraform's sort() sorts (byte order). */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix))
    .flatMap((name) => {
      const rel = prefix ? `${prefix}/${name}` : name;
      return statSync(path.join(dir, rel)).isDirectory() ? filesUnder(dir, rel) : [rel];
    })
    .sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

/**
 * The chart's checksum, as the multus-whereabouts module computes it at plan (its `chart_checksum` local:
 * `sha256(join("\n", [for f in sort(fileset(chart, "**")) : "${f} ${filesha256("${chart}/${f}")}"]))`), so the
 * ledger and the module agree.
 */
export function chartChecksum(chartDir: string): string {
  return sha256(filesUnder(chartDir).map((f) => `${f} ${sha256(readFileSync(path.join(chartDir, f)))}`).join('\n'));
}

export function readLedger(root: string): Release[] {
  const file = path.join(root, LEDGER);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { releases: Release[] }).releases : [];
}

function git(root: string, args: readonly string[]): string {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout.trim();
}

export interface ReleaseOptions {
  readonly root: string;
  readonly version: string;
  /** YYYY-MM-DD; today in UTC when absent. */
  readonly date?: string;
  /** Regenerates what the version appears in (the modules); `npm run build:modules` in the repository. */
  readonly regenerate: (root: string) => void;
}

/** Makes the release; returns the tag. Throws, changing nothing, when the tree or the version does not allow it. */
export function release(options: ReleaseOptions): string {
  const { root, version } = options;
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const problems: string[] = [];
  if (!SEMVER.test(version)) problems.push(`the version "${version}" is not X.Y.Z (Semantic Versioning, no prefix or suffix)`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push(`the date "${date}" is not YYYY-MM-DD`);
  const ledger = readLedger(root);
  const last = ledger.map((r) => r.version).reduce<string | undefined>((a, b) => (!a || versionBefore(a, b) ? b : a), undefined);
  if (SEMVER.test(version) && last && !versionBefore(last, version)) problems.push(`${version} is not after the last release, ${last}`);
  if (git(root, ['status', '--porcelain'])) problems.push('the work tree has uncommitted changes: commit or stash them first');
  if (git(root, ['tag', '--list', `v${version}`])) problems.push(`the tag v${version} exists already`);
  const changelogFile = path.join(root, CHANGELOG);
  const changelog = readFileSync(changelogFile, 'utf8');
  const unreleased = sectionOf(changelog, 'Unreleased');
  const entries = unreleased?.split('\n').slice(1).join('\n').trim() ?? '';
  if (!unreleased) problems.push(`${CHANGELOG} has no "## [Unreleased]" section`);
  else if (!entries) problems.push(`${CHANGELOG}'s Unreleased section is empty: say what this release changes`);
  if (problems.length > 0) throw new Error(`cannot release ${version}:\n${problems.map((p) => `- ${p}`).join('\n')}`);

  try {
    return write(options, date, ledger, changelogFile, changelog, unreleased!, entries);
  } catch (error) {
    // The tree was clean: put it back as it was, so a failed release leaves nothing half-done.
    spawnSync('git', ['checkout', '--', '.'], { cwd: root });
    spawnSync('git', ['clean', '-fdq'], { cwd: root });
    throw error;
  }
}

function write(options: ReleaseOptions, date: string, ledger: Release[], changelogFile: string, changelog: string, unreleased: string, entries: string): string {
  const { root, version } = options;
  const released = `## [Unreleased]\n\n## [${version}] - ${date}\n\n${entries}`;
  writeFileSync(changelogFile, changelog.replace(unreleased, released));
  const setVersion = (file: string, pattern: RegExp, replacement: string) => {
    const full = path.join(root, file);
    const text = readFileSync(full, 'utf8');
    if (!pattern.test(text)) throw new Error(`${file}: no version to set (${pattern})`);
    writeFileSync(full, text.replace(pattern, replacement));
  };
  setVersion('package.json', /^(  "version": )"[^"]+"/m, `$1"${version}"`);
  // The lockfile names the root package's version twice: at its top and as packages[""].
  const lockFile = path.join(root, 'package-lock.json');
  if (existsSync(lockFile)) {
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { version?: string; packages?: Record<string, { version?: string }> };
    lock.version = version;
    if (lock.packages?.['']) lock.packages[''].version = version;
    writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  }
  setVersion(path.join(CHART, 'Chart.yaml'), /^version: .*$/m, `version: ${version}`);
  setVersion(VERSION_FILE, /^(export const MODULE_VERSION = )'[^']+';$/m, `$1'${version}';`);
  options.regenerate(root);

  const entry: Release = {
    version,
    date,
    changelogSha256: sha256(sectionOf(readFileSync(changelogFile, 'utf8'), version)!),
    chartSha256: chartChecksum(path.join(root, CHART)),
  };
  writeFileSync(path.join(root, LEDGER), `${JSON.stringify({ releases: [...ledger, entry] }, null, 2)}\n`);
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', `Release v${version}`]);
  git(root, ['tag', '-a', `v${version}`, '-m', `Release v${version}: see ${CHANGELOG}`]);
  return `v${version}`;
}
