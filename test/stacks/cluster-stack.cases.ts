import { TerraformStack, Testing } from 'cdktf';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { stacksOf, synthJson } from '../support/stacks';

const remote = (path: string) => `\${data.terraform_remote_state.network.outputs.${path}}`;

describe('cluster stack', () => {
  const prod = stacksOf(() => {}, 'prod').cluster;
  const dev = stacksOf().cluster;

  test("reads the network stack state through the relative local backend, in the default workspace its producer writes", () => {
    expect(synthJson(prod).data.terraform_remote_state.network).toEqual({
      backend: 'local',
      config: { path: '../../../state/prod-network.tfstate' },
      workspace: 'default',
    });
  });

  test('depends on the network stack', () => {
    expect(prod.dependencies.map((s) => s.node.id)).toEqual(['prod-network']);
  });

  test('places the cluster on the primary network from the network stack outputs', () => {
    expect(Testing.synth(prod, true)).toHaveResourceWithProperties(ContainerCluster, {
      network: remote('primary_network.network_self_link'),
      subnetwork: remote('primary_network.subnetwork_self_link'),
      ip_allocation_policy: {
        cluster_secondary_range_name: remote('primary_network.pod_range_name'),
        services_secondary_range_name: remote('primary_network.service_range_name'),
      },
    });
  });

  test('configures the cluster from the environment', () => {
    expect(Testing.synth(prod, true)).toHaveResourceWithProperties(ContainerCluster, {
      name: 'multinet-prod',
      location: 'us-central1',
      release_channel: { channel: 'STABLE' },
      deletion_protection: true,
      enable_multi_networking: true,
      datapath_provider: 'ADVANCED_DATAPATH',
    });
  });

  test("takes the release channel's default version when the environment sets none", () => {
    const json = synthJson(prod);
    expect(Object.values(json.resource.google_container_cluster)[0]).not.toHaveProperty('min_master_version');
    expect(json.data).not.toHaveProperty('google_container_engine_versions');
  });

  test("keeps the environment's version as written, checked at plan time within the channel", () => {
    const json = synthJson(stacksOf((env) => (env.cluster.version = '1.33'), 'prod').cluster);
    expect(Object.values(json.data.google_container_engine_versions)).toEqual([
      { project: 'example-prod-project', location: 'us-central1', version_prefix: '1.33.' },
    ]);
    expect((Object.values(json.resource.google_container_cluster)[0] as { min_master_version: string }).min_master_version).toBe('1.33');
  });

  test("checks at plan time that the file's zones exist in its region, naming each field", () => {
    const zones = (stack: TerraformStack) => Object.values(synthJson(stack).data.google_compute_zones) as { region: string; lifecycle: { postcondition: { error_message: string }[] } }[];
    const [prodZones] = zones(prod);
    expect(prodZones.region).toBe('us-central1');
    expect(prodZones.lifecycle.postcondition.map((p) => p.error_message.split(' ')[0])).toEqual(['region', 'cluster.nodeLocations[0]', 'cluster.nodeLocations[1]', 'cluster.nodeLocations[2]']);
    expect(zones(stacksOf().cluster)[0].lifecycle.postcondition.map((p) => p.error_message.split(' ')[0])).toEqual(['region', 'cluster.location']);
  });

  test("passes prod's maintenance window to the cluster", () => {
    expect(Testing.synth(prod, true)).toHaveResourceWithProperties(ContainerCluster, {
      maintenance_policy: { recurring_window: { start_time: '2026-01-03T02:00:00Z', end_time: '2026-01-03T10:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' } },
    });
  });

  test('with Terraform Cloud, runs the nodes as the account bootstrap-<env> creates, and creates none itself', () => {
    const json = synthJson(stacksOf((env) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet' })).cluster);
    expect(json.resource).not.toHaveProperty('google_service_account');
    expect(json.resource).not.toHaveProperty('google_project_iam_member');
    const pools = Object.values(json.resource.google_container_node_pool) as { node_config: { service_account: string }; depends_on?: unknown }[];
    expect(pools.map((p) => p.node_config.service_account)).toEqual(['multinet-dev-nodes@example-dev-project.iam.gserviceaccount.com']);
    expect(pools[0]).not.toHaveProperty('depends_on');
  });

  test("creates node pools only after the node service account's role bindings", () => {
    const json = synthJson(prod);
    const bindings = Object.keys(json.resource.google_project_iam_member).map((id) => `google_project_iam_member.${id}`);
    expect(bindings).toHaveLength(6);
    for (const pool of Object.values(json.resource.google_container_node_pool) as { depends_on: string[] }[]) {
      expect([...pool.depends_on].sort()).toEqual(bindings.sort());
    }
  });

  test('wires pod ranges from the network stack, one per network in NIC order', () => {
    expect(Testing.synth(prod, true)).toHaveResourceWithProperties(ContainerNodePool, {
      network_config: expect.objectContaining({
        additional_node_network_configs: [
          { network: remote('additional_networks.dataplane.network_name'), subnetwork: remote('additional_networks.dataplane.subnetwork_name') },
          { network: remote('additional_networks.storage.network_name'), subnetwork: remote('additional_networks.storage.subnetwork_name') },
        ],
        additional_pod_network_configs: [
          {
            subnetwork: remote('additional_networks.dataplane.subnetwork_name'),
            secondary_pod_range: remote('additional_networks.dataplane.pod_range_name'),
            max_pods_per_node: 8,
          },
          {
            subnetwork: remote('additional_networks.storage.subnetwork_name'),
            secondary_pod_range: remote('additional_networks.storage.pod_range_name'),
            max_pods_per_node: 8,
          },
        ],
      }),
    });
  });

  test('spreads a regional pool over the listed zones with autoscaling', () => {
    expect(Testing.synth(prod, true)).toHaveResourceWithProperties(ContainerNodePool, {
      location: 'us-central1',
      node_locations: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
      initial_node_count: 2,
      autoscaling: { min_node_count: 1, max_node_count: 3 },
    });
  });

  test('creates one node pool per configured pool, keyed by pool name', () => {
    const two = stacksOf((env) => env.nodePools.push({ name: 'second', machineType: 'e2-standard-4', nodeCount: 1 })).cluster;
    expect(Object.keys(synthJson(two).resource.google_container_node_pool).map((id) => id.replace(/_[0-9A-F]+$/, ''))).toEqual([
      'pool-multinet-pool_node-pool',
      'pool-second_node-pool',
    ]);
  });

  test('copies no network name literally from the environment', () => {
    const pool = Object.values(synthJson(dev).resource.google_container_node_pool)[0] as { network_config: unknown };
    expect(JSON.stringify(pool.network_config)).not.toMatch(/multinet-dev-dataplane|dataplane-pods/);
  });

  test('outputs what the workloads stack needs, with the endpoint and CA marked sensitive', () => {
    const outputs = synthJson(dev).output;
    expect(outputs.cluster_endpoint).toMatchObject({ sensitive: true, value: expect.stringMatching(/\.endpoint\}$/) });
    expect(outputs.cluster_ca_certificate).toMatchObject({ sensitive: true, value: expect.stringMatching(/master_auth\[0\]\.cluster_ca_certificate\}$/) });
    expect(outputs.cluster_name.value).toMatch(/\.name\}$/);
    expect(outputs.cluster_location.value).toMatch(/\.location\}$/);
  });
});
