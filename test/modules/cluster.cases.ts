import { Testing } from 'cdktf';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { DataGoogleContainerEngineVersions } from '@cdktf/provider-google/lib/data-google-container-engine-versions';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { MultinetCluster, MultinetClusterProps, MultinetNodePool, MultinetNodePoolProps, NODE_SERVICE_ACCOUNT_ROLES } from '../../modules';

const clusterProps: MultinetClusterProps = {
  name: 'multinet-dev',
  location: 'us-central1-c',
  project: 'example-dev-project',
  network: 'projects/p/global/networks/vpc',
  subnetwork: 'projects/p/regions/us-central1/subnetworks/nodes',
  podRangeName: 'pods',
  serviceRangeName: 'services',
};
const synthCluster = (props: Partial<MultinetClusterProps> = {}) =>
  Testing.synthScope((scope) => new MultinetCluster(scope, 'gke', { ...clusterProps, ...props }));

describe('MultinetCluster', () => {
  test('enables Dataplane V2, IP alias and multi-networking as the guide requires', () => {
    expect(synthCluster()).toHaveResourceWithProperties(ContainerCluster, {
      datapath_provider: 'ADVANCED_DATAPATH',
      networking_mode: 'VPC_NATIVE',
      enable_multi_networking: true,
      ip_allocation_policy: { cluster_secondary_range_name: 'pods', services_secondary_range_name: 'services' },
    });
  });

  test("leaves the version to the release channel's default when none is given", () => {
    const json = synthCluster();
    const cluster = Object.values(JSON.parse(json).resource.google_container_cluster)[0] as Record<string, unknown>;
    expect(cluster).not.toHaveProperty('min_master_version');
    expect(json).not.toHaveDataSourceWithProperties(DataGoogleContainerEngineVersions, {});
  });

  test('keeps a minor version as written as the control-plane floor, checked within its release channel at plan time', () => {
    const json = synthCluster({ version: '1.33' });
    expect(json).toHaveDataSourceWithProperties(DataGoogleContainerEngineVersions, {
      project: 'example-dev-project',
      location: 'us-central1-c',
      version_prefix: '1.33.',
    });
    expect(json).toHaveResourceWithProperties(ContainerCluster, { min_master_version: '1.33' });
  });

  test('keeps a full GKE version exactly', () => {
    const json = synthCluster({ version: '1.33.5-gke.1080000' });
    expect(json).toHaveDataSourceWithProperties(DataGoogleContainerEngineVersions, { version_prefix: '1.33.5-gke.1080000' });
    expect(json).toHaveResourceWithProperties(ContainerCluster, { min_master_version: '1.33.5-gke.1080000' });
  });

  test('fails the plan through a precondition when the version is newer than anything the channel offers', () => {
    expect(synthCluster({ version: '1.33', releaseChannel: 'STABLE' })).toHaveResourceWithProperties(ContainerCluster, {
      lifecycle: expect.objectContaining({
        precondition: [
          {
            condition: expect.stringMatching(/^\$\{\(contains\(keys\(data\.google_container_engine_versions\.[^.]+\.release_channel_latest_version\), "STABLE"\) \|\| .+ >= \(tonumber\(split\("\.", "1\.33"\)\[0\]\) \* 1000 \+ tonumber\(split\("\.", "1\.33"\)\[1\]\)\)\)\}$/),
            error_message: expect.stringContaining('Cluster version "1.33" is newer than anything the STABLE release channel offers at us-central1-c'),
          },
        ],
      }),
    });
  });

  test('checks against every version GKE offers when the cluster has no release channel', () => {
    expect(synthCluster({ version: '1.33', releaseChannel: 'UNSPECIFIED' })).toHaveResourceWithProperties(ContainerCluster, {
      min_master_version: '1.33',
      lifecycle: expect.objectContaining({
        precondition: [{ condition: expect.stringMatching(/^\$\{\(length\(data\.[^)]+\.valid_master_versions\) >= 1 \|\| .+default_cluster_version/), error_message: expect.any(String) }],
      }),
    });
  });

  test('passes the maintenance window and exclusions to GKE', () => {
    const maintenancePolicy = {
      window: { startTime: '2026-01-03T02:00:00Z', endTime: '2026-01-03T10:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' },
      exclusions: [{ name: 'year-end', startTime: '2026-12-20T00:00:00Z', endTime: '2027-01-05T00:00:00Z' }],
    };
    expect(synthCluster({ maintenancePolicy })).toHaveResourceWithProperties(ContainerCluster, {
      maintenance_policy: {
        recurring_window: { start_time: '2026-01-03T02:00:00Z', end_time: '2026-01-03T10:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' },
        maintenance_exclusion: [{ exclusion_name: 'year-end', start_time: '2026-12-20T00:00:00Z', end_time: '2027-01-05T00:00:00Z', exclusion_options: { scope: 'NO_UPGRADES' } }],
      },
    });
  });

  test('rejects a maintenance window GKE refuses, naming the prop', () => {
    const window = { startTime: '2026-01-03T02:00:00Z', endTime: '2026-01-03T03:00:00Z', recurrence: 'FREQ=DAILY' };
    expect(() => synthCluster({ maintenancePolicy: { window } })).toThrow('MultinetCluster "gke": maintenancePolicy.window.endTime: makes a 1-hour window; GKE counts only windows of at least 4 contiguous hours');
  });

  test('uses a node service account that exists, creating no account and granting no role', () => {
    const json = synthCluster({ nodeServiceAccount: 'nodes@example-dev-project.iam.gserviceaccount.com' });
    expect(JSON.parse(json).resource).not.toHaveProperty('google_service_account');
    expect(JSON.parse(json).resource).not.toHaveProperty('google_project_iam_member');
    expect(json).toHaveResourceWithProperties(ContainerCluster, { node_config: expect.objectContaining({ service_account: 'nodes@example-dev-project.iam.gserviceaccount.com' }) });
    expect(Object.values(JSON.parse(json).resource.google_container_cluster)[0]).not.toHaveProperty('depends_on');
  });

  test('rejects both an existing node service account and an id for a new one', () => {
    expect(() => synthCluster({ nodeServiceAccount: 'nodes@p.iam.gserviceaccount.com', nodeServiceAccountId: 'other-nodes' })).toThrow(
      'MultinetCluster "gke": nodeServiceAccount "nodes@p.iam.gserviceaccount.com" names an existing account; nodeServiceAccountId "other-nodes" would create another: give one of them',
    );
  });

  test('rejects a version older than 1.29', () => {
    expect(() => synthCluster({ version: '1.28' })).toThrow('MultinetCluster "gke": version "1.28" is older than 1.29');
  });

  test('rejects a version that is neither a minor nor a full GKE version', () => {
    expect(() => synthCluster({ version: 'latest' })).toThrow('MultinetCluster "gke": version "latest" is not a GKE minor (1.33) or full GKE version');
  });

  test('rejects maxPodsPerNode above 256', () => {
    expect(() => synthCluster({ maxPodsPerNode: 257 })).toThrow('MultinetCluster "gke": maxPodsPerNode 257 must be an integer from 8 to 256');
  });

  test('creates the cluster after the node service account may log, report metrics and pull images', () => {
    const json = JSON.parse(synthCluster());
    const bindings = Object.keys(json.resource.google_project_iam_member).map((id) => `google_project_iam_member.${id}`);
    const cluster = Object.values(json.resource.google_container_cluster)[0] as { depends_on: string[] };
    expect([...cluster.depends_on].sort()).toEqual(bindings.sort());
  });

  test('removes the default node pool', () => {
    expect(synthCluster()).toHaveResourceWithProperties(ContainerCluster, { remove_default_node_pool: true, initial_node_count: 1 });
  });

  test('defaults to the REGULAR channel, deletion protection and private nodes', () => {
    expect(synthCluster()).toHaveResourceWithProperties(ContainerCluster, {
      release_channel: { channel: 'REGULAR' },
      deletion_protection: true,
      private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: false },
    });
  });

  test('turns on Workload Identity, shielded nodes and no client certificate', () => {
    expect(synthCluster()).toHaveResourceWithProperties(ContainerCluster, {
      workload_identity_config: { workload_pool: 'example-dev-project.svc.id.goog' },
      enable_shielded_nodes: true,
      enable_legacy_abac: false,
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
    });
  });

  test('restricts the control plane to authorized networks when given', () => {
    expect(synthCluster({ authorizedNetworks: [{ cidr: '203.0.113.0/24', displayName: 'office' }] })).toHaveResourceWithProperties(ContainerCluster, {
      master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }] },
    });
  });

  test('gives the nodes a dedicated service account with least-privilege roles', () => {
    const json = synthCluster();
    expect(json).toHaveResourceWithProperties(ServiceAccount, { account_id: 'multinet-dev-nodes' });
    for (const role of NODE_SERVICE_ACCOUNT_ROLES) expect(json).toHaveResourceWithProperties(ProjectIamMember, { role });
    expect(Object.keys(JSON.parse(json).resource.google_project_iam_member)).toHaveLength(NODE_SERVICE_ACCOUNT_ROLES.length);
  });

  test('rejects a node service account id longer than 30 characters', () => {
    expect(() => synthCluster({ nodeServiceAccountId: 'a-very-long-node-service-account-id' })).toThrow(
      'MultinetCluster "gke": nodeServiceAccountId "a-very-long-node-service-account-id" is not a valid GCP name',
    );
  });

  test('rejects an authorized network that is not a CIDR', () => {
    expect(() => synthCluster({ authorizedNetworks: [{ cidr: 'office', displayName: 'office' }] })).toThrow(
      'MultinetCluster "gke": authorizedNetworks[0].cidr "office" is not an IPv4 CIDR block',
    );
  });
});

const poolProps: MultinetNodePoolProps = {
  name: 'multinet-pool',
  cluster: 'projects/p/locations/us-central1-c/clusters/multinet-dev',
  location: 'us-central1-c',
  project: 'example-dev-project',
  serviceAccount: 'nodes@example-dev-project.iam.gserviceaccount.com',
  nodeCount: 2,
  additionalNetworks: [
    { network: 'dataplane-vpc', subnetwork: 'dataplane', podRangeName: 'dataplane-pods', maxPodsPerNode: 8 },
    { network: 'storage-vpc', subnetwork: 'storage', podRangeName: 'storage-pods', maxPodsPerNode: 16 },
  ],
};
const synthPool = (props: Partial<MultinetNodePoolProps> = {}) =>
  Testing.synthScope((scope) => new MultinetNodePool(scope, 'pool-multinet-pool', { ...poolProps, ...props }));

describe('MultinetNodePool', () => {
  test('adds one node NIC and one pod range per additional network, in order', () => {
    expect(synthPool()).toHaveResourceWithProperties(ContainerNodePool, {
      network_config: {
        enable_private_nodes: true,
        additional_node_network_configs: [
          { network: 'dataplane-vpc', subnetwork: 'dataplane' },
          { network: 'storage-vpc', subnetwork: 'storage' },
        ],
        additional_pod_network_configs: [
          { subnetwork: 'dataplane', secondary_pod_range: 'dataplane-pods', max_pods_per_node: 8 },
          { subnetwork: 'storage', secondary_pod_range: 'storage-pods', max_pods_per_node: 16 },
        ],
      },
    });
  });

  test('creates a replacement pool before destroying the old one (network_config is ForceNew)', () => {
    expect(synthPool()).toHaveResourceWithProperties(ContainerNodePool, {
      name_prefix: 'multinet-pool-',
      lifecycle: expect.objectContaining({ create_before_destroy: true }),
    });
  });

  test('never replaces a pool for a changed initial node count (ForceNew, and the autoscaler owns the count)', () => {
    expect(synthPool()).toHaveResourceWithProperties(ContainerNodePool, { lifecycle: expect.objectContaining({ ignore_changes: ['initial_node_count'] }) });
  });

  test('runs shielded COS_CONTAINERD nodes with the GKE metadata server', () => {
    expect(synthPool()).toHaveResourceWithProperties(ContainerNodePool, {
      node_config: expect.objectContaining({
        image_type: 'COS_CONTAINERD',
        service_account: 'nodes@example-dev-project.iam.gserviceaccount.com',
        shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
        workload_metadata_config: { mode: 'GKE_METADATA' },
        metadata: { 'disable-legacy-endpoints': 'true' },
      }),
    });
  });

  test('auto-repairs and auto-upgrades with one surge node and none unavailable', () => {
    expect(synthPool()).toHaveResourceWithProperties(ContainerNodePool, {
      management: { auto_repair: true, auto_upgrade: true },
      upgrade_settings: expect.objectContaining({ max_surge: 1, max_unavailable: 0 }),
    });
  });

  test('uses a fixed node count without autoscaling', () => {
    const json = synthPool();
    expect(json).toHaveResourceWithProperties(ContainerNodePool, { node_count: 2 });
    expect(json).not.toHaveResourceWithProperties(ContainerNodePool, { autoscaling: expect.anything() });
  });

  test('uses the count as the initial size with autoscaling', () => {
    expect(synthPool({ autoscaling: { minNodeCount: 1, maxNodeCount: 3 } })).toHaveResourceWithProperties(ContainerNodePool, {
      initial_node_count: 2,
      autoscaling: { min_node_count: 1, max_node_count: 3 },
    });
  });

  test('rejects a name that leaves no room for the generated suffix', () => {
    expect(() => synthPool({ name: 'multinet-pool-2' })).toThrow('MultinetNodePool "pool-multinet-pool": name "multinet-pool-2" is not a valid GCP name');
  });

  test('rejects maxPodsPerNode outside 8..110', () => {
    expect(() =>
      synthPool({ additionalNetworks: [{ network: 'v', subnetwork: 's', podRangeName: 'p', maxPodsPerNode: 4 }] }),
    ).toThrow('MultinetNodePool "pool-multinet-pool": additionalNetworks[0].maxPodsPerNode 4 must be an integer from 8 to 110');
  });

  test('waits for the resources it is given, e.g. the node service account bindings', () => {
    const json = Testing.synthScope((scope) => {
      const gke = new MultinetCluster(scope, 'gke', clusterProps);
      new MultinetNodePool(scope, 'pool-multinet-pool', { ...poolProps, dependsOn: gke.nodeServiceAccountBindings });
    });
    const parsed = JSON.parse(json);
    const pool = Object.values(parsed.resource.google_container_node_pool)[0] as { depends_on: string[] };
    expect([...pool.depends_on].sort()).toEqual(Object.keys(parsed.resource.google_project_iam_member).map((id) => `google_project_iam_member.${id}`).sort());
  });

  test('rejects more than seven additional networks', () => {
    const network = { network: 'v', subnetwork: 's', podRangeName: 'p', maxPodsPerNode: 8 };
    expect(() => synthPool({ additionalNetworks: Array(8).fill(network) })).toThrow(
      'MultinetNodePool "pool-multinet-pool": additionalNetworks has 8 entries; a VM has at most 8 NICs (eth0 + 7)',
    );
  });

  test('rejects autoscaling bounds in the wrong order', () => {
    expect(() => synthPool({ autoscaling: { minNodeCount: 3, maxNodeCount: 2 } })).toThrow(
      'MultinetNodePool "pool-multinet-pool": autoscaling.maxNodeCount 2 must be an integer from 3 to 1000',
    );
  });

  test('takes the node settings a team tunes: image, gVNIC, kubelet and Linux settings, surge, per-pool max pods', () => {
    const pool = synthPool({
      imageType: 'UBUNTU_CONTAINERD',
      gvnic: true,
      kubeletConfig: { cpuManagerPolicy: 'static', cpuCfsQuota: true, podPidsLimit: 4096 },
      linuxNodeConfig: { sysctls: { 'net.core.somaxconn': '4096' }, cgroupMode: 'CGROUP_MODE_V2' },
      maxSurge: 2,
      maxUnavailable: 1,
      maxPodsPerNode: 64,
    });
    expect(pool).toHaveResourceWithProperties(ContainerNodePool, {
      max_pods_per_node: 64,
      upgrade_settings: { strategy: 'SURGE', max_surge: 2, max_unavailable: 1 },
      node_config: expect.objectContaining({
        image_type: 'UBUNTU_CONTAINERD',
        gvnic: { enabled: true },
        kubelet_config: { cpu_manager_policy: 'static', cpu_cfs_quota: true, pod_pids_limit: 4096 },
        linux_node_config: { sysctls: { 'net.core.somaxconn': '4096' }, cgroup_mode: 'CGROUP_MODE_V2' },
      }),
    });
  });

  test('leaves gVNIC, kubelet and Linux settings and per-pool max pods to GKE unless given', () => {
    const body = Object.values(JSON.parse(synthPool()).resource.google_container_node_pool)[0] as Record<string, Record<string, unknown>>;
    expect([body.max_pods_per_node, body.node_config.gvnic, body.node_config.kubelet_config, body.node_config.linux_node_config]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('rejects an image type GKE runs no multi-network pool on', () => {
    expect(() => synthPool({ imageType: 'WINDOWS_LTSC_CONTAINERD' })).toThrow('MultinetNodePool "pool-multinet-pool": imageType "WINDOWS_LTSC_CONTAINERD" must be COS_CONTAINERD or UBUNTU_CONTAINERD');
  });

  test('rejects surge settings that cannot upgrade (maxSurge and maxUnavailable both 0)', () => {
    expect(() => synthPool({ maxSurge: 0, maxUnavailable: 0 })).toThrow('maxSurge 0 and maxUnavailable 0: GKE needs one of them above 0 to upgrade');
  });

  test('rejects a per-pool max pods per node outside 8 to 256', () => {
    expect(() => synthPool({ maxPodsPerNode: 300 })).toThrow('maxPodsPerNode');
  });

  test('rejects a CPU manager policy the kubelet does not know', () => {
    expect(() => synthPool({ kubeletConfig: { cpuManagerPolicy: 'dynamic' } })).toThrow('kubeletConfig.cpuManagerPolicy "dynamic" must be none or static');
  });

  test('rejects a cgroup mode GKE does not know', () => {
    expect(() => synthPool({ linuxNodeConfig: { cgroupMode: 'V3' } })).toThrow('linuxNodeConfig.cgroupMode "V3" must be CGROUP_MODE_UNSPECIFIED, CGROUP_MODE_V1, CGROUP_MODE_V2');
  });
});
