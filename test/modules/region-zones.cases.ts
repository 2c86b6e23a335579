import { Testing } from 'cdktf';
import { RegionZones } from '../../modules';
import { applyLater, dataSourceAsLocal } from '../support/terraform';

/**
 * The plan-time zone check, evaluated by the real terraform: what google_compute_zones returns for the region stands
 * in as a local, the postconditions are taken verbatim from the synthesized JSON.
 */
function check(region: string, zones: { field: string; zone: string }[], names: string[]) {
  const json = JSON.parse(Testing.synthScope((scope) => new RegionZones(scope, 'zones', { project: 'example-dev-project', region, zones })));
  const data = Object.values(json.data.google_compute_zones)[0] as { lifecycle: { postcondition: { condition: string; error_message: string }[] } };
  const self = (text: string) => dataSourceAsLocal(text, 'google_compute_zones', 'zones').replace(/\bself\./g, 'local.zones.');
  return applyLater(
    { zones: { names } },
    { zones: { value: 'ok', precondition: data.lifecycle.postcondition.map((p) => ({ condition: self(p.condition), error_message: self(p.error_message) })) } },
  );
}

const US_CENTRAL1 = ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f'];

describe('RegionZones', () => {
  const existing = check('us-central1', [{ field: 'cluster.location', zone: 'us-central1-c' }], US_CENTRAL1);
  const missing = check('us-central1', [{ field: 'cluster.nodeLocations[2]', zone: 'us-central1-e' }], US_CENTRAL1);
  const typo = check('eu-west1', [{ field: 'cluster.location', zone: 'eu-west1-b' }], []);

  test('passes when every zone is one of the region', () => {
    expect(existing().ok).toBe(true);
  });

  test('fails on a zone that does not exist, naming the field and the zones that do', () => {
    const result = missing();
    expect(result.ok).toBe(false);
    expect(result.error).toContain('cluster.nodeLocations[2] "us-central1-e" is not a zone of us-central1, whose zones are us-central1-a, us-central1-b, us-central1-c, us-central1-f; use one of them in the environment file.');
  });

  test('blames the region once, and no zone, when the region has no zones (a typo)', () => {
    const result = typo();
    expect(result.ok).toBe(false);
    expect(result.error).toContain('region "eu-west1" has no zones in project example-dev-project: it is not a Compute Engine region');
    expect(result.error).not.toContain('is not a zone of');
  });
});
