import { Testing } from 'cdktf';
import { DataGoogleComputeSubnetwork } from '@cdktf/provider-google/lib/data-google-compute-subnetwork';
import { ExistingNetwork, ExistingNetworkProps } from '../../modules';
import { applyLater, dataSourceAsLocal } from '../support/terraform';

const props: ExistingNetworkProps = {
  project: 'network-host-project',
  region: 'us-central1',
  network: 'team-dataplane',
  subnetwork: 'team-dataplane-us',
  nodeCidr: '10.0.1.0/24',
  secondaryRanges: [{ rangeName: 'team-pods', ipCidrRange: '172.16.1.0/24' }],
};
const synth = (overrides: Partial<ExistingNetworkProps> = {}) => Testing.synthScope((scope) => new ExistingNetwork(scope, 'dataplane', { ...props, ...overrides }));

describe('ExistingNetwork', () => {
  test('reads the VPC and the subnet in their project and region, creating nothing', () => {
    const json = JSON.parse(synth());
    expect(json.resource).toBeUndefined();
    expect(Object.values(json.data.google_compute_network)).toEqual([{ project: 'network-host-project', name: 'team-dataplane' }]);
    expect(synth()).toHaveDataSourceWithProperties(DataGoogleComputeSubnetwork, { project: 'network-host-project', region: 'us-central1', name: 'team-dataplane-us' });
  });

  test('checks at plan time that the subnet is in the VPC and has the declared ranges', () => {
    const subnet = Object.values(JSON.parse(synth()).data.google_compute_subnetwork)[0] as { lifecycle: { postcondition: { condition: string }[] } };
    expect(subnet.lifecycle.postcondition.map((p) => p.condition)).toEqual([
      expect.stringMatching(/^\$\{self\.network == data\.google_compute_network\.dataplane_vpc_[0-9A-F]+\.self_link\}$/),
      '${self.ip_cidr_range == "10.0.1.0/24"}',
      '${contains([for r in self.secondary_ip_range : r.ip_cidr_range if r.range_name == "team-pods"], "172.16.1.0/24")}',
    ]);
  });

  test('rejects an expected range that is not a CIDR', () => {
    expect(() => synth({ secondaryRanges: [{ rangeName: 'team-pods', ipCidrRange: '172.16.1.5/24' }] })).toThrow(
      'ExistingNetwork "dataplane": secondaryRanges[0].ipCidrRange "172.16.1.5/24" has host bits set (did you mean 172.16.1.0/24?)',
    );
  });

  test('rejects a subnet name that is not a GCP name', () => {
    expect(() => synth({ subnetwork: 'Team_Subnet' })).toThrow('ExistingNetwork "dataplane": subnetwork "Team_Subnet" is not a valid GCP name');
  });

  test('rejects an empty list of expected ranges (the pod range is needed)', () => {
    expect(() => synth({ secondaryRanges: [] })).toThrow('ExistingNetwork "dataplane": secondaryRanges is empty; give at least the pod range');
  });
});

/** The postconditions, verbatim, evaluated by the real terraform against what the data sources would return. */
describe('ExistingNetwork checks evaluated by terraform', () => {
  const vpcSelfLink = 'https://www.googleapis.com/compute/v1/projects/network-host-project/global/networks/team-dataplane';
  const subnet = {
    network: vpcSelfLink,
    ip_cidr_range: '10.0.1.0/24',
    secondary_ip_range: [
      { range_name: 'team-pods', ip_cidr_range: '172.16.1.0/24' },
      { range_name: 'other', ip_cidr_range: '172.16.9.0/24' },
    ],
  };
  const evaluate = (read: typeof subnet) => {
    const json = JSON.parse(synth());
    const checks = (Object.values(json.data.google_compute_subnetwork)[0] as { lifecycle: { postcondition: { condition: string; error_message: string }[] } }).lifecycle.postcondition;
    const local = (e: string) => dataSourceAsLocal(e, 'google_compute_network', 'vpc').replace(/\bself\./g, 'local.subnet.');
    return applyLater(
      { vpc: { self_link: vpcSelfLink }, subnet: read },
      { subnet: { value: 'read', precondition: checks.map((c) => ({ condition: local(c.condition), error_message: local(c.error_message) })) } },
    );
  };

  const declared = evaluate(subnet);
  const otherPodRange = evaluate({ ...subnet, secondary_ip_range: [{ range_name: 'team-pods', ip_cidr_range: '172.16.4.0/24' }] });
  const otherPrimary = evaluate({ ...subnet, ip_cidr_range: '10.0.8.0/24' });
  const otherVpc = evaluate({ ...subnet, network: `${vpcSelfLink}-old` });

  test('pass when the subnet has the declared ranges', () => {
    expect(declared()).toMatchObject({ ok: true });
  });

  test("fail the plan when the pod range's CIDR differs, listing the ranges the subnet has", () => {
    const result = otherPodRange();
    expect(result.ok).toBe(false);
    expect(result.error).toContain(
      'Subnet network-host-project/us-central1/team-dataplane-us has no secondary range team-pods with 172.16.1.0/24; its secondary ranges are: team-pods=172.16.4.0/24.',
    );
  });

  test('fail the plan when the primary range differs', () => {
    expect(otherPrimary().error).toContain(
      'Subnet network-host-project/us-central1/team-dataplane-us has primary range 10.0.8.0/24, but the environment declares 10.0.1.0/24.',
    );
  });

  test('fail the plan when the subnet belongs to another VPC', () => {
    expect(otherVpc().error).toContain(`belongs to ${vpcSelfLink}-old, not to VPC team-dataplane.`);
  });
});
