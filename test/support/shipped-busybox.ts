/**
 * `npm run test:shipped-busybox`: runs the data-plane tests (test/data-plane: the chart's scripts, as their pods run
 * them) again on BusyBox built as the chart's image `busybox:1.37.0-musl` is built, so the scripts are tested with the image's own applets and options, not only
 * with Debian's (test/support/tools.ts says where the two differ: the nc variant). CI runs it after `npm test`.
 *
 * The build follows docker-library/busybox `latest-1/musl/Dockerfile.builder` (busybox 1.37.0): the same source
 * (BUSYBOX_SHA256 there is the SHA-256 of Debian's busybox_1.37.0.orig.tar.bz2, fetched from the Debian archive
 * here), `make defconfig`, then its setConfs and unsetConfs, then `make oldconfig` and `make busybox`. Left out: its
 * three patches (networking/tc.c and libbb/hash_md5_sha.c only, applets the scripts never run) and musl (this machine
 * builds against glibc, statically, as CONFIG_STATIC asks). Built once (about a minute on two cores) into the tools
 * folder, reused after.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, TESTED_BUSYBOX_VERSION, downloadPinned, toolsDirFor } from './tools';

export const SHIPPED_SOURCE = {
  url: `http://deb.debian.org/debian/pool/main/b/busybox/busybox_${TESTED_BUSYBOX_VERSION}.orig.tar.bz2`,
  // docker-library/busybox latest-1/musl/Dockerfile.builder: ENV BUSYBOX_SHA256 (busybox.net's busybox-1.37.0.tar.bz2).
  sha256: '3311dff32e746499f4df0d5df04d7eb396382d7e108bb9250e7b519b837043a4',
} as const;
/** docker-library/busybox Dockerfile.builder, after `make defconfig`. */
export const SET_CONFS = ['CONFIG_AR=y', 'CONFIG_FEATURE_AR_CREATE=y', 'CONFIG_FEATURE_AR_LONG_FILENAMES=y', 'CONFIG_LAST_SUPPORTED_WCHAR=0', 'CONFIG_STATIC=y', 'CONFIG_INOTIFYD=y'];
export const UNSET_CONFS = ['CONFIG_FEATURE_SYNC_FANCY', 'CONFIG_FEATURE_HAVE_RPC', 'CONFIG_FEATURE_INETD_RPC', 'CONFIG_FEATURE_UTMP', 'CONFIG_FEATURE_WTMP'];

/** Applies the builder's setConfs and unsetConfs to a defconfig `.config`, as its sed lines do. */
export function shippedConfig(defconfig: string): string {
  let config = defconfig;
  for (const name of UNSET_CONFS) config = config.replace(new RegExp(`^${name}=.*$`, 'm'), `# ${name} is not set`);
  for (const setting of SET_CONFS) {
    const name = setting.slice(0, setting.indexOf('='));
    const line = new RegExp(`^(?:${name}=.*|# ${name} is not set)$`, 'm');
    config = line.test(config) ? config.replace(line, setting) : `${config.replace(/\n?$/, '\n')}${setting}\n`;
  }
  return config;
}

function sh(script: string, cwd: string): void {
  const result = spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} failed in ${cwd}:\n${(result.stderr || result.stdout).slice(-4000)}`);
}

/** Builds (once) and returns the path of the image's BusyBox. */
export function buildShippedBusybox(toolsDir = toolsDirFor(PROJECT_ROOT)): string {
  const target = path.join(toolsDir, `busybox-${TESTED_BUSYBOX_VERSION}-shipped-build`, 'busybox');
  if (existsSync(target)) return target;
  const work = mkdtempSync(path.join(tmpdir(), 'busybox-build-'));
  try {
    const tarball = path.join(work, 'busybox.tar.bz2');
    const problem = downloadPinned(SHIPPED_SOURCE.url, SHIPPED_SOURCE.sha256, tarball);
    if (problem) throw new Error(problem);
    sh('tar -xjf busybox.tar.bz2', work);
    const source = path.join(work, `busybox-${TESTED_BUSYBOX_VERSION}`);
    sh('make defconfig >/dev/null', source);
    writeFileSync(path.join(source, '.config'), shippedConfig(readFileSync(path.join(source, '.config'), 'utf8')));
    sh('yes "" | make oldconfig >/dev/null', source);
    // "trust, but verify", as the builder does.
    const config = readFileSync(path.join(source, '.config'), 'utf8');
    const lost = [...SET_CONFS.filter((s) => !config.split('\n').includes(s)), ...UNSET_CONFS.filter((u) => config.split('\n').some((l) => l.startsWith(`${u}=`)))];
    if (lost.length > 0) throw new Error(`make oldconfig did not keep ${lost.join(', ')}`);
    sh(`make -j ${Math.max(1, Number(spawnSync('nproc', { encoding: 'utf8' }).stdout) || 2)} busybox >/dev/null`, source);
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(path.join(source, 'busybox'), `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const started = Date.now();
  const busybox = buildShippedBusybox();
  process.stdout.write(`BusyBox built as the chart's image is: ${busybox} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  const jest = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'jest'), ['test/data-plane', ...process.argv.slice(2)], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: { ...process.env, GKE_MULTINET_BUSYBOX: busybox, GKE_MULTINET_EXPECT_SHIPPED_BUSYBOX: '1' },
  });
  process.exit(jest.status ?? 1);
}
