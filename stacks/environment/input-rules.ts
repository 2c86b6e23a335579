import { diskTypeProblem } from '../../modules/facts';
import { valuesWithPaths } from './json-text';
import { formatPath, shown } from './problems';
import { EnvironmentRule, environmentRule } from './rule-types';

/**
 * Rules against what a shared repository's files sooner or later hold: text Terraform would run, two attachments that
 * overwrite each other's node file, and machine and disk pairs GCP refuses only at create.
 */

/** Every string of a value with its path, sorted by path. */
function strings(value: unknown): { path: PropertyKey[]; text: string }[] {
  return [...valuesWithPaths(value)]
    .flatMap(({ value: v, path }) => (typeof v === 'string' ? [{ path, text: v }] : []))
    .sort((a, b) => formatPath(a.path).localeCompare(formatPath(b.path)));
}

/** `${` starts a Terraform interpolation and `%{` a directive, in every string of Terraform JSON. */
const TEMPLATE_START = /\$\{|%\{/;

export const INPUT_RULES: readonly EnvironmentRule[] = [
  // In Terraform JSON every string is a template ("JSON Configuration Syntax", expression mapping): a display name of
  // `${file("/etc/hostname")}` would be evaluated on the runner at plan time. One rule for every field, present and
  // future: no string of an environment file may start one. `$` and `%` alone stay literal and are accepted.
  environmentRule('no-terraform-template', 'No string of the file holds "${" or "%{", which Terraform would evaluate as a template.', ({ config, report }) => {
    for (const { path, text } of strings(config)) {
      const at = TEMPLATE_START.exec(text);
      if (at) {
        report(
          formatPath(path),
          `${shown(text)} holds ${shown(at[0])}, which Terraform reads as the start of a template and evaluates at plan time: write it without "\${" and "%{" (a "$" or "%" alone is fine)`,
        );
      }
    }
  }),
  // A node-block attachment's CNI file on every node is named after the attachment (99-node-block-<name>.conf), and
  // Multus loads it by that name, whatever the namespace: two with one name would share one file, the last one wins.
  environmentRule('node-block-unique-names', 'No two node-block attachments share a name, even in different namespaces (they would write one node file).', ({ config, report }) => {
    const first = new Map<string, number>();
    config.additionalNetworks.forEach((n, i) => {
      if (n.attachment.ipam !== 'node-block') return;
      const earlier = first.get(n.attachment.name);
      if (earlier === undefined) first.set(n.attachment.name, i);
      else {
        report(
          `additionalNetworks[${i}].attachment.name`,
          `${shown(n.attachment.name)} is also the name of node-block additionalNetworks[${earlier}].attachment: each node keeps one CNI file per node-block attachment name, so one network's pods would get the other's NIC and range; rename one`,
        );
      }
    });
  }),
  environmentRule('disk-type-for-machine', "A node pool's boot disk type is one its machine series can use (Hyperdisk-only and Hyperdisk-less series).", ({ config, report }) => {
    config.nodePools.forEach((pool, i) => {
      const problem = diskTypeProblem(pool.machineType, pool.diskType);
      if (problem) report(`nodePools[${i}].diskType`, `${shown(pool.diskType)} does not boot ${shown(pool.machineType)}: ${problem}`);
    });
  }),
];
