import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { orphanedStacks, removeOrphanedStacks } from '../../stacks/orphaned-stacks';
import { stacksOf, synthJson } from '../support/stacks';

describe('a synth of some environments', () => {
  const stacksDir = (names: string[]) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stacks-'));
    for (const name of names) mkdirSync(path.join(dir, name));
    return dir;
  };
  const ALL = ['bootstrap-dev', 'bootstrap-state-acme', 'dev-cluster', 'dev-network', 'dev-old', 'dev-workloads', 'prod-cluster', 'prod-network', 'prod-workloads', 'staging-network'];

  test("leaves the other environments' stack folders and the shared bootstraps as they were", () => {
    const dir = stacksDir(ALL);
    try {
      removeOrphanedStacks(dir, new Set(['dev-cluster', 'dev-network', 'dev-workloads']), ['dev']);
      expect(readdirSync(dir).sort()).toEqual(ALL.filter((n) => n !== 'bootstrap-dev'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('removes, in a synth of every environment, the folders no environment produces any more', () => {
    const dir = stacksDir(ALL);
    try {
      expect(orphanedStacks(dir, new Set(['dev-cluster', 'dev-network', 'dev-workloads', 'prod-cluster', 'prod-network', 'prod-workloads']), undefined)).toEqual([
        'bootstrap-dev',
        'bootstrap-state-acme',
        'dev-old',
        'staging-network',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('user strings that reach Terraform', () => {
  test('an accepted display name with "$" and "%" is read back verbatim by terraform', () => {
    const displayName = 'ops $HOME 100% {braces} $$';
    const cluster = synthJson(stacksOf((env) => (env.cluster.authorizedNetworks[0].displayName = displayName), 'prod').cluster);
    const written = (Object.values(cluster.resource.google_container_cluster)[0] as Record<string, any>).master_authorized_networks_config.cidr_blocks[0].display_name;
    // The very JSON string Terraform will read, evaluated by terraform itself (an output needs no provider).
    const dir = mkdtempSync(path.join(tmpdir(), 'readback-'));
    try {
      writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ output: { display_name: { value: written } } }));
      const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' };
      const apply = spawnSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, encoding: 'utf8', env });
      expect({ status: apply.status, stderr: apply.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(spawnSync('terraform', ['output', '-json', 'display_name'], { cwd: dir, encoding: 'utf8', env }).stdout)).toBe(displayName);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
