import { TerraformVariable } from 'cdktf';
import { alternatives, MAINTENANCE_EXCLUSION_SCOPES, MAX_EXCLUSIONS, MAX_NO_UPGRADES_DAYS, MAX_NO_UPGRADES_EXCLUSIONS, MAX_SCOPED_EXCLUSION_DAYS, MIN_AVAILABILITY_HOURS_PER_32_DAYS, MIN_WINDOW_HOURS, RFC3339_UTC, SUPPORTED_RECURRENCE } from '../facts';
import { re } from './common';
import { everyItem, rule, uniqueItems } from './hcl-rules';
import type { TerraformModule } from './terraform-module';

/**
 * `maintenance_policy` of multinet-cluster: GKE's maintenance rules (modules/facts/maintenance.ts) as validations, the
 * same the environment loader applies.
 */
export function maintenanceVariable(m: TerraformModule): TerraformVariable {
  const utc = (t: string) => `can(regex(${re(RFC3339_UTC.source)}, ${t})) && can(timeadd(${t}, "0s"))`;
  const weeklyDays = 'length(split(",", split("BYDAY=", var.maintenance_policy.window.recurrence)[1]))';
  return m.variable({
    name: 'maintenance_policy',
    type: `object({ window = object({ start_time = string, end_time = string, recurrence = string }), exclusions = optional(list(object({ name = string, start_time = string, end_time = string, scope = optional(string, "NO_UPGRADES") })), []) })`,
    description:
      `When GKE may upgrade the control plane and nodes: a recurring window (times RFC 3339 in UTC; recurrence \`FREQ=DAILY\` or \`FREQ=WEEKLY;BYDAY=SA,SU\`) and up to ${MAX_EXCLUSIONS} exclusions (scope ${alternatives(MAINTENANCE_EXCLUSION_SCOPES)}). null: GKE upgrades at any time.`,
    default: null,
    validation: [
      rule(
        'maintenance_policy.window',
        'try(var.maintenance_policy.window, null)',
        `var.maintenance_policy == null ? true : ${utc('var.maintenance_policy.window.start_time')} && ${utc('var.maintenance_policy.window.end_time')} && can(regex(${re(SUPPORTED_RECURRENCE.source)}, var.maintenance_policy.window.recurrence))`,
        'use start_time and end_time in RFC 3339, UTC (2026-01-03T02:00:00Z), and recurrence FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (e.g. FREQ=WEEKLY;BYDAY=SA,SU).',
      ),
      rule(
        'maintenance_policy.window',
        'try(var.maintenance_policy.window, null)',
        // Only for times the rule above accepts: a malformed time gets that rule's message alone.
        `var.maintenance_policy == null ? true : (${utc('var.maintenance_policy.window.start_time')} && ${utc('var.maintenance_policy.window.end_time')} ? timecmp(var.maintenance_policy.window.end_time, timeadd(var.maintenance_policy.window.start_time, "${MIN_WINDOW_HOURS}h")) >= 0 : true)`,
        `make the window at least ${MIN_WINDOW_HOURS} hours long: GKE counts only windows of at least ${MIN_WINDOW_HOURS} contiguous hours.`,
      ),
      rule(
        'maintenance_policy.window',
        'try(var.maintenance_policy.window, null)',
        // Any 32 days hold 32 daily windows, or 4 of each weekday (maintenance.ts): 4 × days × hours >= 48.
        `var.maintenance_policy == null ? true : (startswith(var.maintenance_policy.window.recurrence, "FREQ=DAILY") ? true : timecmp(var.maintenance_policy.window.end_time, timeadd(var.maintenance_policy.window.start_time, "\${ceil(${MIN_AVAILABILITY_HOURS_PER_32_DAYS * 60} / (4 * ${weeklyDays}))}m")) >= 0)`,
        `allow at least ${MIN_AVAILABILITY_HOURS_PER_32_DAYS} hours of maintenance in every 32 days, as GKE requires: make the weekly window longer or add days.`,
      ),
      rule(
        'maintenance_policy.exclusions',
        'length(try(var.maintenance_policy.exclusions, []))',
        `length(try(var.maintenance_policy.exclusions, [])) <= ${MAX_EXCLUSIONS} && length([for x in try(var.maintenance_policy.exclusions, []) : x if x.scope == "NO_UPGRADES"]) <= ${MAX_NO_UPGRADES_EXCLUSIONS}`,
        `GKE allows at most ${MAX_EXCLUSIONS} exclusions, at most ${MAX_NO_UPGRADES_EXCLUSIONS} of them NO_UPGRADES.`,
      ),
      everyItem('try(var.maintenance_policy.exclusions, [])', 'x', `${utc('x.start_time')} && ${utc('x.end_time')} && timecmp(x.end_time, x.start_time) > 0`, 'maintenance_policy.exclusions[#]', 'x', 'use start_time before end_time, both RFC 3339 in UTC (2026-12-20T00:00:00Z).'),
      everyItem('try(var.maintenance_policy.exclusions, [])', 'x', `contains(${JSON.stringify(MAINTENANCE_EXCLUSION_SCOPES)}, x.scope)`, 'maintenance_policy.exclusions[#].scope', 'x.scope', `use ${MAINTENANCE_EXCLUSION_SCOPES.join(', ')}.`),
      everyItem(
        'try(var.maintenance_policy.exclusions, [])',
        'x',
        `timecmp(x.end_time, timeadd(x.start_time, x.scope == "NO_UPGRADES" ? "${MAX_NO_UPGRADES_DAYS * 24}h" : "${MAX_SCOPED_EXCLUSION_DAYS * 24}h")) <= 0`,
        'maintenance_policy.exclusions[#]',
        'x',
        `GKE allows a NO_UPGRADES exclusion of at most ${MAX_NO_UPGRADES_DAYS} days (use scope NO_MINOR_UPGRADES for longer freezes) and other scopes at most ${MAX_SCOPED_EXCLUSION_DAYS} days.`,
      ),
      everyItem('try(var.maintenance_policy.exclusions, [])', 'x', 'length(x.name) > 0', 'maintenance_policy.exclusions[#].name', 'x.name', 'name the exclusion: GKE keys exclusions by name.'),
      uniqueItems('try(var.maintenance_policy.exclusions, [])', 'x', 'x.name', 'maintenance_policy.exclusions[#].name', 'each exclusion needs its own name: GKE keys exclusions by name.'),
    ],
  });
}
