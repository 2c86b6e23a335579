import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { stacksOf, synthJson, synthText } from '../support/stacks';

describe('network stack', () => {
  const prod = stacksOf(() => {}, 'prod').network;

  test('is named <env>-network', () => {
    expect(prod.stackName).toBe('prod-network');
  });

  test('creates one custom-mode VPC per additional network plus the primary VPC', () => {
    const json = synthText(prod);
    for (const name of ['multinet-prod-vpc', 'multinet-prod-dataplane-vpc', 'multinet-prod-storage-vpc']) {
      expect(json).toHaveResourceWithProperties(ComputeNetwork, { name, auto_create_subnetworks: false });
    }
    expect(Object.keys(synthJson(prod).resource.google_compute_network)).toHaveLength(3);
  });

  test('gives each additional network its node range and pod secondary range from the environment', () => {
    const json = synthText(prod);
    expect(json).toHaveResourceWithProperties(ComputeSubnetwork, {
      name: 'multinet-prod-storage',
      ip_cidr_range: '10.0.2.0/24',
      secondary_ip_range: [{ range_name: 'storage-pods', ip_cidr_range: '172.16.2.0/24' }],
    });
  });

  test('gives the primary subnet the cluster pod and service ranges', () => {
    expect(synthText(prod)).toHaveResourceWithProperties(ComputeSubnetwork, {
      name: 'multinet-prod-nodes',
      ip_cidr_range: '10.110.0.0/20',
      secondary_ip_range: [
        { range_name: 'multinet-prod-pods', ip_cidr_range: '10.120.0.0/16' },
        { range_name: 'multinet-prod-services', ip_cidr_range: '10.130.0.0/20' },
      ],
    });
  });

  test('opens each additional VPC to its own node and pod ranges', () => {
    expect(synthText(prod)).toHaveResourceWithProperties(ComputeFirewall, {
      name: 'multinet-prod-dataplane-allow-internal',
      source_ranges: ['10.0.1.0/24', '172.16.1.0/24'],
    });
  });

  test('derives Terraform ids from network names, not positions', () => {
    const ids = Object.keys(synthJson(prod).resource.google_compute_subnetwork);
    const reordered = stacksOf((env) => env.additionalNetworks.reverse(), 'prod').network;
    expect(Object.keys(synthJson(reordered).resource.google_compute_subnetwork).sort()).toEqual(ids.sort());
  });

  test('outputs every additional network by name as the contract for the other stacks', () => {
    const outputs = synthJson(prod).output;
    expect(Object.keys(outputs).sort()).toEqual(['additional_networks', 'primary_network']);
    expect(Object.keys(outputs.additional_networks.value)).toEqual(['dataplane', 'storage']);
    expect(Object.keys(outputs.additional_networks.value.storage).sort()).toEqual([
      'network_name',
      'network_self_link',
      'node_cidr',
      'pod_cidr',
      'pod_range_name',
      'subnetwork_name',
      'subnetwork_self_link',
    ]);
    expect(outputs.additional_networks.value.storage.pod_cidr).toMatch(
      /^\$\{google_compute_subnetwork\.storage_subnet_[0-9A-F]+\.secondary_ip_range\[0\]\.ip_cidr_range\}$/,
    );
  });

  test('enables the Compute Engine, Kubernetes Engine, IAM and Cloud Resource Manager APIs and leaves them on at destroy', () => {
    const json = synthText(prod);
    for (const service of ['compute.googleapis.com', 'container.googleapis.com', 'iam.googleapis.com', 'cloudresourcemanager.googleapis.com']) {
      expect(json).toHaveResourceWithProperties(ProjectService, { project: 'example-prod-project', service, disable_on_destroy: false });
    }
  });

  test('creates every VPC only after the APIs are enabled', () => {
    const networks = Object.values(synthJson(prod).resource.google_compute_network) as { depends_on: string[] }[];
    for (const network of networks) expect(network.depends_on).toHaveLength(4);
    expect(networks[0].depends_on.every((d) => d.startsWith('google_project_service.'))).toBe(true);
  });

  test('keeps local state outside cdktf.out with a relative path', () => {
    expect(synthJson(prod).terraform.backend).toEqual({ local: { path: '../../../state/prod-network.tfstate' } });
  });

  describe('with existing networks', () => {
    const existing = { network: 'team-dataplane', subnetwork: 'team-dataplane-us', podRangeName: 'team-pods' };
    const mixed = stacksOf((env) => (env.additionalNetworks[0].existing = existing), 'prod').network;
    const json = synthJson(mixed);

    test('creates no VPC, subnet or firewall for the existing network, and still creates the others', () => {
      expect(Object.values(json.resource.google_compute_network).map((n) => (n as { name: string }).name).sort()).toEqual(['multinet-prod-storage-vpc', 'multinet-prod-vpc']);
      expect(Object.values(json.resource.google_compute_firewall).map((f) => (f as { name: string }).name)).toEqual(['multinet-prod-storage-allow-internal']);
    });

    test('reads the existing VPC and subnet instead, checking their ranges at plan time', () => {
      expect(Object.values(json.data.google_compute_network)).toEqual([{ project: 'example-prod-project', name: 'team-dataplane' }]);
      const subnet = Object.values(json.data.google_compute_subnetwork)[0] as { name: string; lifecycle: { postcondition: unknown[] } };
      expect(subnet.name).toBe('team-dataplane-us');
      expect(subnet.lifecycle.postcondition).toHaveLength(3);
    });

    test('publishes the same outputs, so the cluster and workloads stacks do not change', () => {
      expect(json.output.additional_networks.value.dataplane).toEqual({
        network_name: 'team-dataplane',
        network_self_link: expect.stringMatching(/^\$\{data\.google_compute_network\.dataplane_vpc_[0-9A-F]+\.self_link\}$/),
        subnetwork_name: 'team-dataplane-us',
        subnetwork_self_link: expect.stringMatching(/^\$\{data\.google_compute_subnetwork\.dataplane_subnet_[0-9A-F]+\.self_link\}$/),
        node_cidr: '10.0.1.0/24',
        pod_range_name: 'team-pods',
        pod_cidr: '172.16.1.0/24',
      });
      expect(Object.keys(json.output.additional_networks.value.storage).sort()).toEqual(Object.keys(json.output.additional_networks.value.dataplane).sort());
    });

    test('reads a Shared VPC host project network for the cluster, with its pod and service ranges', () => {
      const shared = synthJson(
        stacksOf((env) => {
          env.cluster.existing = { project: 'network-host-project', network: 'shared', subnetwork: 'gke', podRangeName: 'gke-pods', serviceRangeName: 'gke-services' };
          env.additionalNetworks[0].existing = { ...existing, project: 'network-host-project' };
        }).network,
      );
      expect(shared.resource.google_compute_network).toBeUndefined();
      expect(shared.output.primary_network.value).toMatchObject({ network_name: 'shared', subnetwork_name: 'gke', pod_range_name: 'gke-pods', service_range_name: 'gke-services' });
      const conditions = (Object.values(shared.data.google_compute_subnetwork) as { name: string; lifecycle: { postcondition: { condition: string }[] } }[])
        .find((s) => s.name === 'gke')!
        .lifecycle.postcondition.map((p) => p.condition);
      expect(conditions).toContain('${contains([for r in self.secondary_ip_range : r.ip_cidr_range if r.range_name == "gke-services"], "10.30.0.0/20")}');
    });
  });
});
