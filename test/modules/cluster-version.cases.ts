import { Testing } from 'cdktf';
import { MultinetCluster, MultinetClusterProps } from '../../modules';
import { applyLater, dataSourceAsLocal } from '../support/terraform';

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
  return applyLater(
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

describe('cluster version checked by terraform at plan time', () => {
  const later = { ...offers133, valid_master_versions: ['1.33.7-gke.1200000', ...offers133.valid_master_versions], release_channel_latest_version: { RAPID: '1.33.7-gke.1200000', REGULAR: '1.33.6-gke.1100000' } };
  const offers134 = { ...offers133, valid_master_versions: ['1.34.1-gke.1000'], release_channel_latest_version: { RAPID: '1.34.1-gke.1000', REGULAR: '1.34.1-gke.1000' } };
  const movedOn = { ...offers133, valid_master_versions: [], latest_master_version: '', release_channel_latest_version: {} };
  const regular133 = evaluate({ version: '1.33', releaseChannel: 'REGULAR' }, offers133);
  const regular133Later = evaluate({ version: '1.33', releaseChannel: 'REGULAR' }, later);
  const regular134 = evaluate({ version: '1.34', releaseChannel: 'REGULAR' }, offers134);
  const stable133 = evaluate({ version: '1.33', releaseChannel: 'STABLE' }, offers133);
  const regular130MovedOn = evaluate({ version: '1.30', releaseChannel: 'REGULAR' }, movedOn);
  const unspecified133 = evaluate({ version: '1.33', releaseChannel: 'UNSPECIFIED' }, offers133);
  const unspecified135None = evaluate({ version: '1.35', releaseChannel: 'UNSPECIFIED' }, movedOn);
  const regular135None = evaluate({ version: '1.35', releaseChannel: 'REGULAR' }, movedOn);

  test('keeps the version as written as the floor, whatever patch the channel offers today', () => {
    expect(regular133()).toMatchObject({ ok: true, values: { cluster: '1.33' } });
  });

  test('plans the same floor after GKE ships a newer patch: no version change on an unchanged file', () => {
    expect(regular133Later()).toEqual(regular133());
  });

  test('raises the floor when the file raises the version', () => {
    expect(regular134()).toMatchObject({ ok: true, values: { cluster: '1.34' } });
  });

  test('fails the plan naming the version and what GKE offers when the version is newer than anything in the channel', () => {
    const result = stable133();
    expect(result.ok).toBe(false);
    expect(result.error).toContain('Resource precondition failed');
    expect(result.error).toContain(
      'Cluster version "1.33" is newer than anything the STABLE release channel offers at us-central1: no version matches it, and the channel\'s default is 1.32.9-gke.1000 (versions matching outside the channel: 1.33.6-gke.1100000, 1.33.5-gke.1080000).',
    );
  });

  test('passes once the channel has moved past the version: an existing cluster already runs newer', () => {
    expect(regular130MovedOn()).toMatchObject({ ok: true, values: { cluster: '1.30' } });
  });

  test('checks against every offered version when the cluster has no release channel', () => {
    expect(unspecified133()).toMatchObject({ ok: true, values: { cluster: '1.33' } });
    expect(unspecified135None().error).toContain('Cluster version "1.35" is newer than anything the UNSPECIFIED release channel offers');
  });

  test('says "none" when no channel offers the version at all', () => {
    const result = regular135None();
    expect(result.error).toContain('Cluster version "1.35" is newer than anything the REGULAR release channel offers');
    expect(result.error).toContain('outside the channel: none');
  });
});
