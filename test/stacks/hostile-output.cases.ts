import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { orphanedStacks, removeOrphanedStacks } from '../../stacks/orphaned-stacks';
import { stacksOf, synthJson } from '../support/stacks';
import { applyLater } from '../support/terraform';

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
  const displayName = 'ops $HOME 100% {braces} $$';
  const cluster = synthJson(stacksOf((env) => (env.cluster.authorizedNetworks[0].displayName = displayName), 'prod').cluster);
  const written = (Object.values(cluster.resource.google_container_cluster)[0] as Record<string, any>).master_authorized_networks_config.cidr_blocks[0].display_name;
  // The very JSON string Terraform will read, as a resource argument evaluated by terraform itself.
  const readBack = applyLater({}, { display_name: { value: written } });

  test('an accepted display name with "$" and "%" is read back verbatim by terraform', () => {
    expect(readBack()).toEqual(expect.objectContaining({ ok: true, values: { display_name: displayName } }));
  });
});
