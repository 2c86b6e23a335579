import { MaintenancePolicy, maintenanceProblems } from '../../modules';
import { problemsOf } from '../support/environments';

/** GKE's maintenance rules, each broken once; a valid weekend window is the positive control. */
const weekend = { startTime: '2026-01-03T02:00:00Z', endTime: '2026-01-03T10:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' };
const problems = (policy: Partial<MaintenancePolicy>, channel = 'REGULAR') =>
  maintenanceProblems({ window: weekend, ...policy }, channel).map((p) => `${p.path}: ${p.message}`);
const exclusion = (days: number, scope?: 'NO_UPGRADES' | 'NO_MINOR_UPGRADES' | 'NO_MINOR_OR_NODE_UPGRADES', name = 'freeze') => ({
  name,
  startTime: '2026-12-01T00:00:00Z',
  endTime: new Date(Date.parse('2026-12-01T00:00:00Z') + days * 86_400_000).toISOString().replace('.000', ''),
  ...(scope ? { scope } : {}),
});

describe('maintenance policy', () => {
  test('accepts a weekend window of 8 hours and exclusions within their limits', () => {
    expect(problems({ exclusions: [exclusion(30), exclusion(180, 'NO_MINOR_UPGRADES', 'year')] })).toEqual([]);
  });

  test('accepts a daily window of 4 hours', () => {
    expect(problems({ window: { startTime: '2026-01-03T02:00:00Z', endTime: '2026-01-03T06:00:00Z', recurrence: 'FREQ=DAILY' } })).toEqual([]);
  });

  test('rejects a time not in RFC 3339 UTC', () => {
    expect(problems({ window: { ...weekend, startTime: '2026-01-03T02:00:00+01:00' } })).toEqual([
      'window.startTime: "2026-01-03T02:00:00+01:00" is not an RFC 3339 time in UTC (e.g. 2026-01-03T02:00:00Z)',
    ]);
  });

  test('rejects a window that ends before it starts', () => {
    expect(problems({ window: { ...weekend, endTime: '2026-01-03T01:00:00Z' } })).toEqual(['window.endTime: 2026-01-03T01:00:00Z is not after startTime 2026-01-03T02:00:00Z']);
  });

  test('rejects a window shorter than 4 contiguous hours', () => {
    expect(problems({ window: { ...weekend, endTime: '2026-01-03T05:00:00Z' } })).toEqual([
      'window.endTime: makes a 3-hour window; GKE counts only windows of at least 4 contiguous hours',
    ]);
  });

  test('rejects a window that allows less than 48 hours in 32 days', () => {
    expect(problems({ window: { ...weekend, endTime: '2026-01-03T08:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA' } })).toEqual([
      'window: allows 24 hours of maintenance in some 32-day period (4 windows of 6 hours); GKE requires at least 48: make the window longer or more frequent',
    ]);
  });

  test('rejects a recurrence it cannot check', () => {
    expect(problems({ window: { ...weekend, recurrence: 'FREQ=MONTHLY;BYMONTHDAY=1' } })).toEqual([
      'window.recurrence: "FREQ=MONTHLY;BYMONTHDAY=1" is not a recurrence this product checks: use FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (e.g. FREQ=WEEKLY;BYDAY=SA,SU)',
    ]);
  });

  test('rejects a NO_UPGRADES exclusion longer than 30 days', () => {
    expect(problems({ exclusions: [exclusion(31)] })).toEqual([
      'exclusions[0].endTime: makes a NO_UPGRADES exclusion of 31.0 days; GKE allows at most 30 (use scope NO_MINOR_UPGRADES for longer freezes)',
    ]);
  });

  test('rejects a fourth NO_UPGRADES exclusion', () => {
    expect(problems({ exclusions: ['a', 'b', 'c', 'd'].map((name) => exclusion(1, undefined, name)) })).toEqual([
      'exclusions[3].scope: is the 4th NO_UPGRADES exclusion; GKE allows at most 3',
    ]);
  });

  test('rejects more than 20 exclusions', () => {
    const many = Array.from({ length: 21 }, (_, i) => exclusion(1, 'NO_MINOR_UPGRADES', `e${i}`));
    expect(problems({ exclusions: many })).toEqual(['exclusions: has 21 exclusions; GKE allows at most 20']);
  });

  test('rejects a scoped exclusion longer than 180 days', () => {
    expect(problems({ exclusions: [exclusion(181, 'NO_MINOR_OR_NODE_UPGRADES')] })).toEqual([
      'exclusions[0].endTime: makes a NO_MINOR_OR_NODE_UPGRADES exclusion of 181.0 days; GKE allows at most 180 (and never past the minor version\'s end of support)',
    ]);
  });

  test('rejects a scoped exclusion on a cluster without a release channel', () => {
    expect(problems({ exclusions: [exclusion(10, 'NO_MINOR_UPGRADES')] }, 'UNSPECIFIED')).toEqual([
      'exclusions[0].scope: NO_MINOR_UPGRADES needs a release channel; GKE scopes exclusions only for clusters enrolled in one',
    ]);
  });

  test('rejects two exclusions with one name', () => {
    expect(problems({ exclusions: [exclusion(1), exclusion(2, 'NO_MINOR_UPGRADES')] })).toEqual([
      'exclusions[1].name: "freeze" is already the name of exclusions[0]; GKE keys exclusions by name',
    ]);
  });

  test('reports a problem of the environment file at cluster.maintenance', () => {
    expect(problemsOf((env) => (env.cluster.maintenance = { window: { ...weekend, recurrence: 'FREQ=WEEKLY;BYDAY=SA' }, exclusions: [exclusion(31)] }))).toEqual([
      'cluster.maintenance.window: allows 32 hours of maintenance in some 32-day period (4 windows of 8 hours); GKE requires at least 48: make the window longer or more frequent',
      'cluster.maintenance.exclusions[0].endTime: makes a NO_UPGRADES exclusion of 31.0 days; GKE allows at most 30 (use scope NO_MINOR_UPGRADES for longer freezes)',
    ]);
  });
});
