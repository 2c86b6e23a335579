import { parse as parseJsonAst } from '@humanwhocodes/momoa';
import type { DocumentNode, ValueNode } from '@humanwhocodes/momoa';
import { formatPath, shown } from './problems';

/**
 * Reads an environment file's text as JSON, refusing what JSON.parse lets through but a reviewer would misread: a key
 * given twice in one object (JSON.parse keeps the last, so `"deletionProtection": true, "deletionProtection": false`
 * turns protection off behind the first line), a number too large to be one (`1e400` parses as Infinity), and nesting
 * deeper than any environment needs (the schema and the AST parser recurse). Duplicates and locations come from a kept
 * JSON AST parser (@humanwhocodes/momoa, ESLint's), never from a hand-written one.
 */

/** Deepest nesting an environment file may have: its deepest field is 5 levels down (policy.waivers[0].rule). */
export const MAX_NESTING = 16;

export interface JsonProblem {
  readonly path: string;
  readonly message: string;
}

export type JsonResult = { data: unknown; problems: [] } | { data?: undefined; problems: JsonProblem[] };

/**
 * Every value inside `data` with its path, depth first, walked without recursion (JSON.parse takes nesting the schema
 * and the AST parser would overflow on). Lazy: a caller may stop at the first it needs.
 */
export function* valuesWithPaths(data: unknown): Generator<{ value: unknown; path: PropertyKey[] }> {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    yield entry;
    const { value, path } = entry;
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
}

/** The first path of `data` deeper than `MAX_NESTING`, if any. */
function tooDeep(data: unknown): PropertyKey[] | undefined {
  for (const { path } of valuesWithPaths(data)) if (path.length > MAX_NESTING) return path;
  return undefined;
}

function describeJsonError(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message);
  const reason = error.message.replace(/\s*in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  if (!position) return reason;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = Number(position[1]) - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}

/** Duplicate keys and out-of-range numbers, with their lines, from the AST. */
function astProblems(text: string, document: DocumentNode): JsonProblem[] {
  const problems: JsonProblem[] = [];
  const visit = (node: ValueNode, path: PropertyKey[]) => {
    if (node.type === 'Object') {
      const first = new Map<string, number>();
      for (const member of node.members) {
        const key = member.name.type === 'String' ? member.name.value : member.name.name;
        const line = member.name.loc.start.line;
        const earlier = first.get(key);
        if (earlier !== undefined) {
          problems.push({
            path: formatPath([...path, key]),
            message: `is given twice, at lines ${earlier} and ${line}: JSON keeps only the last, which a reader of line ${earlier} would not expect; keep one`,
          });
        } else first.set(key, line);
        visit(member.value, [...path, key]);
      }
    } else if (node.type === 'Array') {
      node.elements.forEach((element, i) => visit(element.value, [...path, i]));
    } else if (node.type === 'Number' && !Number.isFinite(node.value)) {
      problems.push({
        path: formatPath(path),
        message: `${shown(text.slice(node.loc.start.offset, node.loc.end.offset))} is out of range: too large to be a number (line ${node.loc.start.line})`,
      });
    }
  };
  visit(document.body, []);
  return problems;
}

export function parseEnvironmentJson(text: string): JsonResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problems: [{ path: '', message: `is not valid JSON: ${describeJsonError(text, error as Error)}` }] };
  }
  const deep = tooDeep(data);
  if (deep) {
    return { problems: [{ path: formatPath(deep.slice(0, 4)), message: `nests more than ${MAX_NESTING} levels deep: no environment field does; remove the nested value` }] };
  }
  const problems = astProblems(text, parseJsonAst(text));
  return problems.length > 0 ? { problems } : { data, problems: [] };
}
