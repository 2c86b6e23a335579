import { Testing } from 'cdktf';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ClusterNetwork, ClusterNetworkProps, ProjectApis, SecondaryNetwork, SecondaryNetworkProps } from '../../modules';

const secondary: SecondaryNetworkProps = { name: 'dataplane', region: 'us-central1', nodeCidr: '10.0.1.0/24', podCidr: '172.16.1.0/24' };
const synthSecondary = (props: Partial<SecondaryNetworkProps> = {}) =>
  Testing.synthScope((scope) => new SecondaryNetwork(scope, 'dataplane', { ...secondary, ...props }));

describe('SecondaryNetwork', () => {
  test('creates a custom-mode VPC, so no auto subnet can overlap', () => {
    expect(synthSecondary()).toHaveResourceWithProperties(ComputeNetwork, { name: 'dataplane-vpc', auto_create_subnetworks: false });
  });

  test('puts the node range on the subnet and the pod range as a named secondary range', () => {
    expect(synthSecondary()).toHaveResourceWithProperties(ComputeSubnetwork, {
      name: 'dataplane',
      region: 'us-central1',
      ip_cidr_range: '10.0.1.0/24',
      secondary_ip_range: [{ range_name: 'dataplane-pods', ip_cidr_range: '172.16.1.0/24' }],
      private_ip_google_access: true,
    });
  });

  test('allows ingress only between its own node and pod ranges', () => {
    expect(synthSecondary()).toHaveResourceWithProperties(ComputeFirewall, {
      name: 'dataplane-allow-internal',
      direction: 'INGRESS',
      source_ranges: ['10.0.1.0/24', '172.16.1.0/24'],
      destination_ranges: ['10.0.1.0/24', '172.16.1.0/24'],
      allow: [{ protocol: 'all' }],
    });
  });

  test('uses explicit names when given', () => {
    const json = synthSecondary({ vpcName: 'a-vpc', subnetName: 'a-subnet', firewallName: 'a-fw', podRangeName: 'a-pods' });
    expect(json).toHaveResourceWithProperties(ComputeNetwork, { name: 'a-vpc' });
    expect(json).toHaveResourceWithProperties(ComputeSubnetwork, { name: 'a-subnet', secondary_ip_range: [expect.objectContaining({ range_name: 'a-pods' })] });
    expect(json).toHaveResourceWithProperties(ComputeFirewall, { name: 'a-fw' });
  });

  test('rejects a pod range with host bits set', () => {
    expect(() => synthSecondary({ podCidr: '172.16.1.5/24' })).toThrow(
      'SecondaryNetwork "dataplane": podCidr "172.16.1.5/24" has host bits set (did you mean 172.16.1.0/24?)',
    );
  });

  test('rejects a node range that is not a CIDR', () => {
    expect(() => synthSecondary({ nodeCidr: '10.0.1.0' })).toThrow('SecondaryNetwork "dataplane": nodeCidr "10.0.1.0" is not an IPv4 CIDR block');
  });

  test('rejects a name that is not a GCP name', () => {
    expect(() => synthSecondary({ name: 'Data_Plane' })).toThrow('SecondaryNetwork "dataplane": name "Data_Plane" is not a valid GCP name');
  });
});

const primary: ClusterNetworkProps = {
  name: 'multinet-dev',
  region: 'us-central1',
  nodeCidr: '10.10.0.0/20',
  podCidr: '10.20.0.0/16',
  serviceCidr: '10.30.0.0/20',
};
const synthPrimary = (props: Partial<ClusterNetworkProps> = {}) =>
  Testing.synthScope((scope) => new ClusterNetwork(scope, 'primary', { ...primary, ...props }));

describe('ClusterNetwork', () => {
  test('creates the primary subnet with pod and service secondary ranges and Private Google Access', () => {
    expect(synthPrimary()).toHaveResourceWithProperties(ComputeSubnetwork, {
      name: 'multinet-dev-nodes',
      ip_cidr_range: '10.10.0.0/20',
      secondary_ip_range: [
        { range_name: 'multinet-dev-pods', ip_cidr_range: '10.20.0.0/16' },
        { range_name: 'multinet-dev-services', ip_cidr_range: '10.30.0.0/20' },
      ],
      private_ip_google_access: true,
    });
  });

  test('has no Cloud NAT unless asked', () => {
    expect(synthPrimary()).not.toHaveResource(ComputeRouterNat);
  });

  test('adds Cloud NAT for the node subnet only when cloudNat is set', () => {
    expect(synthPrimary({ cloudNat: true })).toHaveResourceWithProperties(ComputeRouterNat, {
      name: 'multinet-dev-nat',
      source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [expect.objectContaining({ source_ip_ranges_to_nat: ['ALL_IP_RANGES'] })],
    });
  });

  test('rejects a service range with host bits set', () => {
    expect(() => synthPrimary({ serviceCidr: '10.30.0.1/20' })).toThrow('ClusterNetwork "primary": serviceCidr "10.30.0.1/20" has host bits set');
  });
});

describe('ProjectApis', () => {
  test('rejects a service that is not a Google API name', () => {
    expect(() => Testing.synthScope((scope) => new ProjectApis(scope, 'apis', { project: 'p', services: ['container'] }))).toThrow(
      'ProjectApis "apis": services entry "container" is not a Google API name (e.g. container.googleapis.com)',
    );
  });
});
