import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ENVIRONMENT_NAME_RULE,
  ENVIRONMENT_RULES,
  EnvironmentError,
  FOLDER_RULES,
  loadEnvironmentText as loadWithoutPolicy,
  loadEnvironments,
} from '../../stacks/environment';
import { KNOWN_WAIVERS_RULE, POLICY_RULES } from '../../stacks/policy/rules';
import { RULES } from '../../stacks/rules';
import { rulesMarkdown } from '../../stacks/reference-tables';

/** The loader as a synth runs it (main.ts): the config layer's rules and the policy's waiver rule. */
const loadEnvironmentText = (name: string, text: string) => loadWithoutPolicy(name, text, [KNOWN_WAIVERS_RULE]);
import { environmentText, RawEnvironment } from '../support/environments';

/** The ids of the rules a mutated shipped environment breaks, with the field paths they report. */
function brokenRules(mutate: (env: RawEnvironment) => void, base: 'dev' | 'prod' = 'dev'): { rule?: string; path: string }[] {
  return loadEnvironmentText(base, environmentText(mutate, base)).problems.map((p) => ({ rule: p.rule, path: p.path }));
}

const existing = { network: 'team-dataplane', subnetwork: 'team-dataplane-us', podRangeName: 'team-pods' };
const sharedVpc = { network: 'shared', subnetwork: 'gke', podRangeName: 'gke-pods', serviceRangeName: 'gke-services' };
const cloud = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet' };

/**
 * For every environment rule: the smallest change to a shipped environment that breaks it, and the field it must
 * name. A rule added to the registry without a case here fails the coverage test below.
 */
const ENVIRONMENT_RULE_CASES: Record<string, { base?: 'dev' | 'prod'; mutate: (env: RawEnvironment) => void; path: string }> = {
  'cluster-location-in-region': { mutate: (env) => (env.cluster.location = 'us-east1-b'), path: 'region' },
  'node-block-takes-the-block': {
    mutate: (env) => Object.assign(env.additionalNetworks[0].attachment, { ipam: 'node-block', rangeStart: '172.16.1.10' }),
    path: 'additionalNetworks[0].attachment.rangeStart',
  },
  'attachment-name-for-tests': { mutate: (env) => (env.additionalNetworks[0].attachment.name = '5g-core'), path: 'additionalNetworks[0].attachment.name' },
  'ipvlan-master-is-a-node-nic': { mutate: (env) => (env.additionalNetworks[0].attachment.master = 'eth0'), path: 'additionalNetworks[0].attachment.master' },
  'node-locations': { mutate: (env) => (env.cluster.nodeLocations = ['us-central1-c', 'us-east1-b']), path: 'cluster.nodeLocations[1]' },
  'unique-node-pool-names': { mutate: (env) => env.nodePools.push({ ...env.nodePools[0] }), path: 'nodePools[1].name' },
  'machine-type-vcpus': { mutate: (env) => (env.nodePools[0].machineType = 'z3-future-type'), path: 'nodePools[0].machineType' },
  'nic-limit': { base: 'prod', mutate: (env) => (env.nodePools[0].machineType = 'e2-standard-2'), path: 'nodePools[0].machineType' },
  'autoscaling-bounds': { base: 'prod', mutate: (env) => (env.nodePools[0].autoscaling = { minNodeCount: 3, maxNodeCount: 1 }), path: 'nodePools[0].autoscaling.minNodeCount' },
  'range-overlap': { mutate: (env) => (env.additionalNetworks[0].podCidr = '10.20.0.0/24'), path: 'additionalNetworks[0].podCidr' },
  'node-range-capacity': {
    // A /29 has 4 usable addresses; 3 nodes, replaced create-before-destroy, need 6.
    mutate: (env) => {
      env.additionalNetworks[0].nodeCidr = '10.0.1.0/29';
      env.nodePools[0].nodeCount = 3;
    },
    path: 'additionalNetworks[0].nodeCidr',
  },
  'pod-range-capacity': { mutate: (env) => (env.additionalNetworks[0].podCidr = '172.16.1.0/27'), path: 'additionalNetworks[0].podCidr' },
  'unique-network-names': { base: 'prod', mutate: (env) => (env.additionalNetworks[1].name = 'dataplane'), path: 'additionalNetworks[1].name' },
  'unique-attachments': { base: 'prod', mutate: (env) => (env.additionalNetworks[1].attachment = { name: 'dataplane', namespace: 'default' }), path: 'additionalNetworks[1].attachment.name' },
  'ipvlan-master-per-network': { base: 'prod', mutate: (env) => (env.additionalNetworks[1].attachment.master = 'eth1'), path: 'additionalNetworks[1].attachment.master' },
  'attachment-range-bounds': { mutate: (env) => (env.additionalNetworks[0].attachment.exclude = ['10.9.9.0/30']), path: 'additionalNetworks[0].attachment.exclude[0]' },
  'no-terraform-template': { mutate: (env) => (env.cluster.authorizedNetworks = [{ cidr: '203.0.113.0/24', displayName: '${file("/etc/hostname")}' }]), path: 'cluster.authorizedNetworks[0].displayName' },
  'node-block-unique-names': {
    base: 'prod',
    mutate: (env) => {
      for (const n of env.additionalNetworks) Object.assign(n.attachment, { ipam: 'node-block', name: 'data' });
    },
    path: 'additionalNetworks[1].attachment.name',
  },
  'disk-type-for-machine': { mutate: (env) => (env.nodePools[0].diskType = 'hyperdisk-balanced'), path: 'nodePools[0].diskType' },
  'attachment-keeps-an-address': { mutate: (env) => (env.additionalNetworks[0].attachment.rangeStart = '172.16.1.254'), path: 'additionalNetworks[0].attachment.rangeStart' },
  'existing-network-range-name': { mutate: (env) => Object.assign(env.additionalNetworks[0], { existing, podRangeName: 'other' }), path: 'additionalNetworks[0].podRangeName' },
  'existing-network-no-cloud-nat': { mutate: (env) => Object.assign(env.cluster, { existing: sharedVpc, cloudNat: true }), path: 'cluster.cloudNat' },
  'nic-projects': { mutate: (env) => (env.additionalNetworks[0].existing = { ...existing, project: 'network-host-project' }), path: 'additionalNetworks[0].existing.project' },
  'vpc-per-nic': {
    base: 'prod',
    mutate: (env) => {
      env.additionalNetworks[0].existing = existing;
      env.additionalNetworks[1].existing = { ...existing, subnetwork: 'other', podRangeName: 'other-pods' };
    },
    path: 'additionalNetworks[1].existing.network',
  },
  'derived-name-length': {
    mutate: (env) => {
      env.cluster.name = 'c'.repeat(40);
      env.additionalNetworks[0].name = 'dataplane-fast';
    },
    path: 'additionalNetworks[0].name',
  },
  'unique-derived-names': { mutate: (env) => (env.additionalNetworks[0].name = 'nodes'), path: 'additionalNetworks[0].name' },
  'tfc-workspace-names': { mutate: (env) => (env.backend = { ...cloud, workspacePrefix: 'p'.repeat(80) }), path: 'backend.workspacePrefix' },
  'tfc-token-subject': { mutate: (env) => (env.backend = { ...cloud, organization: 'o'.repeat(40), project: 'p'.repeat(40) }), path: 'backend.project' },
  'tfc-authorized-networks': { base: 'prod', mutate: (env) => (env.backend = cloud), path: 'cluster.authorizedNetworks' },
  'known-waivers': { mutate: (env) => (env.policy.waivers[0].rule = 'CKV_GCP_999'), path: 'policy.waivers[0].rule' },
  'created-bucket-settings': {
    mutate: (env) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state', createBucket: false, keepNoncurrentVersions: 5 }),
    path: 'backend.keepNoncurrentVersions',
  },
  'maintenance-policy': {
    mutate: (env) => (env.cluster.maintenance = { window: { startTime: '2026-01-03T02:00:00Z', endTime: '2026-01-03T04:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA' } }),
    path: 'cluster.maintenance.window.endTime',
  },
};

describe('the rule registry', () => {
  test('gives every rule a unique id, a one-line description and a scope', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect({ id: rule.id, ok: /^[A-Z`'a-z0-9].*\.$/.test(rule.description) && !rule.description.includes('\n') }).toEqual({ id: rule.id, ok: true });
      expect(['environment', 'folder', 'resource']).toContain(rule.scope);
    }
  });

  test('holds at least the checkov ids the policy promises', () => {
    expect(POLICY_RULES.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'CKV_GCP_25', 'CKV_GCP_64', 'CKV_GCP_20', 'CKV_GCP_18', 'CKV_GCP_71', 'CKV_GCP_7', 'CKV_GCP_13', 'CKV_GCP_70', 'CKV_GCP_23',
        'CKV_GCP_21', 'CKV2_GCP_1', 'CKV_GCP_12', 'CKV_GCP_68', 'CKV_GCP_72', 'CKV_GCP_69', 'CKV_GCP_9', 'CKV_GCP_10', 'CKV_GCP_22',
        'CKV_GCP_26', 'CKV_GCP_74', 'production-deletion-protection', 'no-open-firewall',
      ]),
    );
  });

  test('lists every rule in the docs/rules.md table, each once', () => {
    const table = rulesMarkdown();
    for (const rule of RULES) expect(table.split('\n').filter((line) => line.startsWith(`| \`${rule.id}\` |`))).toHaveLength(1);
    expect(table).toContain('| `production-deletion-protection` | A production environment keeps deletion protection on its cluster. | every synthesized resource (policy) | no |');
  });

  test('has a breaking case in this file for every environment rule, so none goes untested', () => {
    expect(Object.keys(ENVIRONMENT_RULE_CASES).sort()).toEqual([...ENVIRONMENT_RULES, KNOWN_WAIVERS_RULE].map((r) => r.id).sort());
  });
});

describe('environment rules', () => {
  test.each(Object.entries(ENVIRONMENT_RULE_CASES))('%s reports its id at the field it names', (id, { base, mutate, path: field }) => {
    expect(brokenRules(mutate, base)).toContainEqual({ rule: id, path: field });
  });

  test.each(['dev', 'prod'] as const)('the shipped %s environment breaks none', (base) => {
    expect(brokenRules(() => {}, base)).toEqual([]);
  });

  test('environment-name reports its id for a file name that cannot name stacks', () => {
    expect(loadEnvironmentText('Dev_1', environmentText()).problems).toEqual([expect.objectContaining({ rule: ENVIRONMENT_NAME_RULE.id })]);
  });
});

describe('policy waivers in the environment file', () => {
  const waive = (rule: string, reason = 'The reviewer accepted this for a documented reason.') => (env: RawEnvironment) => (env.policy = { waivers: [{ rule, reason }] });

  test('rejects a waiver without a reason', () => {
    expect(brokenRules((env) => (env.policy = { waivers: [{ rule: 'CKV_GCP_20' }] }))).toEqual([{ rule: undefined, path: 'policy.waivers[0].reason' }]);
  });

  test('rejects a reason too short to tell a reviewer anything', () => {
    expect(loadEnvironmentText('dev', environmentText(waive('CKV_GCP_20', 'dev'))).problems).toEqual([
      { path: 'policy.waivers[0].reason', message: '"dev" must say, in at least 20 characters, why the rule does not apply here' },
    ]);
  });

  test('rejects an unknown rule id, naming the field and the rules that may be waived', () => {
    const [problem] = loadEnvironmentText('dev', environmentText(waive('CKV_GCP_999'))).problems;
    expect(problem).toEqual({ rule: 'known-waivers', path: 'policy.waivers[0].rule', message: expect.stringMatching(/^"CKV_GCP_999" is not a policy rule; use one of CKV_GCP_25, CKV_GCP_64, CKV_GCP_20, /) });
  });

  test('rejects a waiver of a rule that cannot be waived', () => {
    expect(loadEnvironmentText('prod', environmentText(waive('production-deletion-protection'), 'prod')).problems).toEqual([
      { rule: 'known-waivers', path: 'policy.waivers[0].rule', message: 'production-deletion-protection cannot be waived: A production environment keeps deletion protection on its cluster.' },
    ]);
  });

  test('rejects a rule waived twice', () => {
    const twice = (env: RawEnvironment) => env.policy.waivers.push({ ...env.policy.waivers[0] });
    expect(brokenRules(twice)).toEqual([{ rule: 'known-waivers', path: 'policy.waivers[1].rule' }]);
  });

  test('rejects a validation rule id: only policy rules can be waived', () => {
    expect(brokenRules(waive('range-overlap'))).toEqual([{ rule: 'known-waivers', path: 'policy.waivers[0].rule' }]);
  });
});

describe('folder rules', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** Loads a folder of mutated shipped environments; returns every problem line, or [] when the folder is valid. */
  function folderProblems(files: Record<string, { base?: 'dev' | 'prod'; mutate?: (env: RawEnvironment) => void }>): { rule?: string; line: string }[] {
    const dir = mkdtempSync(path.join(tmpdir(), 'folder-'));
    dirs.push(dir);
    for (const [name, { base = 'dev', mutate = () => {} }] of Object.entries(files)) writeFileSync(path.join(dir, `${name}.json`), environmentText(mutate, base));
    try {
      loadEnvironments(dir, { displayRoot: dir });
      return [];
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      return error.problems.map((p) => ({ rule: p.rule, line: `${p.file}: ${p.path}: ${p.message}` }));
    }
  }

  test('accepts the shipped environments together', () => {
    expect(folderProblems({ dev: {}, prod: { base: 'prod' } })).toEqual([]);
  });

  test('accepts two environments in one project with their own names', () => {
    expect(folderProblems({ dev: {}, qa: { mutate: (env) => (env.cluster.name = 'multinet-qa') } })).toEqual([]);
  });

  test('accepts the same names in two projects', () => {
    expect(folderProblems({ dev: {}, qa: { mutate: (env) => (env.project = 'example-qa-project') } })).toEqual([]);
  });

  test('rejects a copied environment in the same project with one line per file, saying to change cluster.name', () => {
    const lines = folderProblems({ dev: {}, qa: {} });
    expect(lines).toEqual([
      {
        rule: 'unique-names-across-environments',
        line: 'qa.json: cluster.name: "multinet-dev" is also dev.json\'s cluster.name in project example-dev-project: the cluster, node service account, VPC, subnet names would collide; give each environment its own cluster.name (or its own project)',
      },
      {
        rule: 'unique-names-across-environments',
        line: 'dev.json: cluster.name: "multinet-dev" is also qa.json\'s cluster.name in project example-dev-project: the cluster, node service account, VPC, subnet names would collide; give each environment its own cluster.name (or its own project)',
      },
    ]);
  });

  test('prints at most four lines for a copy of prod, the first saying to change cluster.name', () => {
    const error = (() => {
      const dir = mkdtempSync(path.join(tmpdir(), 'folder-'));
      dirs.push(dir);
      writeFileSync(path.join(dir, 'prod.json'), environmentText(() => {}, 'prod'));
      writeFileSync(path.join(dir, 'prod-copy.json'), environmentText(() => {}, 'prod'));
      try {
        loadEnvironments(dir, { displayRoot: dir });
      } catch (e) {
        return e as EnvironmentError;
      }
      throw new Error('expected the folder to be refused');
    })();
    const lines = error.message.split('\n');
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines[0]).toMatch(/: cluster\.name: .*give each environment its own cluster\.name \(or its own project\)$/);
  });

  test('rejects a name clash of a network VPC even when the clusters differ', () => {
    const lines = folderProblems({
      dev: {},
      // multinet + dev-dataplane derives the VPC name dev derives from multinet-dev + dataplane.
      qa: {
        mutate: (env) => {
          env.cluster.name = 'multinet';
          env.additionalNetworks[0].name = 'dev-dataplane';
        },
      },
    });
    expect(lines.map((l) => l.line)).toContain(
      'qa.json: additionalNetworks[0].name: derives VPC "multinet-dev-dataplane-vpc", subnet "multinet-dev-dataplane", firewall "multinet-dev-dataplane-allow-internal" in project example-dev-project, which dev.json (additionalNetworks[0].name) also creates; each environment needs its own names',
    );
    expect(lines.some((l) => l.line.includes('cluster.name'))).toBe(false);
  });

  test('rejects two environments whose Terraform Cloud workspaces coincide, in both files', () => {
    const cloudOf = (env: RawEnvironment, project: string, workspacePrefix: string) =>
      (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project, workspacePrefix });
    const lines = folderProblems({
      dev: { mutate: (env) => cloudOf(env, 'platform', 'team-') },
      'team-dev': {
        mutate: (env) => {
          env.cluster.name = 'multinet-team-dev';
          cloudOf(env, 'team', '');
        },
      },
    });
    expect(lines).toEqual(
      ['network', 'cluster', 'workloads'].flatMap((stack) => [
        {
          rule: 'unique-state-locations',
          line: `team-dev.json: backend.workspacePrefix: state app.terraform.io/acme/team-dev-${stack} is also the state of dev.json (backend.workspacePrefix: app.terraform.io/acme/team-dev-${stack}); give each environment its own prefix or workspace prefix`,
        },
        {
          rule: 'unique-state-locations',
          line: `dev.json: backend.workspacePrefix: state app.terraform.io/acme/team-dev-${stack} is also the state of team-dev.json (backend.workspacePrefix: app.terraform.io/acme/team-dev-${stack}); give each environment its own prefix or workspace prefix`,
        },
      ]),
    );
  });

  test('rejects a GCS state prefix inside another environment\'s', () => {
    const gcs = (prefix: string) => (env: RawEnvironment) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state', prefix, bucketProject: 'acme-admin' });
    const lines = folderProblems({ dev: { mutate: gcs('team') }, prod: { base: 'prod', mutate: gcs('team/dev-network') } });
    expect(lines).toContainEqual({
      rule: 'unique-state-locations',
      line: 'prod.json: backend.prefix: state gs://acme-multinet-state/team/dev-network/prod-network overlaps the state of dev.json (backend.prefix: gs://acme-multinet-state/team/dev-network); give each environment its own prefix or workspace prefix',
    });
    expect(lines).toContainEqual({
      rule: 'unique-state-locations',
      line: 'dev.json: backend.prefix: state gs://acme-multinet-state/team/dev-network overlaps the state of prod.json (backend.prefix: gs://acme-multinet-state/team/dev-network/prod-network); give each environment its own prefix or workspace prefix',
    });
    expect(lines.every((l) => l.rule === 'unique-state-locations')).toBe(true);
  });

  const gcsIn = (extra: RawEnvironment = {}) => (env: RawEnvironment) => (env.backend = { type: 'gcs', bucket: 'acme-multinet-state', ...extra });
  const cloudIn = (extra: RawEnvironment = {}) => (env: RawEnvironment) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet', ...extra });
  const named = (name: string, mutate: (env: RawEnvironment) => void) => ({ mutate: (env: RawEnvironment) => ((env.cluster.name = `multinet-${name}`), mutate(env)) });

  test('accepts three environments sharing one bucket and two sharing one Terraform Cloud project', () => {
    expect(
      folderProblems({ a: named('a', gcsIn()), b: named('b', gcsIn()), c: named('c', gcsIn({ prefix: 'teams/c' })), t1: named('t1', cloudIn()), t2: named('t2', cloudIn()) }),
    ).toEqual([]);
  });

  test('accepts a shared bucket and project that exist already, in every environment naming them', () => {
    expect(folderProblems({ a: named('a', gcsIn({ createBucket: false })), b: named('b', gcsIn({ createBucket: false })), t1: named('t1', cloudIn({ createProject: false })) })).toEqual([]);
  });

  test('rejects environments that disagree on creating a shared bucket, naming the field and the other file', () => {
    expect(folderProblems({ a: named('a', gcsIn()), b: named('b', gcsIn({ createBucket: false })) })).toEqual([
      {
        rule: 'shared-backends',
        line: 'b.json: backend.createBucket: state bucket "acme-multinet-state" is also named by a.json, where createBucket is true; here it is false (written or by default): give every environment that names it the same createBucket, as it is created once, by bootstrap-state-acme-multinet-state',
      },
    ]);
  });

  test('rejects environments in two projects that leave the shared bucket\'s project to their defaults', () => {
    const lines = folderProblems({ dev: { mutate: gcsIn() }, prod: { base: 'prod', mutate: gcsIn() } });
    expect(lines).toEqual([
      {
        rule: 'shared-backends',
        line: 'prod.json: backend.bucketProject: state bucket "acme-multinet-state" is also named by dev.json, where bucketProject is "example-dev-project"; here it is "example-prod-project" (written or by default): give every environment that names it the same bucketProject, as it is created once, by bootstrap-state-acme-multinet-state',
      },
    ]);
  });

  test('rejects environments that disagree on creating a shared Terraform Cloud project', () => {
    expect(folderProblems({ t1: named('t1', cloudIn()), t2: named('t2', cloudIn({ createProject: false })) }).map((l) => l.line)).toEqual([
      't2.json: backend.createProject: Terraform Cloud project "gke-multinet" of app.terraform.io/acme is also named by t1.json, where createProject is true; here it is false (written or by default): give every environment that names it the same createProject, as it is created once, by bootstrap-tfc-acme-gke-multinet',
    ]);
  });

  test('rejects two Terraform Cloud projects whose names would share one bootstrap stack', () => {
    expect(folderProblems({ t1: named('t1', cloudIn({ project: 'GKE multinet' })), t2: named('t2', cloudIn({ project: 'gke-multinet' })) })).toEqual([
      {
        rule: 'shared-backends',
        line: 't2.json: backend.project: Terraform Cloud project "gke-multinet" of app.terraform.io/acme and Terraform Cloud project "GKE multinet" of app.terraform.io/acme (t1.json) would both be created by stack bootstrap-tfc-acme-gke-multinet: rename one of the projects',
      },
    ]);
  });

  test("rejects an environment whose bootstrap stack would take a shared bootstrap stack's name", () => {
    expect(folderProblems({ a: named('a', gcsIn()), 'state-acme-multinet-state': named('s', cloudIn({ createProject: false, workspacePrefix: 's-' })) })).toEqual([
      {
        rule: 'unique-stack-names',
        line: 'state-acme-multinet-state.json: : environment state-acme-multinet-state\'s stack bootstrap-state-acme-multinet-state has the name of the stack that creates state bucket "acme-multinet-state" (a.json): rename this environment file',
      },
    ]);
  });

  test('runs every folder rule, and only those, in these tests', () => {
    expect(FOLDER_RULES.map((r) => r.id).sort()).toEqual(['shared-backends', 'unique-names-across-environments', 'unique-stack-names', 'unique-state-locations']);
  });
});
