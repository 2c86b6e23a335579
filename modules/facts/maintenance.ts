
/**
 * GKE's rules for maintenance windows and exclusions, checked before any plan (GKE refuses the policy at apply
 * otherwise). Sources: cloud.google.com/kubernetes-engine/docs/how-to/maintenance-windows-and-exclusions and
 * .../concepts/maintenance-windows-and-exclusions; terraform-provider-google v6.50.0 container_cluster docs and
 * resource_container_cluster.go (maintenance_policy schema).
 */

export const MAINTENANCE_EXCLUSION_SCOPES = ['NO_UPGRADES', 'NO_MINOR_UPGRADES', 'NO_MINOR_OR_NODE_UPGRADES'] as const;

/** GKE maintenance: a recurring window and exclusions (times in RFC 3339, UTC; recurrence an RFC 5545 RRULE). */
export interface MaintenancePolicy {
  readonly window: { readonly startTime: string; readonly endTime: string; readonly recurrence: string };
  /** @default none */
  readonly exclusions?: readonly MaintenanceExclusion[];
}

export interface MaintenanceExclusion {
  readonly name: string;
  readonly startTime: string;
  readonly endTime: string;
  /** @default 'NO_UPGRADES' */
  readonly scope?: (typeof MAINTENANCE_EXCLUSION_SCOPES)[number];
}

/** RFC 3339 in UTC ("Zulu"): the provider docs warn that GKE returns UTC, so any other form diffs at every plan. */
export const RFC3339_UTC = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;

/** The recurrences this product can check availability for; GKE takes any RFC 5545 RRULE, always in UTC. */
export const SUPPORTED_RECURRENCE = /^FREQ=(DAILY|WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*)$/;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "Only contiguous availability windows of at least four hours are considered." */
export const MIN_WINDOW_HOURS = 4;
/** "You must allow at least 48 hours of maintenance availability in a 32-day rolling window." */
export const MIN_AVAILABILITY_HOURS_PER_32_DAYS = 48;
/** "maximum of 20 maintenance exclusions in total", of which at most three exclude all upgrades. */
export const MAX_EXCLUSIONS = 20;
export const MAX_NO_UPGRADES_EXCLUSIONS = 3;
/** "No upgrades: cannot exceed 30 days." */
export const MAX_NO_UPGRADES_DAYS = 30;
/** "No minor (or node) upgrades: cannot end more than 180 days after the exclusion creation date." */
export const MAX_SCOPED_EXCLUSION_DAYS = 180;

function parseTime(value: string): number | undefined {
  if (!RFC3339_UTC.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** Every problem of a maintenance policy, as `{ path, message }` with paths relative to the policy. */
export function maintenanceProblems(policy: MaintenancePolicy, releaseChannel: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const times = (path: string, start: string, end: string): number | undefined => {
    const from = parseTime(start);
    const to = parseTime(end);
    if (from === undefined) report(`${path}.startTime`, `${JSON.stringify(start)} is not an RFC 3339 time in UTC (e.g. 2026-01-03T02:00:00Z)`);
    if (to === undefined) report(`${path}.endTime`, `${JSON.stringify(end)} is not an RFC 3339 time in UTC (e.g. 2026-01-03T10:00:00Z)`);
    if (from === undefined || to === undefined) return undefined;
    if (to <= from) {
      report(`${path}.endTime`, `${end} is not after startTime ${start}`);
      return undefined;
    }
    return to - from;
  };

  const w = policy.window;
  const length = times('window', w.startTime, w.endTime);
  const recurrence = SUPPORTED_RECURRENCE.exec(w.recurrence);
  if (!recurrence) {
    report('window.recurrence', `${JSON.stringify(w.recurrence)} is not a recurrence this product checks: use FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (e.g. FREQ=WEEKLY;BYDAY=SA,SU)`);
  } else if (length !== undefined) {
    if (length < MIN_WINDOW_HOURS * HOUR) {
      report('window.endTime', `makes a ${length / HOUR}-hour window; GKE counts only windows of at least ${MIN_WINDOW_HOURS} contiguous hours`);
    } else {
      // Any 32 days hold 32 days, or at least 4 of each weekday.
      const days = recurrence[1] === 'DAILY' ? 32 : 4 * w.recurrence.split('=')[2].split(',').length;
      const hours = (days * Math.min(length, DAY)) / HOUR;
      if (hours < MIN_AVAILABILITY_HOURS_PER_32_DAYS) {
        report(
          'window',
          `allows ${hours} hours of maintenance in some 32-day period (${days} windows of ${Math.min(length, DAY) / HOUR} hours); GKE requires at least ${MIN_AVAILABILITY_HOURS_PER_32_DAYS}: make the window longer or more frequent`,
        );
      }
    }
  }

  const exclusions = policy.exclusions ?? [];
  if (exclusions.length > MAX_EXCLUSIONS) report('exclusions', `has ${exclusions.length} exclusions; GKE allows at most ${MAX_EXCLUSIONS}`);
  const names = new Map<string, number>();
  let noUpgrades = 0;
  exclusions.forEach((e, i) => {
    const path = `exclusions[${i}]`;
    const earlier = names.get(e.name);
    if (earlier !== undefined) report(`${path}.name`, `${JSON.stringify(e.name)} is already the name of exclusions[${earlier}]; GKE keys exclusions by name`);
    else names.set(e.name, i);
    const scope = e.scope ?? 'NO_UPGRADES';
    const span = times(path, e.startTime, e.endTime);
    if (scope === 'NO_UPGRADES') {
      noUpgrades += 1;
      if (noUpgrades === MAX_NO_UPGRADES_EXCLUSIONS + 1) report(`${path}.scope`, `is the ${noUpgrades}th NO_UPGRADES exclusion; GKE allows at most ${MAX_NO_UPGRADES_EXCLUSIONS}`);
      if (span !== undefined && span > MAX_NO_UPGRADES_DAYS * DAY) {
        report(`${path}.endTime`, `makes a NO_UPGRADES exclusion of ${(span / DAY).toFixed(1)} days; GKE allows at most ${MAX_NO_UPGRADES_DAYS} (use scope NO_MINOR_UPGRADES for longer freezes)`);
      }
    } else {
      if (releaseChannel === 'UNSPECIFIED') report(`${path}.scope`, `${scope} needs a release channel; GKE scopes exclusions only for clusters enrolled in one`);
      if (span !== undefined && span > MAX_SCOPED_EXCLUSION_DAYS * DAY) {
        report(`${path}.endTime`, `makes a ${scope} exclusion of ${(span / DAY).toFixed(1)} days; GKE allows at most ${MAX_SCOPED_EXCLUSION_DAYS} (and never past the minor version's end of support)`);
      }
    }
  });
  return problems;
}
