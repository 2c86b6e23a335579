import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { schemaFileText } from '../../stacks/write-schema';
import { GENERATED_PAGES, pageWithTables } from '../../stacks/reference-tables';
import { PROJECT_ROOT } from '../support/tools';
import { ENVIRONMENTS_DIR, planOf, shippedEnvironment } from '../support/environments';
import { perNodePodBlockPrefix, vcpusOfMachineType } from '../../modules/facts';

describe('environment plan', () => {
  test('numbers additional networks eth1, eth2, … in file order', () => {
    expect(planOf(() => {}, 'prod').additionalNetworks.map((n) => [n.key, n.nodeInterface, n.attachment.master])).toEqual([
      ['dataplane', 'eth1', 'eth1'],
      ['storage', 'eth2', 'eth2'],
    ]);
  });

  test('keeps an explicit IPVLAN master over the NIC order', () => {
    const plan = planOf((env) => {
      env.additionalNetworks.push({ ...env.additionalNetworks[0], name: 'storage', nodeCidr: '10.0.2.0/24', podCidr: '172.16.2.0/24', attachment: { name: 'storage' } });
      env.additionalNetworks[0].attachment.master = 'eth2';
      env.additionalNetworks[1].attachment.master = 'eth1';
    });
    expect(plan.additionalNetworks[0]).toMatchObject({ nodeInterface: 'eth1', attachment: { master: 'eth2' } });
  });

  test('applies the documented defaults', () => {
    const plan = planOf((env) => {
      delete env.cluster.releaseChannel;
      delete env.cluster.deletionProtection;
      delete env.additionalNetworks[0].maxPodsPerNode;
      env.additionalNetworks[0].attachment = { name: 'dataplane' };
    });
    expect(plan.cluster).toMatchObject({ releaseChannel: 'REGULAR', deletionProtection: true, privateNodes: true, maxPodsPerNode: 110 });
    expect(plan.primaryNetwork.cloudNat).toBe(false);
    expect(plan.additionalNetworks[0]).toMatchObject({
      maxPodsPerNode: 8,
      podRangeName: 'dataplane-pods',
      attachment: { namespace: 'default', mode: 'l2', exclude: [] },
    });
    expect(plan.examples.samplePod).toBe(true);
  });

  test('derives resource names from the cluster and network names', () => {
    const plan = planOf();
    expect(plan.primaryNetwork).toMatchObject({
      vpcName: 'multinet-dev-vpc',
      subnetName: 'multinet-dev-nodes',
      podRangeName: 'multinet-dev-pods',
      serviceRangeName: 'multinet-dev-services',
    });
    expect(plan.additionalNetworks[0]).toMatchObject({
      vpcName: 'multinet-dev-dataplane-vpc',
      subnetName: 'multinet-dev-dataplane',
      firewallName: 'multinet-dev-dataplane-allow-internal',
    });
    expect(plan.cluster.nodeServiceAccountId).toBe('multinet-dev-nodes');
  });

  test('shortens the node service account id to 30 characters', () => {
    const id = planOf((env) => (env.cluster.name = 'multinet-development-east')).cluster.nodeServiceAccountId;
    expect(id).toBe('multinet-development-ea-nodes');
    expect(id.length).toBeLessThanOrEqual(30);
  });

  test('counts one zone for a zonal cluster and three for a regional one without node locations', () => {
    expect(planOf().cluster).toMatchObject({ regional: false, zoneCount: 1 });
    expect(planOf((env) => (env.cluster.location = 'us-central1')).cluster).toMatchObject({ regional: true, zoneCount: 3 });
  });

  test('counts the listed node locations', () => {
    expect(planOf((env) => (env.cluster.nodeLocations = ['us-central1-b', 'us-central1-c']), 'prod').cluster.zoneCount).toBe(2);
  });
});

describe('GKE facts', () => {
  test.each([
    [28, 8],
    [27, 9],
    [27, 16],
    [26, 17],
    [26, 32],
    [25, 33],
    [25, 64],
    [24, 65],
    [24, 110],
  ])('reserves a /%i block per node for maxPodsPerNode %i', (prefix, maxPods) => {
    expect(perNodePodBlockPrefix(maxPods)).toBe(prefix);
  });

  test.each([
    ['e2-standard-4', 4],
    ['n2-highmem-8', 8],
    ['c3-standard-22-lssd', 22],
    ['n2-custom-6-16384', 6],
    ['e2-medium', 2],
    ['a3-highgpu-8g', undefined],
  ])('reads the vCPUs of %s', (machineType, vcpus) => {
    expect(vcpusOfMachineType(machineType)).toBe(vcpus);
  });
});

describe('environments/schema.json', () => {
  test('is generated from the validation schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync(path.join(ENVIRONMENTS_DIR, 'schema.json'), 'utf8')).toBe(schemaFileText());
  });

  test.each(GENERATED_PAGES)('%s holds the current generated tables (run `npm run schema` after changing them)', (page) => {
    const text = readFileSync(path.join(PROJECT_ROOT, page), 'utf8');
    expect(text).toBe(pageWithTables(page, text));
  });

  test('is documented field by field in docs/environments.md', () => {
    const reference = readFileSync(path.join(PROJECT_ROOT, 'docs/environments.md'), 'utf8');
    expect(reference).toContain('| `additionalNetworks[].attachment.mode` | `l2` | `"l2"` | IPVLAN mode: L2 only (see modules/facts/multus.ts). |');
  });

  test.each(['dev', 'prod'] as const)('accepts the shipped %s.json', (name) => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(schemaFileText()));
    expect(validate(shippedEnvironment(name))).toBe(true);
  });

  test('flags an unknown key for editors too', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(schemaFileText()));
    const env = shippedEnvironment('dev');
    env.cluster.nme = 'typo';
    expect(validate(env)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'nme' } }));
  });
});
