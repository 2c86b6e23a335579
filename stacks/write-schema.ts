import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_FILE } from './environment/load';
import { chartNetworksJsonSchema } from './environment/chart-schema';
import { environmentJsonSchema } from './environment/schema';
import { GENERATED_PAGES, pageWithTables } from './reference-tables';

/**
 * `npm run schema`: regenerates, from the schema the loader validates with,
 *  - environments/schema.json (editors complete and flag fields),
 *  - the `networks` of the chart's values.schema.json, and
 *  - the generated tables of the reference pages in docs/ (the environment reference, the facts, the rules).
 * Tests fail when any is out of date.
 */
export function schemaFileText(): string {
  return `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`;
}

/** The chart's values.schema.json in which `properties.networks` is the one the environment schema's fields make. */
export const CHART_VALUES_SCHEMA = 'charts/multus-whereabouts/values.schema.json';
export function chartValuesSchemaText(current: string): string {
  const schema = JSON.parse(current) as { properties: Record<string, unknown> };
  schema.properties.networks = chartNetworksJsonSchema();
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  const target = path.join(process.env.ENVIRONMENTS_DIR ?? 'environments', SCHEMA_FILE);
  writeFileSync(target, schemaFileText());
  writeFileSync(CHART_VALUES_SCHEMA, chartValuesSchemaText(readFileSync(CHART_VALUES_SCHEMA, 'utf8')));
  for (const page of GENERATED_PAGES) writeFileSync(page, pageWithTables(page, readFileSync(page, 'utf8')));
  process.stdout.write(`wrote ${target}, the networks of ${CHART_VALUES_SCHEMA}, and the tables of ${GENERATED_PAGES.join(', ')}\n`);
}
