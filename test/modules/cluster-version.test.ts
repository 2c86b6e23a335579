import { Testing } from 'cdktf';
import { MultinetCluster, MultinetClusterProps } from '../../modules';
import { applyWithTerraform, dataSourceAsLocal } from '../support/terraform';

/**
 * The cluster version is resolved at plan time. These tests take the synthesized min_master_version and
 * precondition verbatim and let the real terraform evaluate them against what google_container_engine_versions
 * returns (GetServerConfig filtered by version_prefix, as the provider's data source does).
 */
const base: MultinetClusterProps = {
  name: 'multinet-prod',
  location: 'us-central1',
  project: 'example-prod-project',
  network: 'vpc',
  subnetwork: 'nodes',
  podRangeName: 'pods',
  serviceRangeName: 'services',
};

function evaluate(props: Partial<MultinetClusterProps>, versions: Record<string, unknown>) {
  const json = JSON.parse(Testing.synthScope((scope) => new MultinetCluster(scope, 'gke', { ...base, ...props })));
  const cluster = Object.values(json.resource.google_container_cluster)[0] as {
    min_master_version: string;
    lifecycle: { precondition: { condition: string; error_message: string }[] };
  };
  const local = (expression: string) => dataSourceAsLocal(expression, 'google_container_engine_versions', 'versions');
  return applyWithTerraform(
    { versions },
    {
      cluster: {
        value: local(cluster.min_master_version),
        precondition: cluster.lifecycle.precondition.map((p) => ({ condition: local(p.condition), error_message: local(p.error_message) })),
      },
    },
  );
}

/** What the data source returns for version_prefix "1.33." on 2026-11 (illustrative; the shape is the provider's). */
const offers133 = {
  valid_master_versions: ['1.33.6-gke.1100000', '1.33.5-gke.1080000'],
  latest_master_version: '1.33.6-gke.1100000',
  default_cluster_version: '1.33.5-gke.1080000',
  release_channel_latest_version: { RAPID: '1.33.6-gke.1100000', REGULAR: '1.33.5-gke.1080000' },
  release_channel_default_version: { RAPID: '1.34.1-gke.1000', REGULAR: '1.33.5-gke.1080000', STABLE: '1.32.9-gke.1000' },
};

describe('cluster version resolved by terraform at plan time', () => {
  test('resolves a minor to the newest matching version of its release channel', () => {
    const result = evaluate({ version: '1.33', releaseChannel: 'REGULAR' }, offers133);
    expect(result).toMatchObject({ ok: true, values: { cluster: '1.33.5-gke.1080000' } });
  });

  test('fails the plan naming the version and what GKE offers when the channel has no match', () => {
    const result = evaluate({ version: '1.33', releaseChannel: 'STABLE' }, offers133);
    expect(result.ok).toBe(false);
    expect(result.error).toContain('Resource precondition failed');
    expect(result.error).toContain(
      'GKE offers no version matching "1.33" in the STABLE release channel at us-central1; the channel\'s default is 1.32.9-gke.1000 (versions matching "1.33" outside the channel: 1.33.6-gke.1100000, 1.33.5-gke.1080000).',
    );
  });

  test('resolves against every offered version when the cluster has no release channel', () => {
    const result = evaluate({ version: '1.33', releaseChannel: 'UNSPECIFIED' }, offers133);
    expect(result).toMatchObject({ ok: true, values: { cluster: '1.33.6-gke.1100000' } });
  });

  test('says "none" when no channel offers the version at all', () => {
    const result = evaluate(
      { version: '1.30', releaseChannel: 'REGULAR' },
      { ...offers133, valid_master_versions: [], latest_master_version: '', release_channel_latest_version: {} },
    );
    expect(result.error).toContain('GKE offers no version matching "1.30" in the REGULAR release channel');
    expect(result.error).toContain('outside the channel: none');
  });
});
