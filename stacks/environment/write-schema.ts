import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_FILE } from './load';
import { environmentJsonSchema } from './schema';

/** `npm run schema`: regenerates environments/schema.json from the schema the loader validates with. */
export function schemaFileText(): string {
  return `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  const target = path.join(process.env.ENVIRONMENTS_DIR ?? 'environments', SCHEMA_FILE);
  writeFileSync(target, schemaFileText());
  process.stdout.write(`wrote ${target}\n`);
}
