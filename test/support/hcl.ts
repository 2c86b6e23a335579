import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { isBlockAt } from '../../modules/hcl/render';
import { blockDecider } from '../../modules/hcl/module-hcl';

// Terraform configurations are open-ended; tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** Every `.tf` file of a folder, parsed by `@cdktf/hcl2json` (HashiCorp's HCL parser) and merged into one document. */
export async function parseHclFolder(dir: string): Promise<Json> {
  const merged: Json = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
    const parsed = (await parse(file, readFileSync(path.join(dir, file), 'utf8'))) as Json;
    for (const [kind, section] of Object.entries(parsed)) {
      merged[kind] = Array.isArray(section) ? [...(merged[kind] ?? []), ...section] : { ...(merged[kind] ?? {}), ...section };
    }
  }
  return merged;
}

const META_BLOCKS = new Set(['lifecycle', 'precondition', 'postcondition', 'validation']);

/**
 * A Terraform JSON document in the shape hcl2json gives the same configuration written in HCL: every block a list of
 * bodies (`blocks` names the nested blocks, from the provider schema), references and type constraints as `${…}`.
 */
export function asParsedHcl(json: Json, schema: { blocks: ReadonlySet<string>; attributes: ReadonlySet<string> }, onGuess?: (path: string) => void): Json {
  const isBlock = blockDecider(schema);
  const convert = (value: unknown, at: string, inContent = false): unknown => {
    if (Array.isArray(value)) return value.map((e) => convert(e, at, inContent));
    if (value === null || typeof value !== 'object') return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      const here = `${at}.${k}`;
      if (k === 'dynamic') {
        out.dynamic = Object.fromEntries(
          Object.entries(v as Json).map(([name, { content, iterator, ...rest }]) => [
            name,
            [{ ...rest, ...(iterator === undefined ? {} : { iterator: `\${${iterator}}` }), content: [convert(content, `${at}.${name}`, true)] }],
          ]),
        );
      } else if (k === 'depends_on' || k === 'ignore_changes') out[k] = (v as string[]).map((r) => (r.startsWith('${') ? r : `\${${r}}`));
      else if (META_BLOCKS.has(k) || isBlockAt(here, v, inContent, { isBlock }, onGuess)) out[k] = (Array.isArray(v) ? v : [v]).map((e) => convert(e, here, inContent));
      else out[k] = v;
    }
    return out;
  };
  const labelled = (section: Json, at: string, each: (body: Json) => Json = (b) => b) =>
    Object.fromEntries(Object.entries(section).map(([name, body]) => [name, [convert(each(body), `${at}.${name}`)]]));
  const result: Json = {};
  for (const [kind, section] of Object.entries(json)) {
    if (kind === 'resource' || kind === 'data') result[kind] = Object.fromEntries(Object.entries(section as Json).map(([type, byName]) => [type, labelled(byName, `${kind}.${type}`)]));
    else if (kind === 'variable') result[kind] = labelled(section, 'variable', (b) => ({ ...b, type: `\${${b.type}}` }));
    else if (kind === 'output') result[kind] = labelled(section, 'output');
    else if (kind === 'locals') result[kind] = [section];
    else if (kind === 'terraform') result[kind] = [{ ...section, required_providers: [section.required_providers] }];
    else if (kind === 'check') result[kind] = Object.fromEntries(Object.entries(section as Json).map(([name, body]) => [name, [body]]));
    else if (kind === 'moved') result[kind] = (section as { from: string; to: string }[]).map((m) => ({ from: `\${${m.from}}`, to: `\${${m.to}}` }));
    else result[kind] = section;
  }
  return result;
}

/** Whitespace inside expressions is not meaning: `[for x in y: x]` and `[for x in y : x]` are one expression. */
export function canonicalExpressions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalExpressions);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalExpressions(v)]));
  if (typeof value !== 'string' || !value.includes('${')) return value;
  let out = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      out += c + (value[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && /\s/.test(c)) continue;
    else out += c;
  }
  return out;
}
