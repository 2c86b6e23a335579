import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { TERRAFORM_MODULES_DIR, moduleFiles } from '../../modules/hcl/write-modules';
import { MODULE_CHART_PATH, MODULE_VERSION, buildTerraformModules } from '../../modules/hcl/terraform-modules';
import { HCL_FILES, schemaPaths } from '../../modules/hcl/module-hcl';
import { asParsedHcl, canonicalExpressions, parseHclFolder } from '../support/hcl';
import { expression as renderExpression } from '../../modules/hcl/render';
import { POLICY_RULES } from '../../stacks/policy/rules';
import { casesFor } from '../families/families';
import { HarnessRun, ModuleCall, dataAsLocals, planExample, runModuleCallsAsync, withoutValidations } from '../support/module-harness';
import { K8sObject, parseYamlDocuments, renderChart, helm, CHART_DIR } from '../support/helm';
import { stacksOf, synthJson } from '../support/stacks';
import { Evaluation, evaluateManyWithTerraform, terraformIn } from '../support/terraform';
import { PROJECT_ROOT } from '../support/tools';

// Terraform JSON is open-ended; tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const MODULES = ['additional-network', 'multinet-cluster', 'multinet-node-pool', 'multus-whereabouts'] as const;
const moduleDir = (name: string) => path.join(PROJECT_ROOT, TERRAFORM_MODULES_DIR, name);
/** The modules as the constructs build them; a test proves the committed HCL means the same. */
const BUILT = new Map(buildTerraformModules().map((m) => [m.moduleName, m]));
const SYNTHESIZED = new Map([...BUILT].map(([name, m]) => [name, JSON.stringify(m.toTerraform())]));
const moduleJson = (name: string): Json => JSON.parse(SYNTHESIZED.get(name)!);
let generated: Map<string, string>;
beforeAll(async () => {
  generated = await moduleFiles(PROJECT_ROOT);
});

const PRIMARY_NETWORK = 'https://www.googleapis.com/compute/v1/projects/example-dev-project/global/networks/multinet-dev-vpc';
const PRIMARY_SUBNET = 'https://www.googleapis.com/compute/v1/projects/example-dev-project/regions/us-central1/subnetworks/multinet-dev-nodes';

/** What Terraform would pass for the shipped dev environment (the plan's names, the file's ranges). */
const DEV = {
  'additional-network': { name: 'multinet-dev-dataplane', region: 'us-central1', node_cidr: '10.0.1.0/24', pod_cidr: '172.16.1.0/24', pod_range_name: 'dataplane-pods' },
  'multinet-cluster': {
    name: 'multinet-dev',
    location: 'us-central1-c',
    project: 'example-dev-project',
    network: PRIMARY_NETWORK,
    subnetwork: PRIMARY_SUBNET,
    pod_range_name: 'multinet-dev-pods',
    service_range_name: 'multinet-dev-services',
    node_pools: [{ name: 'multinet-pool', machine_type: 'e2-standard-4', node_count: 2 }],
    additional_networks: [{ network: 'multinet-dev-dataplane-vpc', subnetwork: 'multinet-dev-dataplane', pod_range_name: 'dataplane-pods', max_pods_per_node: 8 }],
    resource_labels: { multinet_environment: 'dev', managed_by: 'cdktf' },
    // dev waives authorized networks (environments/dev.json, CKV_GCP_20): the module's named opt-out says the same.
    authorized_networks: [],
    public_endpoint_open_to_any_address: true,
  },
  'multus-whereabouts': { networks: [{ name: 'dataplane', namespace: 'default', master: 'eth1', range: '172.16.1.0/24' }], sample_pods: true, require_cross_node_test: true },
  // dev's pool and network, joining a cluster made elsewhere (terraform-google-modules' gke-standard-cluster: its cluster_id).
  'multinet-node-pool': {
    cluster: 'projects/example-dev-project/locations/us-central1-c/clusters/platform',
    location: 'us-central1-c',
    project: 'example-dev-project',
    service_account: 'platform-nodes@example-dev-project.iam.gserviceaccount.com',
    node_pools: [{ name: 'multinet-pool', machine_type: 'e2-standard-4', node_count: 2 }],
    additional_networks: [{ network: 'multinet-dev-dataplane-vpc', subnetwork: 'multinet-dev-dataplane', pod_range_name: 'dataplane-pods', max_pods_per_node: 8 }],
  },
} as const;

/** The dev stacks' view of the same: remote-state reads replaced by what the network stack outputs for dev. */
const FROM_NETWORK: Record<string, string> = {
  'primary_network.network_self_link': PRIMARY_NETWORK,
  'primary_network.subnetwork_self_link': PRIMARY_SUBNET,
  'primary_network.pod_range_name': 'multinet-dev-pods',
  'primary_network.service_range_name': 'multinet-dev-services',
  'additional_networks.dataplane.network_name': 'multinet-dev-dataplane-vpc',
  'additional_networks.dataplane.subnetwork_name': 'multinet-dev-dataplane',
  'additional_networks.dataplane.pod_range_name': 'dataplane-pods',
  'additional_networks.dataplane.pod_cidr': '172.16.1.0/24',
};

/**
 * A resource body with references to other resources made comparable: `${type.any_name.attr}` -> `<type.attr>`
 * (hash-suffixed in a stack, readable in a module), remote-state reads -> FROM_NETWORK, meta-arguments dropped.
 */
function comparable(body: Json): Json {
  const text = JSON.stringify(body)
    // The module creates the node service account only when none is given (count): with none given, it is that one.
    .replace(/\$\{local\.node_service_account == null \? (google_service_account\.node_sa)\[0\]\.([a-z_]+) : local\.node_service_account\}/g, '${$1.$2}')
    .replace(/\$\{data\.terraform_remote_state\.network\.outputs\.([a-z_.]+)\}/g, (_, key: string) => FROM_NETWORK[key] ?? `<unknown ${key}>`)
    .replace(/\$\{((?:data\.)?(?:google|kubernetes|helm)_[a-z0-9_]+)\.[A-Za-z0-9_-]+\.([a-z_]+(?:\[0\]\.[a-z_]+)?)\}/g, '<$1.$2>');
  const copy = JSON.parse(text);
  for (const meta of ['depends_on', 'lifecycle', 'for_each', 'count']) delete copy[meta];
  // Dynamic blocks are compared on their own, element by element.
  const withoutDynamic = (value: Json) => {
    delete value.dynamic;
    for (const child of Object.values(value)) if (child && typeof child === 'object' && !Array.isArray(child)) withoutDynamic(child);
  };
  withoutDynamic(copy);
  return copy;
}

/** Drops nulls, as Terraform does for an unset attribute. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

/** A module resource body as a check: its references made comparable, the versions data source read from a local. */
const bodyCheck = (body: Json, forEach?: string) => ({
  value: JSON.parse(JSON.stringify(comparable(body)).replace(/data\.google_container_engine_versions\.versions\./g, 'local.engine_versions.')),
  ...(forEach ? { forEach } : {}),
});

/** What each module's dev comparison evaluates, all in one terraform run per module. */
const DEV_CHECKS: Record<keyof typeof DEV, () => Record<string, { value: unknown; forEach?: string }>> = {
  'additional-network': () => {
    const r = moduleJson('additional-network').resource;
    return {
      google_compute_network: bodyCheck(r.google_compute_network.vpc),
      google_compute_subnetwork: bodyCheck(r.google_compute_subnetwork.subnet),
      google_compute_firewall: bodyCheck(r.google_compute_firewall.allow_internal),
      log_config: { value: r.google_compute_subnetwork.subnet.dynamic.log_config.for_each },
    };
  },
  'multinet-cluster': () => {
    const r = moduleJson('multinet-cluster').resource;
    const pool = r.google_container_node_pool.node_pool;
    return {
      cluster: bodyCheck(r.google_container_cluster.cluster),
      node_sa: bodyCheck(r.google_service_account.node_sa),
      pool: bodyCheck(pool, pool.for_each),
      nic: { value: pool.network_config.dynamic.additional_node_network_configs.for_each },
    };
  },
  'multinet-node-pool': () => {
    const pool = moduleJson('multinet-node-pool').resource.google_container_node_pool.node_pool;
    return { pool: bodyCheck(pool, pool.for_each) };
  },
  'multus-whereabouts': () => {
    const r = moduleJson('multus-whereabouts').resource;
    const release = r.helm_release.release;
    return {
      values: { value: release.values[0] },
      settings: { value: { name: release.name, namespace: release.namespace, timeout: release.timeout, max_history: release.max_history } },
      sample: bodyCheck(r.kubernetes_pod_v1.sample, r.kubernetes_pod_v1.sample.for_each),
    };
  },
};
/** The dev values' evaluation of a module's checks (DEV_CHECKS), from the one terraform run below. */
const devEvaluated = (name: keyof typeof DEV): Record<string, Json> => withoutNulls(EVALUATED[`dev_${name.replace(/-/g, '_')}`]) as Record<string, Json>;

/** The versions data source is read only when a version is set; the dev values set none. */
const NO_VERSIONS = { latest_master_version: '', valid_master_versions: [], release_channel_latest_version: {}, release_channel_default_version: {} };

/** A stack's resources of one type, in order of their keys. */
const resourcesOf = (json: Json, type: string): Json[] => Object.keys(json.resource?.[type] ?? {}).sort().map((k) => json.resource[type][k]);

describe('HCL modules are generated from the constructs', () => {
  test('`npm run build:modules` leaves the committed modules unchanged', () => {
    const committed = MODULES.flatMap((m) => listRelative(moduleDir(m)).map((f) => `${m}/${f}`)).sort();
    expect(committed).toEqual([...generated.keys()].sort());
    for (const [file, content] of generated) {
      expect({ file, same: readFileSync(path.join(PROJECT_ROOT, TERRAFORM_MODULES_DIR, file), 'utf8') === content }).toEqual({ file, same: true });
    }
  });

  test('ships no copy of the chart: multus-whereabouts installs the repository\'s one chart', () => {
    expect([...generated.keys()].filter((f) => f.includes('/charts/'))).toEqual([]);
    expect(moduleJson('multus-whereabouts').resource.helm_release.release.chart).toBe(`\${path.module}/${MODULE_CHART_PATH}`);
    expect(path.resolve(moduleDir('multus-whereabouts'), MODULE_CHART_PATH)).toBe(CHART_DIR);
  });

  test('resolves the chart for a caller that takes the module from git with a //subdir source (terraform get, offline)', () => {
    // A repository holding what a commit of this one holds for the module: modules/terraform and charts.
    const work = mkdtempSync(path.join(tmpdir(), 'module-git-'));
    try {
      const repo = path.join(work, 'repo');
      for (const dir of [TERRAFORM_MODULES_DIR, 'charts']) cpSync(path.join(PROJECT_ROOT, dir), path.join(repo, dir), { recursive: true });
      const git = (args: string[]) => spawnSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: repo, encoding: 'utf8' });
      git(['init', '-q']);
      git(['add', '-A']);
      expect(git(['commit', '-qm', 'module']).status).toBe(0);
      const root = path.join(work, 'root');
      mkdirSync(root);
      writeFileSync(path.join(root, 'main.tf'), `module "multus" {\n  source = "git::file://${repo}//${TERRAFORM_MODULES_DIR}/multus-whereabouts"\n}\n`);
      const get = terraformIn(root, ['get', '-no-color']);
      expect({ status: get.status, stderr: get.stderr }).toEqual({ status: 0, stderr: '' });
      const manifest = JSON.parse(readFileSync(path.join(root, '.terraform', 'modules', 'modules.json'), 'utf8')) as { Modules: { Key: string; Dir: string }[] };
      const installed = path.join(root, manifest.Modules.find((m) => m.Key === 'multus')!.Dir);
      expect(existsSync(path.join(installed, MODULE_CHART_PATH, 'Chart.yaml'))).toBe(true);
      expect(readFileSync(path.join(installed, MODULE_CHART_PATH, 'values.schema.json'), 'utf8')).toBe(readFileSync(path.join(CHART_DIR, 'values.schema.json'), 'utf8'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test.each(MODULES)('%s: the committed HCL, parsed back by hcl2json, means what the constructs synthesize', async (name) => {
    const parsed = await parseHclFolder(moduleDir(name));
    const expected = asParsedHcl(moduleJson(name), schemaPaths(BUILT.get(name)!));
    expect(canonicalExpressions(parsed)).toEqual(canonicalExpressions(expected));
  });

  test('takes as nested blocks, where the bindings say nothing (inside dynamic blocks), only what the provider documents as blocks', () => {
    // Both sides of the test above decide block or attribute the same way; the guesses are checked here, by name:
    // google_container_cluster maintenance_policy { recurring_window {} maintenance_exclusion { exclusion_options {} } }
    // (terraform-provider-google v6.50.0 container_cluster docs).
    const guessed: string[] = [];
    for (const m of MODULES) asParsedHcl(moduleJson(m), schemaPaths(BUILT.get(m)!), (p) => guessed.push(p));
    expect([...new Set(guessed)].sort()).toEqual([
      'resource.google_container_cluster.cluster.maintenance_policy.maintenance_exclusion.exclusion_options',
      'resource.google_container_cluster.cluster.maintenance_policy.recurring_window',
    ]);
  });

  test('every module and example is formatted as `terraform fmt` formats it, and ships no Terraform JSON', () => {
    const result = spawnSync('terraform', ['fmt', '-check', '-recursive', '-list=true', TERRAFORM_MODULES_DIR, 'examples'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect({ status: result.status, unformatted: result.stdout.trim() }).toEqual({ status: 0, unformatted: '' });
    const json = [TERRAFORM_MODULES_DIR, 'examples'].flatMap((dir) => listRelative(path.join(PROJECT_ROOT, dir)).filter((f) => f.endsWith('.tf.json')));
    expect(json).toEqual([]);
  });

  test("carries the constructs' why-comments into the HCL", () => {
    const main = generated.get('multinet-cluster/main.tf')!;
    expect(main).toMatch(/# Shielded nodes: the kubelet's identity is verified[^\n]*\n\s*enable_shielded_nodes\s+= true/);
    expect(main).toMatch(/# Legacy ABAC bypasses RBAC\.\n\s*enable_legacy_abac\s+= false/);
    expect(generated.get('additional-network/main.tf')).toMatch(/# Private nodes have no external IP: this is how they reach Google APIs[^\n]*\n\s*private_ip_google_access\s+= true/);
  });

  test('has one version: the modules, the chart and the npm package', () => {
    const chart = readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect({ chart: /^version: (.+)$/m.exec(chart)![1], npm: pkg.version }).toEqual({ chart: MODULE_VERSION, npm: MODULE_VERSION });
  });

  test('pins the release tag of this version in every module README', () => {
    for (const m of MODULES) expect(readFileSync(path.join(moduleDir(m), 'README.md'), 'utf8')).toContain(`?ref=v${MODULE_VERSION}"`);
    for (const root of ['guide/cluster', 'guide/workloads']) expect(readFileSync(path.join(PROJECT_ROOT, 'examples', root, 'main.tf'), 'utf8')).not.toMatch(/\?ref=v\d/);
  });

  test('records every version in a changelog', () => {
    const changelog = readFileSync(path.join(PROJECT_ROOT, TERRAFORM_MODULES_DIR, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## \\[${MODULE_VERSION.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
  });
});

describe.each(MODULES)('module %s', (name) => {
  const json = moduleJson(name);
  const text = JSON.stringify(json);

  test('is an HCL module: versions.tf, variables.tf, main.tf and outputs.tf; only variables, locals, resources, data sources, checks, outputs, moves and requirements', () => {
    expect(readdirSync(moduleDir(name)).filter((f) => f.endsWith('.tf')).sort()).toEqual([...HCL_FILES].sort());
    expect(Object.keys(json).every((k) => ['variable', 'locals', 'resource', 'data', 'check', 'output', 'terraform', 'moved'].includes(k))).toBe(true);
    expect(Object.keys(json.terraform).sort()).toEqual(['required_providers', 'required_version']);
  });

  test('configures no provider, no backend and reads no remote state', () => {
    expect(json).not.toHaveProperty('provider');
    expect(text).not.toMatch(/"backend"|"cloud"|terraform_remote_state/);
  });

  test('requires provider version ranges, not exact pins', () => {
    for (const [provider, spec] of Object.entries(json.terraform.required_providers as Record<string, { source: string; version: string }>)) {
      expect([provider, spec.source, spec.version]).toEqual([provider, `hashicorp/${provider}`, expect.stringMatching(/^>= \d+\.\d+, < \d+$/)]);
    }
  });

  test('types and describes every variable, and describes every output', () => {
    for (const [v, spec] of Object.entries(json.variable as Json)) expect([v, typeof spec.type, typeof spec.description]).toEqual([v, 'string', 'string']);
    for (const [o, spec] of Object.entries(json.output as Json)) expect([o, typeof spec.description]).toEqual([o, 'string']);
  });

  test('says nullable = false for every variable whose default is not null', () => {
    const loose = Object.entries(json.variable as Json).filter(([, spec]) => spec.default !== null && spec.nullable !== false && !/null turns|null:|null for/.test(spec.description));
    expect(loose.map(([v]) => v)).toEqual([]);
  });

  test('names the variable first in every validation message', () => {
    for (const [v, spec] of Object.entries(json.variable as Json)) {
      for (const r of spec.validation ?? []) expect({ v, message: r.error_message }).toEqual({ v, message: expect.stringMatching(new RegExp(`^${v}\\b`)) });
    }
  });

  test('refers only to variables, locals and resources it declares', () => {
    const declared = (kind: string) => new Set(Object.keys(json[kind] ?? {}));
    for (const [, v] of text.matchAll(/\bvar\.([a-z_]+)/g)) expect({ variable: v, declared: declared('variable').has(v) }).toEqual({ variable: v, declared: true });
    for (const [, l] of text.matchAll(/\blocal\.([a-z_]+)/g)) expect({ local: l, declared: declared('locals').has(l) }).toEqual({ local: l, declared: true });
    for (const [, data, type, id] of text.matchAll(/(data\.)?\b((?:google|kubernetes|helm)_[a-z0-9_]+)\.([a-z][a-z0-9_]*)\b/g)) {
      const declaredHere = Boolean(json[data ? 'data' : 'resource']?.[type]?.[id]);
      expect({ ref: `${data ?? ''}${type}.${id}`, declared: declaredHere }).toEqual({ ref: `${data ?? ''}${type}.${id}`, declared: true });
    }
  });

  test('gives every resource a readable address that a new release keeps', () => {
    for (const kind of ['resource', 'data']) {
      for (const [type, items] of Object.entries((json[kind] ?? {}) as Json)) {
        for (const id of Object.keys(items)) expect(`${type}.${id}`).toMatch(/^[a-z0-9_]+\.[a-z][a-z0-9_]*[a-z0-9]$/);
        for (const id of Object.keys(items)) expect(id).not.toMatch(/_[0-9A-F]{8}$/);
      }
    }
  });

  test('holds no absolute path, and leaves the module only for the repository\'s chart', () => {
    expect(text).not.toMatch(/"\/(home|root|tmp|work|Users)\//);
    expect(text.replaceAll(`\${path.module}/${MODULE_CHART_PATH}`, '')).not.toMatch(/\.\.\//);
    // Each path up to its first interpolation (the chart checksum joins a file name to the chart's folder).
    for (const [, p] of text.matchAll(/\$\{path\.module\}\/([^"$\\]+)/g)) expect(existsSync(path.join(moduleDir(name), p))).toBe(true);
  });

  test('says in its README what the identities that plan and apply it need, each with why', () => {
    const readme = readFileSync(path.join(moduleDir(name), 'README.md'), 'utf8');
    const rows = readme.split('## Permissions')[1].split('## Checks')[0].split('\n').filter((l) => /^\| (plan|apply) \|/.test(l));
    expect(rows.some((r) => r.startsWith('| plan |'))).toBe(true);
    expect(rows.some((r) => r.startsWith('| apply |'))).toBe(true);
    for (const row of rows) expect(row).toMatch(/^\| (plan|apply) \| .*`roles\/[a-zA-Z.]+`.* \| \S.* \|$/);
  });

  test('says in its README what a change does on day 2, naming only its own inputs', () => {
    const readme = readFileSync(path.join(moduleDir(name), 'README.md'), 'utf8');
    const items = readme.split('## Day 2')[1].split('## Checks')[0].split('\n').filter((l) => l.startsWith('- '));
    expect(items.length).toBeGreaterThan(0);
    const inputs = new Set(Object.keys(json.variable));
    const poolFields = new Set(['machine_type', 'disk_type', 'disk_size_gb', 'name', 'spot', 'node_cidr', 'pod_cidr', 'timeout_seconds', 'image_type', 'kubelet_config', 'linux_node_config', 'max_pods_per_node', 'cluster_id']);
    for (const [, word] of items.join(' ').matchAll(/`([a-z][a-z0-9_]*)`/g)) if (/_/.test(word)) expect({ word, known: inputs.has(word) || poolFields.has(word) }).toEqual({ word, known: true });
  });

  test('says in its README which APIs to turn on before the first plan, with the command', () => {
    const readme = readFileSync(path.join(moduleDir(name), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Before the first plan'), readme.indexOf('## Permissions'));
    const listed = [...section.matchAll(/^- `([a-z.]+\.googleapis\.com)`: /gm)].map((m) => m[1]);
    expect(listed).toEqual(expect.arrayContaining(name === 'multus-whereabouts' ? ['container.googleapis.com'] : ['compute.googleapis.com']));
    expect(section).toContain(`gcloud services enable ${listed.join(' ')} --project <project>`);
  });

  test('lists exactly its variables and outputs in its README', () => {
    const readme = readFileSync(path.join(moduleDir(name), 'README.md'), 'utf8');
    const rows = (section: string) => [...readme.split(`## ${section}`)[1].split('\n## ')[0].matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(rows('Inputs')).toEqual(Object.keys(json.variable));
    expect(rows('Outputs')).toEqual(Object.keys(json.output));
  });
});

/** What data sources return in the checks below: nothing unusual (every node Ready, no namespace yet). */
const STUBS = {
  'google_container_engine_versions.versions': { valid_master_versions: ['1.33.5-gke.1'], default_cluster_version: '1.33.5-gke.1', release_channel_latest_version: { REGULAR: '1.33.5-gke.1' }, release_channel_default_version: { REGULAR: '1.33.5-gke.1' } },
  'kubernetes_nodes.nodes': { nodes: [] },
  'kubernetes_resources.namespaces': { objects: [] },
  // The subnets multinet-cluster reads when node_cidr or pod_cidr is left out, and the cluster's own: one per additional
  // network, holding its pod range by name, in ranges that overlap nothing the tests use.
  'google_compute_subnetwork.additional_subnets':
    '${{ for i, n in var.additional_networks : tostring(i) => { ip_cidr_range = "10.${100 + i}.0.0/24", secondary_ip_range = [{ range_name = n.pod_range_name, ip_cidr_range = "172.${20 + i}.0.0/16" }] } }}',
  // multinet-node-pool's cluster, as terraform-google-modules' gke-standard-cluster makes it (multi-networking and
  // Dataplane V2 on, VPC-native on the subnet's platform-pods range), and its subnet.
  'google_container_cluster.cluster': {
    enable_multi_networking: true,
    datapath_provider: 'ADVANCED_DATAPATH',
    subnetwork: 'projects/example-dev-project/regions/us-central1/subnetworks/platform-nodes',
    ip_allocation_policy: [{ cluster_secondary_range_name: 'platform-pods', cluster_ipv4_cidr_block: '10.4.0.0/14', services_secondary_range_name: 'platform-services' }],
  },
  'google_compute_subnetwork.cluster_subnet': { ip_cidr_range: '10.0.0.0/24', secondary_ip_range: [{ range_name: 'platform-pods', ip_cidr_range: '10.4.0.0/14' }] },
  'google_compute_subnetwork.primary_subnet':
    '${{ ip_cidr_range = "10.0.0.0/24", secondary_ip_range = [{ range_name = var.pod_range_name, ip_cidr_range = "10.4.0.0/14" }, { range_name = var.service_range_name, ip_cidr_range = "10.8.0.0/20" }] }}',
};
const MODULE_JSON = Object.fromEntries(MODULES.map((m) => [m, moduleJson(m)]));

/** The module blocks of an HCL file (README snippet or example), as calls: inputs without meta-arguments. */
async function callsIn(file: string, text: string): Promise<{ module: string; inputs: Json }[]> {
  const parsed = (await parseHcl(file, text)) as Json;
  return Object.values((parsed.module ?? {}) as Record<string, Json[]>).map(([block]) => {
    const inputs = Object.fromEntries(Object.entries(block).filter(([k]) => !META.has(k)));
    return { module: path.basename(String(block.source).split('?')[0]), inputs };
  });
}
const META = new Set(['source', 'version', 'for_each', 'count', 'depends_on', 'providers']);
const EXAMPLES = ['additional-network', 'multinet-cluster', 'multus-whereabouts'].map((m) => `examples/${m}/main.tf`);

/** A call of each module that a check varies: the dev values, every other input at its default. */
const call = (module: keyof typeof DEV, inputs: Json = {}, data?: Json) => ({ module, inputs: { ...DEV[module], ...inputs }, varied: Object.keys(inputs), ...(data ? { data } : {}) });

/**
 * Every bad input below, and every first call, planned by terraform over provider-free copies of the modules: one run
 * for the inputs a validation refuses (Terraform stops before any precondition when a variable is invalid), one for the
 * rest, whose preconditions must then hold or fail.
 */
/** A call of a module, with the inputs a case varies (validation cases pass only those). */
type Call = ModuleCall & { varied?: string[] };
const VALIDATION_CASES: Record<string, Call> = {};
const PLAN_CASES: Record<string, Call> = {};
const expectations: { name: string; call: string; stage: 'validation' | 'plan'; contains?: string }[] = [];
let caseCount = 0;
const register = (stage: 'validation' | 'plan', name: string, c: Call, contains?: string) => {
  const id = `case_${caseCount++}`;
  (stage === 'validation' ? VALIDATION_CASES : PLAN_CASES)[id] = c;
  expectations.push({ name, call: id, stage, contains });
};
/**
 * A validation refuses it. Validations (Terraform 1.5) see only their own variable, so the call passes only the inputs
 * the case varies, to a copy of the module that declares only those: the same rules, a fraction of the work.
 */
const rejects = (name: string, c: Call, contains: string) =>
  register('validation', name, { ...c, inputs: Object.fromEntries(Object.entries(c.inputs).filter(([k]) => c.varied?.includes(k))) }, contains);
/** A precondition refuses it, at plan (the module's validations, proven by the other cases, are left out of its copy). */
const rejectsAtPlan = (name: string, c: Call, contains: string) => register('plan', name, { ...c, preconditionsOnly: true }, contains);
/** Every validation and precondition passes. */
const accepts = (name: string, c: Call) => register('plan', name, c);
const pool = DEV['multinet-cluster'].node_pools[0];
const extra = DEV['multinet-cluster'].additional_networks[0];
const attachment = DEV['multus-whereabouts'].networks[0];

// The shared rule families (test/families/families.ts), on the modules.
for (const c of casesFor('hcl')) {
  const inputs = c.surface.inputs(c.value);
  // The families' rules are validations: an accepted value must pass them (the plan cases prove the rest).
  if (c.accepted) register('validation', `rule family ${c.name}`, { ...call(c.surface.module, inputs), inputs });
  else rejects(`rule family ${c.name}`, call(c.surface.module, inputs), `${c.surface.field} is `);
}

rejects(
  'rejects an additional network given as a self link (GKE takes names)',
  call('multinet-cluster', { additional_networks: [{ ...extra, network: 'https://www.googleapis.com/compute/v1/projects/p/global/networks/dataplane' }] }),
  'additional_networks[0].network is "https://www.googleapis.com/compute/v1/projects/p/global/networks/dataplane": use the VPC\'s name, not a self link or path',
);
rejects(
  'rejects an additional subnet given as a path (GKE takes names)',
  call('multinet-cluster', { additional_networks: [{ ...extra, subnetwork: 'projects/p/regions/us-central1/subnetworks/dataplane' }] }),
  'additional_networks[0].subnetwork is "projects/p/regions/us-central1/subnetworks/dataplane": use the subnet\'s name',
);
rejects(
  'rejects 0.0.0.0/0 in authorized_networks, which only the named opt-out may mean',
  call('multinet-cluster', { authorized_networks: [{ cidr_block: '0.0.0.0/0', display_name: 'anyone' }] }),
  'authorized_networks[0].cidr_block is "0.0.0.0/0": opens the control plane to every address: set public_endpoint_open_to_any_address = true instead',
);
rejects('rejects a node range GCP forbids for subnets', call('additional-network', { node_cidr: '169.254.0.0/24' }), 'node_cidr is "169.254.0.0/24": overlaps a range GCP forbids for subnets');

rejects('rejects an N4 pool on a persistent disk (N4 boots from Hyperdisk only)', call('multinet-cluster', { node_pools: [{ ...pool, machine_type: 'n4-standard-4' }] }), 'node_pools[0] is {"disk_type":"pd-balanced","machine_type":"n4-standard-4"}: boots C4, C4A, C4D, N4, N4A or N4D machines from Hyperdisk only');
rejects('rejects an E2 pool on Hyperdisk (E2 cannot use it)', call('multinet-cluster', { node_pools: [{ ...pool, disk_type: 'hyperdisk-balanced' }] }), 'node_pools[0] is {"disk_type":"hyperdisk-balanced","machine_type":"e2-standard-4"}: boots');

accepts('accepts the shipped dev values of additional-network', call('additional-network'));
accepts('accepts the shipped dev values of multinet-cluster', call('multinet-cluster'));
accepts('accepts the shipped dev values of multus-whereabouts', call('multus-whereabouts'));
accepts('accepts a private endpoint with no authorized network', call('multinet-cluster', { public_endpoint_open_to_any_address: false, private_endpoint: true }));
accepts('accepts a pool whose vCPUs are given for a machine type whose name does not say', call('multinet-cluster', { node_pools: [{ ...pool, machine_type: 'a3-highgpu-8g', vcpus: 208 }] }));
accepts('accepts ranges that hold every node during a replacement', call('multinet-cluster', { additional_networks: [{ ...extra, node_cidr: '10.0.1.0/28', pod_cidr: '172.16.0.0/25' }] }));
accepts('accepts a namespace that exists already, not created by the module', call('multus-whereabouts', { networks: [{ ...attachment, namespace: 'storage' }] }, { 'kubernetes_resources.namespaces': { objects: [{ metadata: { name: 'storage', labels: {} } }] } }));
accepts('accepts a maintenance window of 8 hours every Saturday and Sunday with a 14-day freeze', call('multinet-cluster', { maintenance_policy: { window: { start_time: '2026-01-03T02:00:00Z', end_time: '2026-01-03T10:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' }, exclusions: [{ name: 'holidays', start_time: '2026-12-20T00:00:00Z', end_time: '2027-01-03T00:00:00Z' }] } }));

const NO_MATCH = { valid_master_versions: [], default_cluster_version: '1.33.5-gke.1', release_channel_latest_version: {}, release_channel_default_version: { REGULAR: '1.33.5-gke.1' } };
accepts('accepts no cluster version (the channel default), the message of the version check evaluated all the same', call('multinet-cluster', {}, { 'google_container_engine_versions.versions': NO_MATCH }));
rejectsAtPlan('rejects, at plan, a cluster version newer than anything the channel offers', call('multinet-cluster', { min_master_version: '1.35' }, { 'google_container_engine_versions.versions': NO_MATCH }), 'Cluster version "1.35" is newer than anything the REGULAR release channel offers');
rejects('rejects a node_cidr that is not a CIDR', call('additional-network', { node_cidr: '10.0.1.5/24' }), 'node_cidr is "10.0.1.5/24": use an IPv4 CIDR block from /8 to /29 with no host bits set');
rejects('rejects a pod_cidr larger than /8', call('additional-network', { pod_cidr: '10.0.0.0/7' }), 'pod_cidr is "10.0.0.0/7": use an IPv4 CIDR block from /8 to /29');
rejects('rejects an IPv6 pod_cidr', call('additional-network', { pod_cidr: 'fd00::/64' }), 'pod_cidr is "fd00::/64": use an IPv4 CIDR block');
rejects('rejects a network name that is not a GCP name', call('additional-network', { name: 'Dataplane' }), 'name is "Dataplane": use lowercase letters, digits and hyphens');
rejects('rejects an MTU above 8896', call('additional-network', { mtu: 9000 }), 'mtu is 9000: use a whole number of bytes from 1300 to 8896');
rejects('rejects null for a required input (nullable = false)', call('additional-network', { region: null }), 'Required variable not set');
accepts('takes null for an input with a default as that default (nullable = false), instead of failing inside a rule', call('multinet-cluster', { release_channel: null, max_pods_per_node: null }));
rejectsAtPlan('rejects a pod range that overlaps the node range', call('additional-network', { pod_cidr: '10.0.0.0/16' }), 'pod_cidr is 10.0.0.0/16, which overlaps node_cidr 10.0.1.0/24');
rejects('rejects a cluster version older than 1.29', call('multinet-cluster', { min_master_version: '1.28' }), 'min_master_version is "1.28": use 1.29 or later');
rejects('rejects a cluster version that is neither a minor nor a full GKE version', call('multinet-cluster', { min_master_version: '1.33.5' }), 'min_master_version is "1.33.5": use a GKE minor (1.33) or full GKE version');
rejects('rejects max_pods_per_node above 256', call('multinet-cluster', { max_pods_per_node: 257 }), 'max_pods_per_node is 257: use a whole number from 8 to 256');
rejects('rejects more than 7 additional networks', call('multinet-cluster', { additional_networks: Array.from({ length: 8 }, (_, i) => ({ ...extra, network: `n${i}` })) }), 'additional_networks is 8: give 1 to 7 networks');
rejects('rejects additional network max pods above 110', call('multinet-cluster', { additional_networks: [{ ...extra, max_pods_per_node: 111 }] }), 'additional_networks[0].max_pods_per_node is 111: use a whole number from 8 to 110');
rejects('rejects two NICs in one VPC', call('multinet-cluster', { additional_networks: [extra, { ...extra, subnetwork: 'other' }] }), 'additional_networks[1].network is "multinet-dev-dataplane-vpc": each node NIC must be in its own VPC');
rejects('rejects a node pool name too long for name_prefix', call('multinet-cluster', { node_pools: [{ name: 'multinet-pool-2' }] }), 'node_pools[0].name is "multinet-pool-2": use at most 13');
rejects('rejects a repeated node pool name', call('multinet-cluster', { node_pools: [pool, pool] }), 'node_pools[1].name is "multinet-pool": node pool names must be unique');
rejects('rejects a negative node count', call('multinet-cluster', { node_pools: [{ ...pool, node_count: -3 }] }), 'node_pools[0].node_count is -3: use a whole number of nodes per zone');
rejects('rejects a fractional node count', call('multinet-cluster', { node_pools: [{ ...pool, node_count: 1.5 }] }), 'node_pools[0].node_count is 1.5: use a whole number of nodes per zone');
rejects('rejects a node count outside its autoscaling bounds', call('multinet-cluster', { node_pools: [{ ...pool, node_count: 5, autoscaling: { min_node_count: 1, max_node_count: 3 } }] }), 'node_pools[0] is {"autoscaling":{"max_node_count":3,"min_node_count":1},"node_count":5}: autoscaling bounds must be whole numbers, min_node_count <= max_node_count (and node_count between them, when given)');
rejects('rejects an unknown taint effect', call('multinet-cluster', { node_pools: [{ ...pool, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }] }), 'node_pools[0].taints is [{"effect":"NoSchedule","key":"k","value":"v"}]: each effect must be NO_SCHEDULE, PREFER_NO_SCHEDULE, NO_EXECUTE');
rejects('rejects an unknown release channel', call('multinet-cluster', { release_channel: 'BETA' }), 'release_channel is "BETA": use UNSPECIFIED, RAPID, REGULAR, STABLE or EXTENDED');
rejects('rejects an IPv6 authorized network', call('multinet-cluster', { public_endpoint_open_to_any_address: false, authorized_networks: [{ cidr_block: '2001:db8::/32', display_name: 'v6' }] }), 'authorized_networks[0].cidr_block is "2001:db8::/32": use an IPv4 CIDR block');
rejects('rejects the Compute Engine default account as node service account', call('multinet-cluster', { node_service_account: '123456789-compute@developer.gserviceaccount.com' }), 'node_service_account is "123456789-compute@developer.gserviceaccount.com": use the e-mail of a user-managed service account');
rejects('rejects a window time without a date ("05:00") with the format message alone, not also the 4-hour one', call('multinet-cluster', { maintenance_policy: { window: { start_time: '05:00', end_time: '11:00', recurrence: 'FREQ=DAILY' } } }), 'use start_time and end_time in RFC 3339, UTC');
rejects('rejects a maintenance window shorter than 4 hours', call('multinet-cluster', { maintenance_policy: { window: { start_time: '2026-01-03T02:00:00Z', end_time: '2026-01-03T04:00:00Z', recurrence: 'FREQ=DAILY' } } }), 'make the window at least 4 hours long');
rejects('rejects a weekly window with fewer than 48 hours in 32 days', call('multinet-cluster', { maintenance_policy: { window: { start_time: '2026-01-03T02:00:00Z', end_time: '2026-01-03T08:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA' } } }), 'allow at least 48 hours of maintenance in every 32 days');
rejects('rejects a NO_UPGRADES exclusion longer than 30 days', call('multinet-cluster', { maintenance_policy: { window: { start_time: '2026-01-03T02:00:00Z', end_time: '2026-01-03T10:00:00Z', recurrence: 'FREQ=DAILY' }, exclusions: [{ name: 'long', start_time: '2026-12-01T00:00:00Z', end_time: '2027-01-15T00:00:00Z' }] } }), 'GKE allows a NO_UPGRADES exclusion of at most 30 days');
rejectsAtPlan('rejects a cluster open to every address without the named opt-out', call('multinet-cluster', { public_endpoint_open_to_any_address: false }), 'authorized_networks is []: the public control-plane endpoint would answer every address');
rejectsAtPlan('rejects the opt-out together with authorized networks', call('multinet-cluster', { authorized_networks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }] }), 'public_endpoint_open_to_any_address is true, but authorized_networks lists 1 range(s)');
rejectsAtPlan('rejects both a node service account and an account id to create', call('multinet-cluster', { node_service_account: 'nodes-sa@example-dev-project.iam.gserviceaccount.com', node_service_account_id: 'multinet-nodes' }), 'give one of them');
rejectsAtPlan('rejects a machine type with too few NICs for the networks', call('multinet-cluster', { node_pools: [{ ...pool, machine_type: 'e2-standard-2' }], additional_networks: [extra, { ...extra, network: 'second-vpc', subnetwork: 'second' }] }), 'node_pools[0].machine_type is "e2-standard-2", which allows 2 NICs (2 vCPUs); 1 + 2 additional networks need 3');
rejectsAtPlan('rejects a machine type whose vCPUs its name does not say, without vcpus', call('multinet-cluster', { node_pools: [{ ...pool, machine_type: 'a3-highgpu-8g' }] }), 'whose name does not say its vCPUs: set node_pools[0].vcpus');
rejectsAtPlan('rejects a node range too small for a pool replacement', call('multinet-cluster', { node_pools: [{ ...pool, node_count: 3 }], additional_networks: [{ ...extra, node_cidr: '10.0.1.0/29' }] }), 'additional_networks[0].node_cidr 10.0.1.0/29 has 4 usable addresses but needs room for 6 nodes');
rejectsAtPlan('rejects a pod range too small for a pool replacement', call('multinet-cluster', { additional_networks: [{ ...extra, pod_cidr: '172.16.1.0/27' }] }), 'additional_networks[0].pod_cidr 172.16.1.0/27 holds 2 node(s) with max_pods_per_node 8 (a /28 per node) but needs room for 4: use a /26 or larger');
rejectsAtPlan('rejects overlapping additional ranges', call('multinet-cluster', { additional_networks: [{ ...extra, node_cidr: '10.0.0.0/16', pod_cidr: '10.0.1.0/24' }] }), 'additional_networks[0].pod_cidr 10.0.1.0/24 overlaps additional_networks[0].node_cidr (10.0.0.0/16)');
// The ranges are always known: given (the additional-network outputs), or read from the subnets at plan (the stubs
// hold what the provider would read: test/modules STUBS).
rejectsAtPlan(
  'rejects, with ranges read from the subnet, an additional pod range too small for a pool replacement',
  call('multinet-cluster', {}, { 'google_compute_subnetwork.additional_subnets': { 0: { ip_cidr_range: '10.0.1.0/24', secondary_ip_range: [{ range_name: 'dataplane-pods', ip_cidr_range: '172.16.1.0/27' }] } } }),
  'additional_networks[0].pod_cidr 172.16.1.0/27 holds',
);
rejectsAtPlan(
  "rejects an additional pod range that overlaps the cluster's own pod range (GKE: pod networks of a cluster never overlap)",
  call('multinet-cluster', { additional_networks: [{ ...extra, node_cidr: '10.0.1.0/24', pod_cidr: '10.4.0.0/16' }] }),
  "additional_networks[0].pod_cidr 10.4.0.0/16 overlaps pod_range_name multinet-dev-pods (the cluster's pod range) (10.4.0.0/14)",
);
rejectsAtPlan(
  "rejects an additional node range that overlaps the cluster's node range",
  call('multinet-cluster', { additional_networks: [{ ...extra, node_cidr: '10.0.0.0/23', pod_cidr: '172.16.1.0/24' }] }),
  "additional_networks[0].node_cidr 10.0.0.0/23 overlaps subnetwork (the cluster's node range) (10.0.0.0/24)",
);
rejectsAtPlan(
  'rejects a pod_range_name the additional subnet does not have',
  call('multinet-cluster', { additional_networks: [{ ...extra, pod_range_name: 'no-such-range' }] }, { 'google_compute_subnetwork.additional_subnets': { 0: { ip_cidr_range: '10.0.1.0/24', secondary_ip_range: [{ range_name: 'dataplane-pods', ip_cidr_range: '172.16.1.0/24' }] } } }),
  'additional_networks[0].pod_range_name "no-such-range" is not a secondary range of subnet multinet-dev-dataplane',
);
rejectsAtPlan(
  "rejects a pod_range_name the cluster's subnet does not have",
  call('multinet-cluster', {}, { 'google_compute_subnetwork.primary_subnet': { ip_cidr_range: '10.0.0.0/24', secondary_ip_range: [] } }),
  'pod_range_name "multinet-dev-pods" is not a secondary range of subnetwork',
);
// multinet-node-pool, on a cluster made elsewhere (the STUBS cluster is terraform-google-modules-shaped).
const nodePoolCluster = (attributes: Json) => ({ 'google_container_cluster.cluster': { ...STUBS['google_container_cluster.cluster'], ...attributes } });
accepts('multinet-node-pool: accepts dev\'s pool on a terraform-google-modules gke-standard-cluster with multi-networking and Dataplane V2', call('multinet-node-pool'));
rejectsAtPlan('multinet-node-pool: rejects a cluster without multi-networking', call('multinet-node-pool', {}, nodePoolCluster({ enable_multi_networking: false })), 'cluster platform has multi-networking off');
rejectsAtPlan('multinet-node-pool: rejects a cluster on the legacy datapath', call('multinet-node-pool', {}, nodePoolCluster({ datapath_provider: 'LEGACY_DATAPATH' })), 'cluster platform has datapath_provider "LEGACY_DATAPATH": multi-networking needs GKE Dataplane V2');
rejectsAtPlan(
  'multinet-node-pool: rejects a machine type with too few NICs for the networks',
  call('multinet-node-pool', { node_pools: [{ name: 'multinet-pool', machine_type: 'e2-standard-2' }], additional_networks: [extra, { ...extra, network: 'second-vpc', subnetwork: 'second' }] }),
  'node_pools[0].machine_type is "e2-standard-2", which allows 2 NICs (2 vCPUs); 1 + 2 additional networks need 3',
);
rejectsAtPlan(
  "multinet-node-pool: rejects an additional pod range that overlaps the cluster's pod range (read from the cluster)",
  call('multinet-node-pool', { additional_networks: [{ ...extra, node_cidr: '10.0.1.0/24', pod_cidr: '10.5.0.0/16' }] }),
  "additional_networks[0].pod_cidr 10.5.0.0/16 overlaps the cluster's pod range (10.4.0.0/14)",
);
rejectsAtPlan(
  'multinet-node-pool: rejects a pod range too small for a pool replacement',
  call('multinet-node-pool', { additional_networks: [{ ...extra, node_cidr: '10.0.1.0/24', pod_cidr: '172.16.1.0/27' }] }),
  'additional_networks[0].pod_cidr 172.16.1.0/27 holds',
);
rejects('multinet-node-pool: rejects the Compute Engine default service account', call('multinet-node-pool', { service_account: '123456789-compute@developer.gserviceaccount.com' }), 'service_account is "123456789-compute@developer.gserviceaccount.com": use the e-mail of a user-managed service account');
rejects('rejects an image type GKE runs no multi-network pool on', call('multinet-cluster', { node_pools: [{ ...pool, image_type: 'WINDOWS_LTSC_CONTAINERD' }] }), 'node_pools[0].image_type is "WINDOWS_LTSC_CONTAINERD": use COS_CONTAINERD or UBUNTU_CONTAINERD');
rejects('rejects surge settings that cannot upgrade', call('multinet-cluster', { node_pools: [{ ...pool, max_surge: 0, max_unavailable: 0 }] }), 'one of them above 0');
rejects('rejects a per-pool max_pods_per_node outside 8 to 256', call('multinet-cluster', { node_pools: [{ ...pool, max_pods_per_node: 300 }] }), 'node_pools[0].max_pods_per_node is 300: use a whole number from 8 to 256');
rejects('rejects a CPU manager policy the kubelet does not know', call('multinet-cluster', { node_pools: [{ ...pool, kubelet_config: { cpu_manager_policy: 'dynamic' } }] }), 'use none or static');
rejects('rejects a cgroup mode GKE does not know', call('multinet-cluster', { node_pools: [{ ...pool, linux_node_config: { cgroup_mode: 'V3' } }] }), 'use CGROUP_MODE_UNSPECIFIED, CGROUP_MODE_V1 or CGROUP_MODE_V2');
accepts('accepts terraform-google-modules\' node settings: image, gVNIC, kubelet and Linux settings, surge, per-pool max pods', call('multinet-cluster', { node_pools: [{ ...pool, image_type: 'UBUNTU_CONTAINERD', enable_gvnic: true, kubelet_config: { cpu_manager_policy: 'static', pod_pids_limit: 4096 }, linux_node_config: { sysctls: { 'net.core.somaxconn': '4096' }, cgroup_mode: 'CGROUP_MODE_V2' }, max_surge: 2, max_unavailable: 1, max_pods_per_node: 64 }] }));
rejectsAtPlan('rejects a network and a subnet in two projects', call('multinet-cluster', { network: 'projects/host-project/global/networks/shared' }), 'which name projects host-project and example-dev-project (host_project included): every node NIC of the cluster must be in one project');
rejectsAtPlan('rejects links outside host_project', call('multinet-cluster', { host_project: 'other-host' }), 'which name projects example-dev-project and other-host');
accepts('accepts a Shared VPC given by self links in the host project, with or without host_project (as 0.4.0 took it)', call('multinet-cluster', { network: 'projects/host-project/global/networks/shared', subnetwork: 'projects/host-project/regions/us-central1/subnetworks/shared-nodes' }));
accepts('accepts bare network names in host_project', call('multinet-cluster', { host_project: 'host-project', network: 'shared', subnetwork: 'shared-nodes' }));
accepts('accepts an autoscaled pool without node_count (it starts at min_node_count)', call('multinet-cluster', { node_pools: [{ name: 'multinet-pool', autoscaling: { min_node_count: 2, max_node_count: 5 } }] }));
rejects('rejects an IPVLAN mode other than l2', call('multus-whereabouts', { networks: [{ ...attachment, mode: 'l4' }] }), 'networks[0].mode is "l4": use l2');
rejects('rejects a range that is not a CIDR', call('multus-whereabouts', { networks: [{ ...attachment, range: '172.16.1.0' }] }), 'networks[0].range is "172.16.1.0": use an IPv4 CIDR block');
rejects('rejects an attachment name that is not a DNS-1123 label', call('multus-whereabouts', { networks: [{ ...attachment, name: 'Data_Plane' }] }), 'networks[0].name is "Data_Plane": use a DNS-1123 label');
rejects('rejects eth0 as IPVLAN master', call('multus-whereabouts', { networks: [{ ...attachment, master: 'eth0' }] }), 'networks[0].master is "eth0": use eth1 to eth7');
rejects('rejects ens4 as IPVLAN master', call('multus-whereabouts', { networks: [{ ...attachment, master: 'ens4' }] }), 'networks[0].master is "ens4": use eth1 to eth7');
rejectsAtPlan('rejects a master beyond the nodes\' NICs', call('multus-whereabouts', { networks: [{ ...attachment, master: 'eth5' }], node_additional_nics: 3 }), 'networks[0].master is "eth5", not a NIC of these nodes: they have eth1 to eth3');
rejects('rejects two overlapping ranges on one NIC (two Whereabouts pools handing out the same addresses)', call('multus-whereabouts', { networks: [attachment, { ...attachment, name: 'storage', master: 'eth1', range: '172.16.1.0/25' }] }), 'networks[1].range 172.16.1.0/25 overlaps networks[0].range 172.16.1.0/24 on the same NIC eth1');
accepts('accepts two namespaces sharing one NIC and its range, split by range_start and range_end', call('multus-whereabouts', { networks: [{ ...attachment, namespace: 'team-a', range_end: '172.16.1.127' }, { ...attachment, namespace: 'team-b', range_start: '172.16.1.128' }] }));
rejects('rejects a node block larger than the range', call('multus-whereabouts', { networks: [{ ...attachment, range: '172.16.1.0/26', ipam: 'node-block', node_block_prefix: 24 }] }), 'networks[0].node_block_prefix is 24: node-block needs the prefix length of each node\'s alias block, 24 to 28 and inside range');
rejects('rejects a node block no max pods per node gives', call('multus-whereabouts', { networks: [{ ...attachment, ipam: 'node-block', node_block_prefix: 20 }] }), 'networks[0].node_block_prefix is 20: node-block needs the prefix length of each node\'s alias block, 24 to 28');
rejects('rejects a maintenance exclusion without a name', call('multinet-cluster', { maintenance_policy: { window: { start_time: '2026-01-03T02:00:00Z', end_time: '2026-01-03T10:00:00Z', recurrence: 'FREQ=DAILY' }, exclusions: [{ name: '', start_time: '2026-12-20T00:00:00Z', end_time: '2026-12-27T00:00:00Z' }] } }), 'maintenance_policy.exclusions[0].name is "": name the exclusion');
rejects('rejects range_start after range_end', call('multus-whereabouts', { networks: [{ ...attachment, range_start: '172.16.1.50', range_end: '172.16.1.10' }] }), 'networks[0].range_end is "172.16.1.10": must not come before range_start');
rejects('rejects range_start outside the range', call('multus-whereabouts', { networks: [{ ...attachment, range_start: '172.16.2.1' }] }), 'networks[0].range_start is "172.16.2.1": use an IPv4 address inside range');
rejects('rejects an exclusion outside the range', call('multus-whereabouts', { networks: [{ ...attachment, exclude: ['10.0.0.0/24'] }] }), 'networks[0].exclude is ["10.0.0.0/24"]: each exclusion must be an IPv4 CIDR block inside range');
rejects('rejects node-block with range bounds', call('multus-whereabouts', { networks: [{ ...attachment, ipam: 'node-block', node_block_prefix: 28, range_start: '172.16.1.10' }] }), 'exclude, range_start and range_end apply to ipam whereabouts only');
rejectsAtPlan('rejects a missing namespace when the module may not create it', call('multus-whereabouts', { networks: [{ ...attachment, namespace: 'storage' }], create_namespaces: false }), 'create_namespaces is false, and the attachment namespace(s) storage do not exist');
rejects('rejects chart values that are not an object', call('multus-whereabouts', { values: 'tolerations: []' }), 'values is "tolerations: []": use an object of chart values');

let validationRun: HarnessRun;
let planRun: HarnessRun;
const firstCalls: { name: string; call: string }[] = [];
beforeAll(async () => {
  // Every README snippet and every minimal example: a module called with only what they pass.
  for (const m of MODULES) {
    const readme = readFileSync(path.join(moduleDir(m), 'README.md'), 'utf8');
    const snippet = /```hcl\n([\s\S]*?)```/.exec(readme)![1];
    for (const c of await callsIn(`${m}/README.md`, snippet)) {
      const id = `case_${caseCount++}`;
      PLAN_CASES[id] = c;
      firstCalls.push({ name: `the README snippet of ${m}`, call: id });
    }
  }
  // The snippets of the repository's own pages (README.md and docs/).
  for (const page of ['README.md', ...readdirSync(path.join(PROJECT_ROOT, 'docs')).map((f) => `docs/${f}`)]) {
    for (const [, block] of readFileSync(path.join(PROJECT_ROOT, page), 'utf8').matchAll(/```hcl\n([\s\S]*?)```/g)) {
      for (const c of await callsIn(page, block)) {
        const id = `case_${caseCount++}`;
        PLAN_CASES[id] = c;
        firstCalls.push({ name: `the README snippet of ${c.module} in ${page}`, call: id });
      }
    }
  }
  for (const file of EXAMPLES) {
    for (const c of await callsIn(file, readFileSync(path.join(PROJECT_ROOT, file), 'utf8'))) {
      const id = `case_${caseCount++}`;
      // Inputs that are expressions (var.project) get what the caller would pass.
      PLAN_CASES[id] = { module: c.module, inputs: JSON.parse(JSON.stringify(c.inputs).replace(/\$\{var\.project\}/g, 'example-project')) };
      firstCalls.push({ name: file, call: id });
    }
  }
  // The two terraform runs side by side: each is one process, mostly on one core.
  [validationRun, planRun] = await Promise.all([runModuleCallsAsync(MODULE_JSON, STUBS, VALIDATION_CASES, 'validations'), runModuleCallsAsync(MODULE_JSON, STUBS, PLAN_CASES)]);
});

describe('module inputs, planned by terraform on provider-free copies of the modules', () => {
  test('blames every error on the call that caused it', () => {
    expect([...validationRun.unattributed, ...planRun.unattributed]).toEqual([]);
  });

  test.each(expectations)('$name', ({ call: id, stage, contains }) => {
    const errors = (stage === 'validation' ? validationRun : planRun).errorsOf(id);
    if (contains === undefined) expect(errors).toEqual([]);
    else {
      expect(errors.join('\n')).toContain(contains);
      // One clear error per mistake: no second one from a null in a message, or from a rule that also fires.
      expect(errors).toHaveLength(1);
    }
  });

  test('the README snippets and the minimal examples are first calls that pass every validation and precondition', () => {
    expect(firstCalls.map((c) => c.name).sort()).toEqual([...MODULES.map((m) => `the README snippet of ${m}`), 'the README snippet of additional-network in docs/hcl.md', ...EXAMPLES].sort());
    for (const { name, call: id } of firstCalls) expect({ name, errors: planRun.errorsOf(id) }).toEqual({ name, errors: [] });
  });
});

describe('the modules and the dev stacks cannot drift', () => {
  const dev = stacksOf();
  const network = synthJson(dev.network);
  const cluster = synthJson(dev.cluster);

  test('additional-network builds the VPC, subnet and firewall rule of the dev network stack', () => {
    for (const type of ['google_compute_network', 'google_compute_subnetwork', 'google_compute_firewall'] as const) {
      const stack = resourcesOf(network, type).find((r) => JSON.stringify(r).includes('multinet-dev-dataplane'))!;
      const expected = comparable(stack);
      // The module writes log_config as a dynamic block (null turns it off): compared in the next test.
      delete expected.log_config;
      expect({ type, body: devEvaluated('additional-network')[type] }).toEqual({ type, body: expected });
    }
  });

  test("additional-network keeps the dev subnet's flow logs, through a dynamic block that null turns off", () => {
    const subnet = moduleJson('additional-network').resource.google_compute_subnetwork.subnet;
    const block = subnet.dynamic.log_config;
    const blocks = (devEvaluated('additional-network').log_config as Json[]).map((element) =>
      JSON.parse(JSON.stringify(block.content).replace(/"\$\{log_config\.value\.([a-z_]+)\}"/g, (_, key: string) => JSON.stringify(element[key]))),
    );
    const stack = resourcesOf(network, 'google_compute_subnetwork').find((r) => r.name === 'multinet-dev-dataplane')!;
    expect(blocks).toEqual([stack.log_config]);
    expect(EVALUATED.flow_logs_off.blocks).toEqual([]);
  });

  test('multinet-cluster outputs each additional network\'s NIC, ranges and per-node block prefix, in NIC order (ranges read from the subnet when not given)', () => {
    expect(EVALUATED.interfaces.value).toEqual([
      { interface: 'eth1', network: 'multinet-dev-dataplane-vpc', subnetwork: 'multinet-dev-dataplane', pod_range_name: 'dataplane-pods', node_cidr: '10.0.1.0/24', pod_cidr: '172.16.1.0/24', max_pods_per_node: 8, node_block_prefix: 28 },
      // The second's ranges come from the subnet (the test stub's: test/modules STUBS).
      { interface: 'eth2', network: 'storage-vpc', subnetwork: 'storage', pod_range_name: 'storage-pods', node_cidr: '10.101.0.0/24', pod_cidr: '172.21.0.0/16', max_pods_per_node: 32, node_block_prefix: 26 },
    ]);
  });

  test('multinet-cluster outputs the master version and the DNS endpoint only when its external traffic is allowed', () => {
    const outputs = moduleJson('multinet-cluster').output;
    expect(outputs.master_version.value).toBe('${google_container_cluster.cluster.master_version}');
    expect(outputs.dns_endpoint.value).toMatch(/^\$\{try\(google_container_cluster\.cluster\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.allow_external_traffic, false\) \? .*\.endpoint : null\}$/);
  });

  test('multinet-node-pool builds the very pool multinet-cluster builds for the same pool and networks (one definition)', () => {
    const fromCluster = devEvaluated('multinet-cluster').pool as Record<string, Json>;
    const fromPoolModule = devEvaluated('multinet-node-pool').pool as Record<string, Json>;
    const { cluster: _c, node_config: { service_account: _s, ...nodeConfig }, ...rest } = fromPoolModule['multinet-pool'];
    const { cluster: _c2, node_config: { service_account: _s2, ...clusterNodeConfig }, ...clusterRest } = fromCluster['multinet-pool'];
    expect({ ...rest, node_config: nodeConfig }).toEqual({ ...clusterRest, node_config: clusterNodeConfig });
    expect([fromPoolModule['multinet-pool'].cluster, fromPoolModule['multinet-pool'].node_config.service_account]).toEqual(['projects/example-dev-project/locations/us-central1-c/clusters/platform', 'platform-nodes@example-dev-project.iam.gserviceaccount.com']);
  });

  test('additional-network takes flow_logs = null as the default (flow logs on), never as "off"', () => {
    expect(EVALUATED.flow_logs_null.blocks).toEqual([{ enabled: true, aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' }]);
  });

  test('multinet-cluster builds the cluster, node service account and role bindings of the dev cluster stack', () => {
    const module = moduleJson('multinet-cluster');
    const body = devEvaluated('multinet-cluster').cluster;
    // A module-only input, at GKE's default (false): environments do not set it.
    expect(body.private_cluster_config.master_global_access_config).toEqual({ enabled: false });
    delete body.private_cluster_config.master_global_access_config;
    expect(body).toEqual(comparable(resourcesOf(cluster, 'google_container_cluster')[0]));
    expect(module.resource.google_service_account.node_sa.count).toBe('${local.node_service_account == null ? 1 : 0}');
    expect(devEvaluated('multinet-cluster').node_sa).toEqual(comparable(resourcesOf(cluster, 'google_service_account')[0]));
    const roles = (bodies: Json[]) => bodies.map((b) => b.role).sort();
    expect(roles(Object.values(module.resource.google_project_iam_member))).toEqual(roles(resourcesOf(cluster, 'google_project_iam_member')));
    expect(module.resource.google_container_cluster.cluster.lifecycle.ignore_changes).toEqual(resourcesOf(cluster, 'google_container_cluster')[0].lifecycle.ignore_changes);
  });

  test('multinet-cluster builds the dev node pool: machine, security settings, upgrades, NICs in order', () => {
    const pool = moduleJson('multinet-cluster').resource.google_container_node_pool.node_pool;
    const evaluated = devEvaluated('multinet-cluster').pool as Record<string, Json>;
    expect(Object.keys(evaluated)).toEqual(['multinet-pool']);
    const stackPool = comparable(resourcesOf(cluster, 'google_container_node_pool')[0]);
    const { network_config: stackNetworks, ...stackRest } = stackPool;
    const { network_config: moduleNetworks, ...moduleRest } = evaluated['multinet-pool'];
    expect(moduleRest).toEqual(stackRest);
    expect(moduleNetworks).toEqual({ enable_private_nodes: stackNetworks.enable_private_nodes });
    // The NIC blocks: the dynamic blocks' maps, in key order, through their content templates.
    const nic = devEvaluated('multinet-cluster').nic;
    const elements = Object.keys(nic).sort().map((k) => nic[k]);
    const fill = (template: Json, iterator: string, element: Json) =>
      JSON.parse(JSON.stringify(template).replace(new RegExp(`"\\$\\{${iterator}\\.value\\.([a-z_]+)\\}"`, 'g'), (_, key: string) => JSON.stringify(element[key])));
    const dynamicBlocks = pool.network_config.dynamic;
    expect(elements.map((e) => fill(dynamicBlocks.additional_node_network_configs.content, 'nic', e))).toEqual(stackNetworks.additional_node_network_configs);
    expect(elements.map((e) => fill(dynamicBlocks.additional_pod_network_configs.content, 'pod_network', e))).toEqual(stackNetworks.additional_pod_network_configs);
    // The module's preconditions stand for the environment rules the stack ran at synth (nic-limit, machine-type-vcpus).
    const { precondition, ...lifecycle } = pool.lifecycle;
    expect(precondition).toHaveLength(2);
    expect(lifecycle).toEqual(resourcesOf(cluster, 'google_container_node_pool')[0].lifecycle);
  });

  test('multus-whereabouts installs the same release, rendering the same objects, as the dev workloads stack', () => {
    const module = moduleJson('multus-whereabouts');
    const release = module.resource.helm_release.release;
    const stackRelease = resourcesOf(synthJson(dev.workloads), 'helm_release')[0];
    const settings = (r: Json) => Object.fromEntries(['atomic', 'cleanup_on_fail', 'create_namespace', 'lint', 'wait'].map((k) => [k, r[k]]));
    expect(settings(release)).toEqual(settings(stackRelease));
    const values = { values: devEvaluated('multus-whereabouts') };
    expect(values.values.settings).toEqual({ name: stackRelease.name, namespace: stackRelease.namespace, timeout: stackRelease.timeout, max_history: stackRelease.max_history });
    // The chart the module installs, rendered with what the module passes equals the chart rendered with the stack's values.
    const rendered = helmTemplate(path.resolve(moduleDir('multus-whereabouts'), MODULE_CHART_PATH), values.values.values as unknown as string);
    expect(rendered).toEqual(renderChart({ networks: [{ name: 'dataplane', namespace: 'default', master: 'eth1', mode: 'l2', range: '172.16.1.0/24' }], tests: { requireCrossNode: true } }));
  });

  test('multus-whereabouts creates the sample pod of the dev workloads stack, after the release', () => {
    const module = moduleJson('multus-whereabouts');
    const pod = module.resource.kubernetes_pod_v1.sample;
    const evaluated = devEvaluated('multus-whereabouts').sample as Record<string, Json>;
    expect(Object.keys(evaluated)).toEqual(['default/dataplane']);
    const stackPod = comparable(resourcesOf(synthJson(dev.workloads), 'kubernetes_pod_v1')[0]);
    expect(evaluated['default/dataplane']).toEqual(stackPod);
    expect(pod.depends_on).toEqual(['helm_release.release', 'kubernetes_namespace_v1.namespace']);
    expect(pod.lifecycle).toEqual(resourcesOf(synthJson(dev.workloads), 'kubernetes_pod_v1')[0].lifecycle);
  });
});

/**
 * A resource body with every dynamic block written as the list of blocks it makes: `${[for k, v in <for_each> :
 * <content>]}`, the iterator's `.value` and `.key` read from the for-expression (nested dynamic blocks first).
 */
function expandDynamic(body: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'dynamic') {
      for (const [name, spec] of Object.entries(v as Json)) {
        const iterator = spec.iterator ?? name;
        const content = renderExpression(expandDynamic(spec.content), '')
          .replace(new RegExp(`\\b${iterator}\\.value\\b`, 'g'), 'v')
          .replace(new RegExp(`\\b${iterator}\\.key\\b`, 'g'), 'k');
        const forEach = String(spec.for_each).replace(/^\$\{([\s\S]*)\}$/, '$1');
        out[name] = `\${[for k, v in ${forEach} : ${content}]}`;
      }
    } else out[k] = v && typeof v === 'object' && !Array.isArray(v) ? expandDynamic(v) : v;
  }
  return out;
}

const SCANNED = ['additional-network', 'multinet-cluster'] as const;
/** Scanner checks that evaluate a for_each resource (one body per key). */
const SCANNER_FOR_EACH = new Set<string>();

/** Every resource of a module as a check, dynamic blocks expanded, references to other resources as a placeholder. */
function scannerChecks(m: (typeof SCANNED)[number]): Record<string, { value: unknown; forEach?: string }> {
  const checks: Record<string, { value: unknown; forEach?: string }> = {};
  for (const [type, byName] of Object.entries(moduleJson(m).resource as Json)) {
    for (const [name, body] of Object.entries(byName as Json)) {
      // Meta-arguments are not values: what the policy rules read is the rest.
      const { lifecycle, depends_on, for_each, count, ...rest } = body as Json;
      checks[`${type}__${name}`] = { value: expandDynamic(rest), ...(for_each ? { forEach: for_each } : {}) };
      if (for_each) SCANNER_FOR_EACH.add(`${type}__${name}`);
    }
  }
  return JSON.parse(JSON.stringify(checks).replace(/\bgoogle_[a-z_]+\.[a-z_]+(\[0\])?\.[a-z_]+(\[0\]\.[a-z_]+)?\b/g, '\\"ref\\"'));
}

/**
 * Every evaluation of module expressions in this file, in one terraform run (a module instance each): the dev
 * comparisons, flow logs off, control-plane access, attachment namespaces, the scanner's resources.
 */
let EVALUATED: Record<string, Record<string, unknown>>;
beforeAll(async () => {
  const snippet = async (m: string) =>
    (await callsIn(`${m}/README.md`, /```hcl\n([\s\S]*?)```/.exec(readFileSync(path.join(moduleDir(m), 'README.md'), 'utf8'))![1]))[0].inputs;
  // Values, not rules, are evaluated here: the validations (proven by the module calls above) are left out.
  const module = (name: keyof typeof DEV, values: Json, checks: Record<string, { value: unknown; forEach?: string }>, locals: Json = {}): Evaluation => {
    const data = dataAsLocals(moduleJson(name), STUBS);
    return {
      variables: { ...withoutValidations(moduleJson(name).variable), ...data.variables },
      values,
      locals: { ...(data.text(moduleJson(name).locals ?? {}) as Json), ...data.locals, ...locals },
      checks: data.text(checks) as typeof checks,
    };
  };
  const cluster = moduleJson('multinet-cluster').resource.google_container_cluster.cluster.dynamic.master_authorized_networks_config;
  const access = { enabled: { value: cluster.for_each }, ranges: { value: cluster.content.dynamic.cidr_blocks.for_each } };
  const restricted = { 'app.kubernetes.io/managed-by': 'terraform', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' };
  const objects = [
    { metadata: { name: 'storage', labels: { team: 'storage' } } },
    { metadata: { name: 'edge', labels: restricted } },
    { metadata: { name: 'web', labels: { ...restricted, 'multinet.gke.io/release': 'multus-whereabouts' } } },
    { metadata: { name: 'other', labels: { ...restricted, 'multinet.gke.io/release': 'another-release' } } },
  ];
  const namespaceNetworks = ['storage', 'edge', 'web', 'other', 'fresh', 'default'].map((ns, i) => ({ name: `net${i}`, namespace: ns, range: `172.16.${i}.0/24` }));
  const namespaceForEach = String(moduleJson('multus-whereabouts').resource.kubernetes_namespace_v1.namespace.for_each).replace(/data\.kubernetes_resources\.namespaces\./g, 'local.cluster_namespaces.');
  EVALUATED = evaluateManyWithTerraform({
    ...Object.fromEntries(MODULES.map((m) => [`dev_${m.replace(/-/g, '_')}`, module(m, DEV[m], DEV_CHECKS[m](), { engine_versions: NO_VERSIONS })])),
    flow_logs_off: module('additional-network', { ...DEV['additional-network'], flow_logs: { enabled: false } }, { blocks: { value: moduleJson('additional-network').resource.google_compute_subnetwork.subnet.dynamic.log_config.for_each } }),
    interfaces: module(
      'multinet-cluster',
      { ...DEV['multinet-cluster'], additional_networks: [{ ...DEV['multinet-cluster'].additional_networks[0], node_cidr: '10.0.1.0/24', pod_cidr: '172.16.1.0/24' }, { network: 'storage-vpc', subnetwork: 'storage', pod_range_name: 'storage-pods', max_pods_per_node: 32 }] },
      { value: { value: moduleJson('multinet-cluster').output.network_interfaces.value } },
    ),
    flow_logs_null: module('additional-network', { ...DEV['additional-network'], flow_logs: null }, { blocks: { value: moduleJson('additional-network').resource.google_compute_subnetwork.subnet.dynamic.log_config.for_each } }),
    private_endpoint: module('multinet-cluster', { ...DEV['multinet-cluster'], public_endpoint_open_to_any_address: false, private_endpoint: true }, access),
    open_to_any: module('multinet-cluster', DEV['multinet-cluster'], access),
    namespaces: module('multus-whereabouts', { networks: namespaceNetworks, node_additional_nics: 6 }, { created: { value: namespaceForEach } }, { cluster_namespaces: { objects } }),
    ...Object.fromEntries(await Promise.all(SCANNED.map(async (m) => [`scan_${m.replace(/-/g, '_')}`, module(m, await snippet(m), scannerChecks(m))]))),
  });
});

describe('multinet-cluster control-plane access, evaluated by terraform', () => {
  test('enables authorized networks with the private endpoint even when none is listed (GKE refuses a private endpoint without them)', () => {
    expect(EVALUATED.private_endpoint).toEqual({ enabled: [1], ranges: [] });
  });

  test('writes the opt-out as the authorized network 0.0.0.0/0, so turning it on also opens an existing cluster', () => {
    expect(EVALUATED.open_to_any).toEqual({ enabled: [1], ranges: [{ cidr_block: '0.0.0.0/0', display_name: 'any address (public_endpoint_open_to_any_address)' }] });
  });
});

describe('multus-whereabouts attachment namespaces, evaluated by terraform', () => {
  test('creates the missing ones and keeps its own (0.4.0 ones and a renamed release\'s included), never one that exists and is someone else\'s', () => {
    expect(EVALUATED.namespaces).toEqual({ created: ['edge', 'fresh', 'other', 'web'] });
  });
});

describe('scanners: the checkov ids the modules satisfy at their defaults', () => {
  test('evaluates what the rules read: the snippet\'s authorized network, the pools\' shielded boot, the subnet\'s flow logs', () => {
    const cluster = withoutNulls(EVALUATED.scan_multinet_cluster.google_container_cluster__cluster) as Json;
    expect(cluster.master_authorized_networks_config).toEqual([{ cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }] }]);
    const pool = Object.values(EVALUATED.scan_multinet_cluster.google_container_node_pool__node_pool as Json)[0];
    expect(pool.node_config.shielded_instance_config).toEqual({ enable_integrity_monitoring: true, enable_secure_boot: true });
    expect((EVALUATED.scan_additional_network.google_compute_subnetwork__subnet as Json).log_config).toEqual([{ aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' }]);
  });

  test("the README's list is what the product's policy rules find on the modules' resources, evaluated by terraform with the README snippets' inputs", () => {
    const satisfied = new Set<string>();
    const failed = new Set<string>();
    for (const m of SCANNED) {
      for (const [key, value] of Object.entries(EVALUATED[`scan_${m.replace(/-/g, '_')}`])) {
        const type = key.split('__')[0];
        const bodies = SCANNER_FOR_EACH.has(key) ? Object.values(value as Json) : [value];
        for (const body of bodies) {
          for (const rule of POLICY_RULES.filter((r) => r.resourceTypes.includes(type))) {
            (rule.check({ stack: m, type, address: key, body: withoutNulls(body) as Json }, {} as never) === undefined ? satisfied : failed).add(rule.id);
          }
        }
      }
    }
    const scanners = readFileSync(path.join(PROJECT_ROOT, TERRAFORM_MODULES_DIR, 'README.md'), 'utf8').split('## Scanners')[1];
    const listed = [...scanners.split('`public_endpoint_open_to_any_address')[0].matchAll(/`(CKV2?_GCP_\d+)`/g)].map((x) => x[1]);
    const ids = [...satisfied].filter((id) => !failed.has(id) && /^CKV/.test(id)).sort();
    expect(ids.length).toBeGreaterThan(15);
    expect(listed.sort()).toEqual(ids);
  });
});

describe('the CDKTF form of the modules', () => {
  test('stays importable for TypeScript users as gke-multinet/modules, with types (built by npm ci / prepare)', () => {
    const script = "const m = require('gke-multinet/modules'); console.log(JSON.stringify(['MultinetCluster', 'MultinetNodePool', 'SecondaryNetwork', 'MultusWhereabouts'].map((k) => typeof m[k])))";
    const result = spawnSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect({ stderr: result.stderr.split('\n')[0], stdout: result.stdout.trim() }).toEqual({ stderr: '', stdout: '["function","function","function","function"]' });
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['./modules'].types).toBe('./dist/modules/index.d.ts');
    expect(existsSync(path.join(PROJECT_ROOT, pkg.exports['./modules'].types))).toBe(true);
  });
});

describe('the examples, HCL root modules', () => {
  const EXAMPLE_ROOTS = ['guide/cluster', 'guide/workloads', 'additional-network', 'multinet-cluster', 'multinet-node-pool', 'multus-whereabouts'];
  /** This repository's modules a root calls (not another party's, such as terraform-google-modules'). */
  const ours = ([, [c]]: [string, Json[]]) => (MODULES as readonly string[]).includes(path.basename(c.source));
  const parsed = (root: string) => parseHcl('main.tf', readFileSync(path.join(PROJECT_ROOT, 'examples', root, 'main.tf'), 'utf8')) as Promise<Json>;

  test('call every module, the guide across its two roots', async () => {
    const sources = async (root: string) => Object.entries((await parsed(root)).module as Record<string, Json[]>).filter(ours).map(([, [c]]) => path.basename(c.source));
    // The guide makes its own cluster: every module but the one for a cluster made elsewhere.
    expect([...(await sources('guide/cluster')), ...(await sources('guide/workloads'))].sort()).toEqual(MODULES.filter((m) => m !== 'multinet-node-pool').sort());
    for (const m of MODULES) expect((await sources(m)).at(-1)).toEqual(m);
  });

  test.each(EXAMPLE_ROOTS)('%s passes every required variable of each module it calls, and no unknown one', async (root) => {
    for (const [call, [block]] of Object.entries((await parsed(root)).module as Record<string, Json[]>).filter(ours)) {
      const variables = moduleJson(path.basename(block.source)).variable as Json;
      const passed = Object.keys(block).filter((k) => !META.has(k));
      const required = Object.entries(variables).filter(([, v]) => !('default' in v)).map(([k]) => k);
      expect({ call, missing: required.filter((r) => !passed.includes(r)) }).toEqual({ call, missing: [] });
      expect({ call, unknown: passed.filter((p) => !(p in variables)) }).toEqual({ call, unknown: [] });
    }
  });

  // What the guide's resources and data sources would hold after an apply: the module calls then get what they would.
  const GUIDE_STUBS: Record<string, { values: Json; stubs: Json }> = {
    'guide/cluster': {
      values: { project: 'example-project', authorized_networks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }] },
      stubs: {
        'google_compute_network.primary': { id: 'projects/example-project/global/networks/multinet-guide-vpc', self_link: 'https://www.googleapis.com/compute/v1/projects/example-project/global/networks/multinet-guide-vpc' },
        'google_compute_subnetwork.primary': {
          self_link: 'https://www.googleapis.com/compute/v1/projects/example-project/regions/us-central1/subnetworks/multinet-guide-nodes',
          secondary_ip_range: [{ range_name: 'multinet-guide-pods' }, { range_name: 'multinet-guide-services' }],
        },
        'module.network': {
          dataplane: { network_name: 'multinet-guide-dataplane-vpc', subnetwork_name: 'multinet-guide-dataplane', pod_range_name: 'dataplane-pods', node_cidr: '10.0.1.0/24', pod_cidr: '172.16.1.0/24' },
        },
      },
    },
    // terraform-google-modules' cluster, stubbed by what its outputs hold after an apply (gke-standard-cluster v44.2.0
    // outputs.tf: cluster_id, location), beside what the root's own resources would hold.
    'multinet-node-pool': {
      values: { project: 'example-project' },
      stubs: {
        'module.gke': { cluster_id: 'projects/example-project/locations/us-central1-c/clusters/platform', location: 'us-central1-c', cluster_name: 'platform' },
        'google_service_account.nodes': { email: 'platform-nodes@example-project.iam.gserviceaccount.com' },
        'module.dataplane': { network_name: 'platform-dataplane-vpc', subnetwork_name: 'platform-dataplane', pod_range_name: 'platform-dataplane-pods', node_cidr: '10.0.1.0/24', pod_cidr: '172.16.1.0/24' },
      },
    },
    'guide/workloads': {
      values: { project: 'example-project' },
      stubs: { 'data.google_compute_subnetwork.additional': [{ name: 'multinet-guide-dataplane', secondary_ip_range: [{ ip_cidr_range: '172.16.1.0/24' }] }] },
    },
  };

  test.each(Object.keys(GUIDE_STUBS))('%s: every module call passes its validations and preconditions, given what its resources would hold', async (root) => {
    const { values, stubs } = GUIDE_STUBS[root];
    expect(planExample(await parsed(root), MODULE_JSON, STUBS, values, stubs)).toEqual([]);
  });

  test('the guide configures kubernetes and helm from the live cluster (data sources) and gke-gcloud-auth-plugin, with no credential in state', async () => {
    const { provider, data, module } = await parsed('guide/workloads');
    expect(Object.keys(provider).sort()).toEqual(['google', 'helm', 'kubernetes']);
    const plugin = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: ['--use_application_default_credentials=true'] };
    const connection = {
      host: 'https://${data.google_container_cluster.cluster.endpoint}',
      cluster_ca_certificate: '${base64decode(data.google_container_cluster.cluster.master_auth[0].cluster_ca_certificate)}',
    };
    expect(provider.kubernetes[0]).toEqual({ ...connection, exec: [plugin] });
    expect(provider.helm[0].kubernetes).toEqual({ ...connection, exec: plugin });
    // Terraform writes a data source's result to state: none may yield a token.
    expect(Object.keys(data).sort()).toEqual(['google_compute_subnetwork', 'google_container_cluster']);
    expect((await parsed('guide/workloads')).resource).toBeUndefined();
    expect(Object.keys(module)).toEqual(['multus']);
    expect((await parsed('guide/cluster')).provider).toEqual({ google: expect.any(Array) });
  });
});

/** `helm template` of a chart folder with a YAML values document (as Terraform's helm provider passes `values`), parsed. */
function helmTemplate(chart: string, valuesYaml: string): K8sObject[] {
  const result = helm(['template', 'multinet', chart, '--namespace', 'kube-system', '--include-crds'], parseYamlDocuments(valuesYaml)[0]);
  if (!result.ok) throw new Error(result.stderr);
  return parseYamlDocuments(result.stdout);
}

function listRelative(dir: string, sub = ''): string[] {
  return readdirSync(path.join(dir, sub))
    .sort()
    .flatMap((n) => (statSync(path.join(dir, sub, n)).isDirectory() ? listRelative(dir, path.join(sub, n)) : [path.join(sub, n).split(path.sep).join('/')]));
}
