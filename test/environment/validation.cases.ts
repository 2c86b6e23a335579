import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EnvironmentError, loadEnvironmentText, loadEnvironments, loadSelectedEnvironments } from '../../stacks/environment';
import { environmentText, problemsOf, shippedEnvironment } from '../support/environments';

describe('environment validation', () => {
  test('accepts the shipped dev environment', () => {
    expect(problemsOf(() => {})).toEqual([]);
  });

  test('accepts the shipped prod environment', () => {
    expect(problemsOf(() => {}, 'prod')).toEqual([]);
  });

  test('rejects malformed JSON and says where', () => {
    const result = loadEnvironmentText('dev', '{\n  "project": "p",\n}');
    expect(result.problems).toEqual([{ path: '', message: expect.stringMatching(/^is not valid JSON: .* at line 3, column 1$/) }]);
  });

  test('rejects unknown keys, naming the allowed ones', () => {
    expect(problemsOf((env) => (env.cluster.colour = 'blue'))).toEqual([
      expect.stringMatching(/^cluster\.colour: unknown key \(a typo\?\); allowed here: name, location, .*serviceCidr/),
    ]);
  });

  test('rejects a key with a typo, suggesting the closest allowed one', () => {
    expect(problemsOf((env) => (env.nodePools[0].spto = true))).toEqual([
      expect.stringMatching(/^nodePools\[0\]\.spto: unknown key: did you mean "spot"\? allowed here: name, machineType, /),
    ]);
    expect(problemsOf((env) => (env.cluster.nme = 'typo'))).toEqual([expect.stringMatching(/^cluster\.nme: unknown key: did you mean "name"\?/)]);
  });

  test('rejects unknown keys inside list items', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.mtu = 1500))).toEqual([
      expect.stringMatching(/^additionalNetworks\[0\]\.attachment\.mtu: unknown key/),
    ]);
  });

  test('rejects missing required keys', () => {
    expect(problemsOf((env) => delete env.cluster.podCidr)).toEqual(['cluster.podCidr: is required (string)']);
  });

  test('rejects values of the wrong type, showing the value', () => {
    expect(problemsOf((env) => (env.nodePools[0].nodeCount = '2'))).toEqual(['nodePools[0].nodeCount: expected number, got "2"']);
  });

  test('rejects a string that is not a CIDR', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].podCidr = 'not-a-cidr'))).toEqual([
      'additionalNetworks[0].podCidr: "not-a-cidr" is not an IPv4 CIDR block (expected a.b.c.d/n, e.g. 10.0.1.0/24)',
    ]);
  });

  test('rejects an address that is not IPv4', () => {
    expect(problemsOf((env) => (env.cluster.nodeCidr = '10.300.0.0/20'))).toEqual([
      'cluster.nodeCidr: "10.300.0.0/20" is not an IPv4 CIDR block (expected a.b.c.d/n, e.g. 10.0.1.0/24)',
    ]);
  });

  test('rejects a prefix out of range', () => {
    expect(problemsOf((env) => (env.cluster.serviceCidr = '10.30.0.0/28'))).toEqual([
      'cluster.serviceCidr: "10.30.0.0/28" has prefix /28; allowed is /16 to /27',
    ]);
  });

  test('rejects host bits set and says which network was meant', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].podCidr = '172.16.1.5/24'))).toEqual([
      'additionalNetworks[0].podCidr: "172.16.1.5/24" has host bits set (did you mean 172.16.1.0/24?)',
    ]);
  });

  test('rejects overlapping cluster ranges', () => {
    expect(problemsOf((env) => (env.cluster.serviceCidr = '10.20.16.0/20'))).toEqual([
      'cluster.serviceCidr: 10.20.16.0/20 overlaps cluster.podCidr (10.20.0.0/16)',
    ]);
  });

  test('rejects an additional range overlapping a cluster range', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].nodeCidr = '10.10.4.0/24'))).toEqual([
      'additionalNetworks[0].nodeCidr: 10.10.4.0/24 overlaps cluster.nodeCidr (10.10.0.0/20)',
    ]);
  });

  test('rejects overlapping ranges of two additional networks', () => {
    expect(problemsOf((env) => (env.additionalNetworks[1].podCidr = '172.16.1.0/24'), 'prod')).toEqual([
      'additionalNetworks[1].podCidr: 172.16.1.0/24 overlaps additionalNetworks[0].podCidr (172.16.1.0/24)',
    ]);
  });

  test('rejects a pod range too small for the nodes of a zonal cluster', () => {
    // dev: 2 nodes, and 2 more while the pool is replaced; maxPodsPerNode 8 -> a /28 each = 64 addresses; a /27 has 32.
    expect(problemsOf((env) => (env.additionalNetworks[0].podCidr = '172.16.1.0/27'))).toEqual([
      'additionalNetworks[0].podCidr: 172.16.1.0/27 holds 2 nodes with additionalNetworks[0].maxPodsPerNode 8 (a /28 per node) but needs room for 4: old and new nodes share it while a pool is replaced create-before-destroy (multinet-pool: (2 old + 2 new) × 1 zone); use a /26 or larger',
    ]);
  });

  test('rejects a pod range that holds the pools and a surge node but not their create-before-destroy replacement', () => {
    // 3 nodes + 1 surge = 4 /28 blocks fit a /26; the replacement needs 3 old + 3 new = 6.
    expect(problemsOf((env) => Object.assign(env.nodePools[0], { nodeCount: 3 }) && (env.additionalNetworks[0].podCidr = '172.16.1.0/26'))).toEqual([
      'additionalNetworks[0].podCidr: 172.16.1.0/26 holds 4 nodes with additionalNetworks[0].maxPodsPerNode 8 (a /28 per node) but needs room for 6: old and new nodes share it while a pool is replaced create-before-destroy (multinet-pool: (3 old + 3 new) × 1 zone); use a /25 or larger',
    ]);
  });

  test('rejects a pod range too small once a regional cluster multiplies nodes by zones', () => {
    // prod: (3 old at max + 2 new at their initial count) × 3 zones = 15 nodes; at 16 max pods (a /27 each) that needs a /23.
    expect(problemsOf((env) => (env.additionalNetworks[0].maxPodsPerNode = 16), 'prod')).toEqual([
      expect.stringMatching(
        /^additionalNetworks\[0\]\.podCidr: 172\.16\.1\.0\/24 holds 8 nodes with .* \(a \/27 per node\) but needs room for 15: .*\(multinet-pool: \(3 old \+ 2 new\) × 3 zones\); use a \/23 or larger/,
      ),
    ]);
  });

  test('rejects a regional cluster whose default three zones overflow the range', () => {
    const problems = problemsOf((env) => {
      env.cluster.location = 'us-central1';
      env.nodePools[0].nodeCount = 5;
    });
    expect(problems).toEqual([expect.stringMatching(/^additionalNetworks\[0\]\.podCidr: .* needs room for 30: .*\(multinet-pool: \(5 old \+ 5 new\) × 3 zones\)/)]);
  });

  test('rejects a cluster pod range too small for the nodes', () => {
    expect(problemsOf((env) => (env.cluster.podCidr = '10.20.0.0/24'))).toEqual([
      expect.stringMatching(/^cluster\.podCidr: 10\.20\.0\.0\/24 holds 1 node with cluster\.maxPodsPerNode 110 \(a \/24 per node\)/),
    ]);
  });

  test('rejects a node range too small for the nodes', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].nodeCidr = '10.0.1.0/29') && (env.nodePools[0].nodeCount = 4))).toEqual([
      'additionalNetworks[0].nodeCidr: 10.0.1.0/29 has 4 usable addresses but needs room for 8 nodes: old and new nodes share it while a pool is replaced create-before-destroy (multinet-pool: (4 old + 4 new) × 1 zone)',
    ]);
  });

  test.each([7, 111])('rejects additionalNetworks maxPodsPerNode %i outside 8..110', (value) => {
    expect(problemsOf((env) => (env.additionalNetworks[0].maxPodsPerNode = value))).toEqual([
      `additionalNetworks[0].maxPodsPerNode: ${value} is out of range; must be ${value < 8 ? 'at least 8' : 'at most 110'}`,
    ]);
  });

  test.each([7, 257])('rejects cluster maxPodsPerNode %i outside GKE Standard range 8..256', (value) => {
    expect(problemsOf((env) => (env.cluster.maxPodsPerNode = value))).toEqual([
      `cluster.maxPodsPerNode: ${value} is out of range; must be ${value < 8 ? 'at least 8' : 'at most 256'}`,
    ]);
  });

  test('accepts 256 pods per node on the cluster range, each node then taking a /23', () => {
    // dev: (2 old + 2 new) nodes × a /23 each = a /21; the shipped /16 holds 128 of them.
    expect(problemsOf((env) => (env.cluster.maxPodsPerNode = 256))).toEqual([]);
  });

  test('rejects a cluster pod range too small for 256 pods per node', () => {
    expect(problemsOf((env) => Object.assign(env.cluster, { maxPodsPerNode: 256, podCidr: '10.20.0.0/22' }))).toEqual([
      expect.stringMatching(/^cluster\.podCidr: 10\.20\.0\.0\/22 holds 2 nodes with cluster\.maxPodsPerNode 256 \(a \/23 per node\) but needs room for 4: .*; use a \/21 or larger/),
    ]);
  });

  test('rejects an attachment rangeStart that leaves fewer than the two addresses helm test attaches', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.rangeStart = '172.16.1.254'))).toEqual([
      'additionalNetworks[0].attachment.rangeStart: leaves 1 address to hand out in 172.16.1.0/24 (Whereabouts never hands out the network and broadcast addresses), and helm test attaches 2 pods: widen rangeStart..rangeEnd',
    ]);
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.rangeStart = '172.16.1.253'))).toEqual([]);
  });

  test('rejects a cluster version older than 1.29, where private clusters have no Private Service Connect control plane', () => {
    expect(problemsOf((env) => (env.cluster.version = '1.28'))).toEqual([
      'cluster.version: "1.28" is older than 1.29, the first GKE version whose private clusters get a Private Service Connect control plane',
    ]);
  });

  test('rejects a full GKE version older than 1.29', () => {
    expect(problemsOf((env) => (env.cluster.version = '1.28.15-gke.1000000'))).toEqual([expect.stringMatching(/^cluster\.version: "1\.28\.15-gke\.1000000" is older than 1\.29/)]);
  });

  test('rejects a malformed cluster version', () => {
    expect(problemsOf((env) => (env.cluster.version = 'latest'))).toEqual([
      'cluster.version: "latest" is not a GKE minor version (e.g. 1.33) or full GKE version (e.g. 1.33.5-gke.1080000)',
    ]);
  });

  test('rejects a patch version without its GKE build', () => {
    expect(problemsOf((env) => (env.cluster.version = '1.33.5'))).toEqual([expect.stringMatching(/^cluster\.version: "1\.33\.5" is not a GKE minor version/)]);
  });

  test('accepts a minor prefix or a full GKE version', () => {
    expect(problemsOf((env) => (env.cluster.version = '1.33'))).toEqual([]);
    expect(problemsOf((env) => (env.cluster.version = '1.33.5-gke.1080000'))).toEqual([]);
  });

  test.each(['dev', 'prod'] as const)('ships %s without a cluster version, so it never ages out of the channels', (name) => {
    expect(shippedEnvironment(name).cluster).not.toHaveProperty('version');
  });

  test('accepts no cluster version at all (the release channel decides)', () => {
    expect(problemsOf((env) => delete env.cluster.version)).toEqual([]);
  });

  test('rejects a zone in another region once, on region, saying which region the zone lies in', () => {
    expect(problemsOf((env) => (env.cluster.location = 'europe-west1-b'))).toEqual([
      'region: "us-central1" is not the region of the cluster\'s location and node zones, which all lie in europe-west1 (cluster.location "europe-west1-b"): set region to "europe-west1", or move the cluster',
    ]);
  });

  test('rejects a regional location other than the region, once, on region', () => {
    expect(problemsOf((env) => (env.cluster.location = 'us-east1'))).toEqual([
      'region: "us-central1" is not the region of the cluster\'s location and node zones, which all lie in us-east1 (cluster.location "us-east1"): set region to "us-east1", or move the cluster',
    ]);
  });

  test.each([
    ['eth0', '"eth0" is the node\'s cluster network: IPVLAN on it takes over pod networking; use eth1, this network\'s NIC, or leave master out'],
    ['eth5', '"eth5" is not a NIC of these nodes: they have eth1…eth2 for 2 additional networks; use eth1, this network\'s NIC, or leave master out'],
    ['ens4', '"ens4" is not a NIC name on GKE nodes, which name them eth0, eth1, …: use eth1, this network\'s NIC, or leave master out'],
  ])('rejects the IPVLAN master %s, naming the field and the NICs the node has', (master, message) => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.master = master), 'prod')).toEqual([`additionalNetworks[0].attachment.master: ${message}`]);
  });

  test('reports a duplicate IPVLAN master on the entry that wrote it, not on the one that has it by order', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.master = 'eth2'), 'prod')).toEqual([
      'additionalNetworks[0].attachment.master: "eth2" is already the IPVLAN master of additionalNetworks[1] (its NIC by order); each network needs its own NIC: use eth1, or leave master out',
    ]);
  });

  test('accepts ipam node-block beside a whereabouts network', () => {
    expect(problemsOf((env) => (env.additionalNetworks[1].attachment.ipam = 'node-block'), 'prod')).toEqual([]);
  });

  test('rejects an ipam that is neither whereabouts nor node-block', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.ipam = 'dhcp'))).toEqual([
      'additionalNetworks[0].attachment.ipam: "dhcp" is not allowed; use one of "whereabouts", "node-block"',
    ]);
  });

  test('rejects Whereabouts exclusions on a node-block network, naming the field', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.ipam = 'node-block'), 'prod')).toEqual([
      'additionalNetworks[0].attachment.exclude: applies to ipam "whereabouts" only: with "node-block" each node hands out the whole alias block GKE gave it; remove exclude, or use ipam "whereabouts"',
    ]);
  });

  test('does not suggest lowering maxPodsPerNode when it is already at its minimum', () => {
    const [line] = problemsOf((env) => (env.additionalNetworks[0].podCidr = '172.16.1.0/27'));
    expect(line).toMatch(/; use a \/26 or larger$/);
    const [above] = problemsOf((env) => Object.assign(env.additionalNetworks[0], { podCidr: '172.16.1.0/26', maxPodsPerNode: 16 }));
    expect(above).toMatch(/; use a \/25 or larger, or lower additionalNetworks\[0\]\.maxPodsPerNode$/);
  });

  test('names a machine type of the same family that has the NICs', () => {
    expect(problemsOf((env) => (env.nodePools[0].machineType = 'n2-highmem-2'), 'prod')).toEqual([
      'nodePools[0].machineType: n2-highmem-2 allows 2 NICs (2 vCPUs); 1 + 2 additional networks need 3: use n2-highmem-4 (4 vCPUs), or any machine type with at least 3 vCPUs',
    ]);
  });

  test('names the standard type of its series for a shared-core or custom machine type', () => {
    expect(problemsOf((env) => (env.nodePools[0].machineType = 'e2-medium'), 'prod')).toEqual([
      'nodePools[0].machineType: e2-medium allows 2 NICs (2 vCPUs); 1 + 2 additional networks need 3: use e2-standard-4 (4 vCPUs), or any machine type with at least 3 vCPUs',
    ]);
    expect(problemsOf((env) => (env.nodePools[0].machineType = 'n2-custom-2-4096'), 'prod')).toEqual([
      'nodePools[0].machineType: n2-custom-2-4096 allows 2 NICs (2 vCPUs); 1 + 2 additional networks need 3: use n2-standard-4 (4 vCPUs), or any machine type with at least 3 vCPUs',
    ]);
  });

  test('rejects a region typo once, first, on region, and not once per correct zone', () => {
    const lines = problemsOf((env) => (env.region = 'us-centrall1'), 'prod');
    expect(lines).toEqual([
      'region: "us-centrall1" is not the region of the cluster\'s location and node zones, which all lie in us-central1 (cluster.location "us-central1"): set region to "us-central1", or move the cluster',
    ]);
  });

  test('names each zone that lies outside the region when the locations disagree among themselves', () => {
    expect(problemsOf((env) => (env.cluster.nodeLocations = ['us-central1-a', 'us-east1-b', 'us-central1-c']), 'prod')).toEqual([
      'cluster.nodeLocations[1]: zone "us-east1-b" is not in region "us-central1"',
    ]);
  });

  test('rejects node locations outside the region', () => {
    expect(problemsOf((env) => (env.cluster.nodeLocations[2] = 'us-east1-b'), 'prod')).toEqual([
      'cluster.nodeLocations[2]: zone "us-east1-b" is not in region "us-central1"',
    ]);
  });

  test('rejects duplicate network names', () => {
    expect(problemsOf((env) => (env.additionalNetworks[1].name = 'dataplane'), 'prod')).toEqual([
      'additionalNetworks[1].name: network "dataplane" is already defined at additionalNetworks[0]',
    ]);
  });

  test('rejects duplicate node pool names', () => {
    expect(problemsOf((env) => env.nodePools.push({ ...env.nodePools[0] }))).toEqual([
      'nodePools[1].name: node pool "multinet-pool" is already defined at nodePools[0]',
    ]);
  });

  test('rejects duplicate attachments in one namespace', () => {
    expect(
      problemsOf((env) => {
        env.additionalNetworks[1].attachment = { name: 'dataplane', namespace: 'default' };
      }, 'prod'),
    ).toEqual(['additionalNetworks[1].attachment.name: attachment "default/dataplane" is already defined at additionalNetworks[0]']);
  });

  test('rejects a cluster name that is not a GCP name', () => {
    expect(problemsOf((env) => (env.cluster.name = 'Multinet_Dev'))).toEqual([
      'cluster.name: "Multinet_Dev" is not a valid GKE cluster name: use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    ]);
  });

  test('rejects an attachment name that is not a DNS-1123 label', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.name = 'Data.Plane'))).toEqual([
      expect.stringMatching(/^additionalNetworks\[0\]\.attachment\.name: "Data\.Plane" is not a valid NetworkAttachmentDefinition name \(DNS-1123 label\)/),
    ]);
  });

  test('rejects a namespace that is not a DNS-1123 label', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.namespace = '-team'))).toEqual([
      expect.stringMatching(/^additionalNetworks\[0\]\.attachment\.namespace: "-team" is not a valid namespace/),
    ]);
  });

  test('rejects a node pool name too long for name_prefix', () => {
    expect(problemsOf((env) => (env.nodePools[0].name = 'multinet-pool-x'))).toEqual([
      'nodePools[0].name: "multinet-pool-x" must be at most 13 characters',
    ]);
  });

  test('rejects derived resource names longer than GCP allows', () => {
    expect(problemsOf((env) => (env.cluster.name = 'multinet-development-cluster-us-east-one'))).toEqual([
      'additionalNetworks[0].name: firewall name "multinet-development-cluster-us-east-one-dataplane-allow-internal" would be 65 characters; GCP allows 63 (shorten cluster.name or this name)',
    ]);
  });

  test('rejects more NICs than the machine type allows', () => {
    expect(problemsOf((env) => (env.nodePools[0].machineType = 'e2-standard-2'), 'prod')).toEqual([
      'nodePools[0].machineType: e2-standard-2 allows 2 NICs (2 vCPUs); 1 + 2 additional networks need 3: use e2-standard-4 (4 vCPUs), or any machine type with at least 3 vCPUs',
    ]);
  });

  test('rejects a machine type whose vCPUs cannot be read from its name', () => {
    expect(problemsOf((env) => (env.nodePools[0].machineType = 'a3-highgpu-8g'))).toEqual([
      'nodePools[0].machineType: cannot tell the vCPUs of "a3-highgpu-8g" from its name; set nodePools[0].vcpus',
    ]);
  });

  test('accepts an unreadable machine type when vcpus is given', () => {
    expect(problemsOf((env) => Object.assign(env.nodePools[0], { machineType: 'a3-highgpu-8g', vcpus: 208 }))).toEqual([]);
  });

  test('rejects autoscaling bounds in the wrong order', () => {
    expect(problemsOf((env) => (env.nodePools[0].autoscaling = { minNodeCount: 3, maxNodeCount: 1 }), 'prod')).toEqual([
      'nodePools[0].autoscaling.minNodeCount: 3 is greater than maxNodeCount 1',
    ]);
  });

  test('rejects a node count outside the autoscaling bounds', () => {
    expect(problemsOf((env) => Object.assign(env.nodePools[0], { nodeCount: 3, autoscaling: { minNodeCount: 1, maxNodeCount: 2 } }))).toEqual([
      'nodePools[0].nodeCount: 3 is outside autoscaling bounds 1..2',
    ]);
  });

  test('rejects an excluded range outside the pod range', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.exclude = ['172.16.9.0/30']))).toEqual([
      'additionalNetworks[0].attachment.exclude[0]: 172.16.9.0/30 is not inside podCidr 172.16.1.0/24',
    ]);
  });

  test('rejects a range start outside the pod range', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.rangeStart = '172.16.2.10'))).toEqual([
      'additionalNetworks[0].attachment.rangeStart: 172.16.2.10 is not inside podCidr 172.16.1.0/24',
    ]);
  });

  test('rejects a range end before the range start', () => {
    expect(
      problemsOf((env) => Object.assign(env.additionalNetworks[0].attachment, { rangeStart: '172.16.1.50', rangeEnd: '172.16.1.10' })),
    ).toEqual(['additionalNetworks[0].attachment.rangeEnd: 172.16.1.10 comes before rangeStart 172.16.1.50']);
  });

  test('rejects an IPVLAN mode other than l2', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.mode = 'l4'))).toEqual([
      'additionalNetworks[0].attachment.mode: "l4" is not allowed; use one of "l2"',
    ]);
  });

  test('rejects two networks on the same IPVLAN master', () => {
    expect(problemsOf((env) => (env.additionalNetworks[1].attachment.master = 'eth1'), 'prod')).toEqual([
      'additionalNetworks[1].attachment.master: "eth1" is already the IPVLAN master of additionalNetworks[0] (its NIC by order); each network needs its own NIC: use eth2, or leave master out',
    ]);
  });

  test('rejects more than seven additional networks', () => {
    expect(
      problemsOf((env) => {
        env.additionalNetworks = Array.from({ length: 8 }, (_, i) => ({
          name: `net${i}`,
          nodeCidr: `10.0.${i}.0/24`,
          podCidr: `172.16.${i}.0/24`,
          attachment: { name: `net${i}` },
        }));
      }),
    ).toContain('additionalNetworks: has 8 items; at most 7 are allowed');
  });

  test('rejects an empty node pool list', () => {
    expect(problemsOf((env) => (env.nodePools = []))).toEqual(['nodePools: has 0 items; at least 1 is required']);
  });

  test('rejects a file name that cannot name stacks', () => {
    expect(loadEnvironmentText('Dev_1', environmentText()).problems).toEqual([
      { path: '', rule: 'environment-name', message: 'environment name "Dev_1" (the file name) must be 1 to 31 lowercase letters, digits and hyphens, starting with a letter' },
    ]);
  });
});

describe('backend validation', () => {
  const gcs = { type: 'gcs', bucket: 'acme-gke-multinet-state' };
  const cloud = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet' };

  test('accepts local (the default), gcs and cloud backends', () => {
    expect(problemsOf((env) => (env.backend = { type: 'local' }))).toEqual([]);
    expect(problemsOf((env) => (env.backend = gcs))).toEqual([]);
    expect(problemsOf((env) => (env.backend = cloud))).toEqual([]);
  });

  test('accepts a bucket that exists already, and the settings of one it creates', () => {
    expect(problemsOf((env) => (env.backend = { ...gcs, createBucket: false }))).toEqual([]);
    expect(problemsOf((env) => (env.backend = { ...gcs, bucketProject: 'acme-admin', bucketLocation: 'EU', keepNoncurrentVersions: 10 }))).toEqual([]);
  });

  test('rejects keeping no earlier state version', () => {
    expect(problemsOf((env) => (env.backend = { ...gcs, keepNoncurrentVersions: 0 }))).toEqual(['backend.keepNoncurrentVersions: 0 is out of range; must be at least 1']);
  });

  test('rejects settings of a bucket the file says exists already, naming each', () => {
    expect(problemsOf((env) => (env.backend = { ...gcs, createBucket: false, bucketLocation: 'EU', keepNoncurrentVersions: 5 }))).toEqual([
      'backend.bucketLocation: applies only to a bucket this project creates, but createBucket is false (bucket "acme-gke-multinet-state" exists already): remove bucketLocation, or set createBucket: true',
      'backend.keepNoncurrentVersions: applies only to a bucket this project creates, but createBucket is false (bucket "acme-gke-multinet-state" exists already): remove keepNoncurrentVersions, or set createBucket: true',
    ]);
  });

  test('accepts a Terraform Cloud project that exists already, and a private issuer\'s keys', () => {
    expect(problemsOf((env) => (env.backend = { ...cloud, createProject: false, hostname: 'tfe.acme.internal', jwksJson: '{"keys":[{"kty":"RSA","kid":"k","n":"x","e":"AQAB"}]}' }))).toEqual([]);
  });

  test('rejects issuer keys that are not a JSON Web Key Set', () => {
    expect(problemsOf((env) => (env.backend = { ...cloud, jwksJson: '{"kty":"RSA"}' }))).toEqual([
      'backend.jwksJson: "{\\"kty\\":\\"RSA\\"}" is not a JSON Web Key Set: a JSON object whose "keys" is a non-empty array',
    ]);
  });

  test('rejects an unknown backend type, naming the allowed ones', () => {
    expect(problemsOf((env) => (env.backend = { type: 's3', bucket: 'x' }))).toEqual(['backend.type: "s3" is not allowed; use one of "local", "gcs", "cloud"']);
  });

  test('rejects gcs without a bucket', () => {
    expect(problemsOf((env) => (env.backend = { type: 'gcs' }))).toEqual(['backend.bucket: is required (string)']);
  });

  test.each([
    ['My_Bucket', 'is not a GCS bucket name: 3 to 63 lowercase letters'],
    ['ab', 'is not a GCS bucket name: 3 to 63 lowercase letters'],
    ['state.example.com', 'is not a GCS bucket name: 3 to 63 lowercase letters'],
    ['google-state', 'is not a GCS bucket name: names may not start with "goog" or contain "google"'],
  ])('rejects the invalid bucket name %s', (bucket, message) => {
    expect(problemsOf((env) => (env.backend = { type: 'gcs', bucket }))).toEqual([expect.stringContaining(`backend.bucket: "${bucket}" ${message}`)]);
  });

  test('rejects a gcs prefix with empty path segments', () => {
    expect(problemsOf((env) => (env.backend = { ...gcs, prefix: 'terraform//state' }))).toEqual([expect.stringMatching(/^backend\.prefix: "terraform\/\/state" is not a GCS object prefix/)]);
  });

  test('rejects a key of another backend type, listing the keys this one allows', () => {
    expect(problemsOf((env) => (env.backend = { ...gcs, organization: 'acme' }))).toEqual(['backend.organization: unknown key (a typo?); allowed here: type, bucket, prefix, createBucket, bucketProject, bucketLocation, keepNoncurrentVersions']);
  });

  test('rejects cloud without an organization', () => {
    expect(problemsOf((env) => (env.backend = { type: 'cloud', project: 'gke-multinet' }))).toEqual(['backend.organization: is required (string)', 'backend.organizationId: is required (string)']);
  });

  test('rejects an organization id that is a name, saying where the id is', () => {
    expect(problemsOf((env) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'acme', project: 'gke-multinet' }))).toEqual([
      'backend.organizationId: "acme" is not a Terraform Cloud organization id: "org-" and 16 letters and digits (Organization settings, General, "ID")',
    ]);
  });

  test('rejects a workspace prefix with characters Terraform Cloud refuses in workspace names', () => {
    expect(problemsOf((env) => (env.backend = { ...cloud, workspacePrefix: 'team/' }))).toEqual([
      'backend.workspacePrefix: "team/" is not a workspace name prefix: letters, digits, - and _ only',
    ]);
  });

  test('rejects a workspace prefix that makes names longer than Terraform Cloud allows', () => {
    expect(problemsOf((env) => (env.backend = { ...cloud, workspacePrefix: 'p'.repeat(80) }))).toContainEqual(
      expect.stringMatching(/^backend\.workspacePrefix: makes workspace name "p{80}dev-network" \(91 characters\); Terraform Cloud allows at most 90/),
    );
  });

  test('rejects a Terraform Cloud project name Terraform Cloud refuses', () => {
    expect(problemsOf((env) => (env.backend = { ...cloud, project: 'x' }))).toEqual([expect.stringMatching(/^backend\.project: "x" is not a Terraform Cloud project name: 3 to 40/)]);
  });

  test("rejects names that make the runs' token subject longer than google.subject holds", () => {
    expect(problemsOf((env) => (env.backend = { ...cloud, organization: 'o'.repeat(40), project: 'p'.repeat(40) }))).toEqual([
      expect.stringMatching(/^backend\.project: makes the runs' token subject ".*" 14\d bytes long; .* at most 127/),
    ]);
  });

  test('rejects authorized networks with cloud and neither an agent pool nor an acknowledgement, saying why', () => {
    expect(
      problemsOf((env) => {
        env.backend = cloud;
        env.cluster.authorizedNetworks = [{ cidr: '203.0.113.0/24', displayName: 'office' }];
      }),
    ).toEqual([expect.stringMatching(/^cluster\.authorizedNetworks: restricts the control plane, but the backend runs on Terraform Cloud's shared runners, whose addresses are not published: set backend\.agentPool/)]);
  });

  test('accepts authorized networks with cloud and an agent pool, or an acknowledgement', () => {
    const office = [{ cidr: '203.0.113.0/24', displayName: 'office' }];
    expect(problemsOf((env) => Object.assign(env, { backend: { ...cloud, agentPool: 'gke-agents' } }) && (env.cluster.authorizedNetworks = office))).toEqual([]);
    expect(
      problemsOf((env) => Object.assign(env, { backend: { ...cloud, authorizedNetworksAcknowledgement: 'Terraform Enterprise runs from 203.0.113.0/24' } }) && (env.cluster.authorizedNetworks = office)),
    ).toEqual([]);
  });

  test('rejects an environment name starting with bootstrap, which would make `cdktf deploy <env>-*` select bootstrap stacks', () => {
    expect(loadEnvironmentText('bootstrap-eu', environmentText()).problems).toEqual([
      { path: '', rule: 'environment-name', message: expect.stringMatching(/^environment name "bootstrap-eu" \(the file name\) may not start with "bootstrap": bootstrap stacks are named bootstrap-<env>/) },
    ]);
  });
});

describe('existing networks validation', () => {
  const existing = { network: 'team-dataplane', subnetwork: 'team-dataplane-us', podRangeName: 'team-pods' };

  test('accepts an existing additional network next to created ones', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].existing = existing), 'prod')).toEqual([]);
  });

  test('rejects an existing network missing a field', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].existing = { network: 'team-dataplane' })).sort()).toEqual([
      'additionalNetworks[0].existing.podRangeName: is required (string)',
      'additionalNetworks[0].existing.subnetwork: is required (string)',
    ]);
  });

  test('rejects podRangeName beside existing, which names the range itself', () => {
    expect(problemsOf((env) => Object.assign(env.additionalNetworks[0], { existing, podRangeName: 'other' }))).toEqual([
      'additionalNetworks[0].podRangeName: names a range this product creates; for an existing subnet give its range in existing.podRangeName',
    ]);
  });

  test('still checks the ranges an existing network declares', () => {
    expect(problemsOf((env) => Object.assign(env.additionalNetworks[0], { existing, podCidr: '10.20.0.0/24' }))).toEqual([
      'additionalNetworks[0].podCidr: 10.20.0.0/24 overlaps cluster.podCidr (10.20.0.0/16)',
    ]);
  });

  test('rejects an additional network in another project than the cluster network (Shared VPC wants one host project)', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].existing = { ...existing, project: 'network-host-project' }))).toEqual([
      "additionalNetworks[0].existing.project: network dataplane is in project network-host-project but the cluster's network is in example-dev-project: GKE wants every node NIC in one project (the Shared VPC host project), so give cluster.existing a network of network-host-project",
    ]);
  });

  test('accepts a Shared VPC environment whose every network is in the host project', () => {
    expect(
      problemsOf((env) => {
        env.cluster.existing = { project: 'network-host-project', network: 'shared', subnetwork: 'gke', podRangeName: 'gke-pods', serviceRangeName: 'gke-services' };
        env.additionalNetworks[0].existing = { ...existing, project: 'network-host-project' };
      }),
    ).toEqual([]);
  });

  test('rejects a created network beside a Shared VPC cluster network', () => {
    expect(
      problemsOf((env) => (env.cluster.existing = { project: 'network-host-project', network: 'shared', subnetwork: 'gke', podRangeName: 'gke-pods', serviceRangeName: 'gke-services' })),
    ).toEqual([expect.stringMatching(/^additionalNetworks\[0\]: network dataplane is in project example-dev-project but the cluster's network is in network-host-project: .* use a network of network-host-project$/)]);
  });

  test('rejects two NICs in the same existing VPC', () => {
    expect(
      problemsOf((env) => {
        env.additionalNetworks[0].existing = existing;
        env.additionalNetworks[1].existing = { ...existing, subnetwork: 'other', podRangeName: 'other-pods' };
      }, 'prod'),
    ).toEqual(['additionalNetworks[1].existing.network: VPC example-prod-project/team-dataplane is already the network of additionalNetworks[0].existing.network; each node NIC needs its own VPC']);
  });

  test('rejects Cloud NAT on an existing cluster network', () => {
    expect(
      problemsOf((env) => {
        env.cluster.existing = { network: 'shared', subnetwork: 'gke', podRangeName: 'gke-pods', serviceRangeName: 'gke-services' };
        env.cluster.cloudNat = true;
      }),
    ).toEqual(['cluster.cloudNat: cannot add a Cloud Router and NAT to the existing network example-dev-project/shared; its owners provide egress']);
  });
});

describe('loading a folder of environments', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'envs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const loadError = (): string => {
    try {
      loadEnvironments(dir, { displayRoot: dir });
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  test('loads only the environments named, skipping a broken file of another one', () => {
    writeFileSync(path.join(dir, 'prod.json'), environmentText(() => {}, 'prod'));
    writeFileSync(path.join(dir, 'dev.json'), '{');
    const { plans, skipped } = loadSelectedEnvironments(dir, ['prod'], { displayRoot: dir });
    expect(plans.map((p) => p.name)).toEqual(['prod']);
    expect(skipped).toEqual([{ file: 'dev.json', problems: 1 }]);
  });

  test('still compares the named environments with every other valid file', () => {
    writeFileSync(path.join(dir, 'prod.json'), environmentText(() => {}, 'prod'));
    writeFileSync(path.join(dir, 'copy.json'), environmentText(() => {}, 'prod'));
    expect(() => loadSelectedEnvironments(dir, ['prod'], { displayRoot: dir })).toThrow(/^prod\.json: cluster\.name: "multinet-prod" is also copy\.json's cluster\.name/);
  });

  test('rejects a name that is no environment file, listing those there are', () => {
    writeFileSync(path.join(dir, 'prod.json'), environmentText(() => {}, 'prod'));
    expect(() => loadSelectedEnvironments(dir, ['prd'], { displayRoot: dir })).toThrow('prd.json: no such environment file; the environments here are prod');
  });

  test('reads a file saved with a UTF-8 byte-order mark as the same JSON', () => {
    writeFileSync(path.join(dir, 'dev.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(environmentText())]));
    expect(loadEnvironments(dir).map((p) => p.name)).toEqual(['dev']);
  });

  test('reads a file with Windows line endings as the same JSON', () => {
    writeFileSync(path.join(dir, 'dev.json'), environmentText().replace(/\n/g, '\r\n'));
    expect(loadEnvironments(dir).map((p) => p.name)).toEqual(['dev']);
  });

  test('rejects a UTF-16 file in one line, naming the encoding and how to save it', () => {
    writeFileSync(path.join(dir, 'dev.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(environmentText(), 'utf16le')]));
    expect(loadError()).toBe('dev.json: is UTF-16 text (little-endian), not UTF-8: save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8; in Notepad: Encoding, UTF-8)');
  });

  test('rejects a UTF-16 file without a byte-order mark too', () => {
    writeFileSync(path.join(dir, 'dev.json'), Buffer.from(environmentText(), 'utf16le'));
    expect(loadError()).toBe('dev.json: is UTF-16 text, not UTF-8: save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8; in Notepad: Encoding, UTF-8)');
  });

  test('reports every problem of every file at once, sorted by file then path, with file names', () => {
    writeFileSync(path.join(dir, 'b.json'), environmentText((env) => (env.cluster.version = '1.27')));
    writeFileSync(path.join(dir, 'a.json'), environmentText((env) => Object.assign(env.cluster, { podCidr: 'x', nodeCidr: '10.10.0.1/20' })));
    writeFileSync(path.join(dir, 'schema.json'), '{ not an environment');
    let error: unknown;
    try {
      loadEnvironments(dir, { displayRoot: path.dirname(dir) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    const base = path.basename(dir);
    expect((error as EnvironmentError).message.split('\n')).toEqual([
      `${base}/a.json: cluster.nodeCidr: "10.10.0.1/20" has host bits set (did you mean 10.10.0.0/20?)`,
      `${base}/a.json: cluster.podCidr: "x" is not an IPv4 CIDR block (expected a.b.c.d/n, e.g. 10.0.1.0/24)`,
      `${base}/b.json: cluster.version: "1.27" is older than 1.29, the first GKE version whose private clusters get a Private Service Connect control plane`,
    ]);
  });

  test('rejects a folder that does not exist', () => {
    expect(() => loadEnvironments(path.join(dir, 'missing'))).toThrow(/cannot read the environments folder/);
  });

  test('rejects a folder without environment files', () => {
    expect(() => loadEnvironments(dir)).toThrow(/no environment files \(\*\.json\) in this folder/);
  });

  test('names each environment after its file', () => {
    writeFileSync(path.join(dir, 'staging.json'), environmentText());
    expect(loadEnvironments(dir).map((plan) => plan.name)).toEqual(['staging']);
  });
});
