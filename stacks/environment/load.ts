import { readdirSync } from 'node:fs';
import { isEditorFile, readEnvironmentFile } from './folder-files';
import { closest, distance } from 'fastest-levenshtein';
import * as path from 'node:path';
import type { z } from 'zod';
import { EnvironmentPlan, PlanProblem, derivePlan } from './plan';
import { ENVIRONMENT_NAME_RULE, EnvironmentRule, LoadedEnvironment, checkEnvironment, checkFolder } from './rules';
import { EnvironmentError, Problem, formatPath, shown } from './problems';
import { parseEnvironmentJson } from './json-text';
import { EnvironmentConfig, environmentSchema } from './schema';

/** The generated JSON Schema lives beside the environments and is not one. */
export const SCHEMA_FILE = 'schema.json';


export interface LoadOptions {
  /** How file names appear in messages; default: relative to the working directory. */
  readonly displayRoot?: string;
  /** Environment rules other rooms add to the config layer's own (the policy's waiver rule). */
  readonly extraRules?: readonly EnvironmentRule[];
}

/**
 * Reads and validates every `*.json` in `dir` (except `schema.json`). Returns the plans when every file is
 * valid; otherwise throws one `EnvironmentError` listing every problem of every file, so nothing is built
 * from a half-valid set.
 */
export function loadEnvironments(dir: string, options: LoadOptions = {}): EnvironmentPlan[] {
  return loadSelectedEnvironments(dir, undefined, options).plans;
}

/** An environment file left out of a synth that named others. */
export interface SkippedEnvironment {
  readonly file: string;
  /** Its own problems, when it has any (they did not stop the synth of the others). */
  readonly problems: number;
}

/**
 * Like `loadEnvironments`, for the environments named in `only` (every one when undefined): the others are still read,
 * and the folder rules compare every valid file with the named ones, but a problem of a file not named does not stop
 * the named ones; it is returned among `skipped`.
 */
export function loadSelectedEnvironments(
  dir: string,
  only: readonly string[] | undefined,
  options: LoadOptions = {},
): { plans: EnvironmentPlan[]; skipped: SkippedEnvironment[] } {
  const root = options.displayRoot ?? process.cwd();
  const display = (file: string) => path.relative(root, file).split(path.sep).join('/') || file;
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE && !isEditorFile(f))
      .sort();
  } catch (error) {
    throw new EnvironmentError([{ file: display(dir), path: '', message: `cannot read the environments folder (${(error as Error).message})` }]);
  }
  if (names.length === 0) {
    throw new EnvironmentError([{ file: display(dir), path: '', message: 'no environment files (*.json) in this folder' }]);
  }

  const envName = (fileName: string) => fileName.replace(/\.json$/, '');
  const unknown = (only ?? []).filter((name) => !names.includes(`${name}.json`));
  if (unknown.length > 0) {
    throw new EnvironmentError(
      unknown.map((name) => ({ file: display(path.join(dir, `${name}.json`)), path: '', message: `no such environment file; the environments here are ${names.map(envName).join(', ')}` })),
    );
  }
  const selected = (fileName: string) => only === undefined || only.includes(envName(fileName));

  const problems: Problem[] = [];
  const loaded: LoadedEnvironment[] = [];
  const skipped: SkippedEnvironment[] = [];
  for (const fileName of names) {
    const file = path.join(dir, fileName);
    const read = readEnvironmentFile(dir, fileName);
    const decoded = read.bytes ? decodeEnvironmentFile(read.bytes) : { problem: read.problem };
    const result = decoded.problem ? { problems: [{ path: '', message: decoded.problem }] } : loadEnvironmentText(envName(fileName), decoded.text!, options.extraRules);
    if (result.plan) loaded.push({ file: display(file), plan: result.plan });
    if (selected(fileName)) problems.push(...result.problems.map((p) => ({ file: display(file), ...p })));
    else skipped.push({ file: display(file), problems: result.problems.length });
  }
  // The folder rules compare environments with each other: every one valid on its own, named or not; what they find
  // in a named file stops the synth.
  const isSelected = new Set(loaded.filter((e) => selected(`${e.plan.name}.json`)).map((e) => e.file));
  if (problems.length === 0) problems.push(...checkFolder(loaded).filter((p) => only === undefined || isSelected.has(p.file)));
  if (problems.length > 0) throw new EnvironmentError(problems);
  return { plans: loaded.filter((e) => isSelected.has(e.file)).map((e) => e.plan), skipped };
}

/**
 * The text of an environment file. UTF-8 with a byte-order mark (what some Windows editors write) reads as the same
 * JSON; UTF-16 and UTF-32 are named, with how to save the file instead.
 */
export function decodeEnvironmentFile(bytes: Buffer): { text?: string; problem?: string } {
  const saveAs = 'save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8; in Notepad: Encoding, UTF-8)';
  if (bytes.length >= 4 && (bytes.subarray(0, 4).equals(Buffer.from([0xff, 0xfe, 0, 0])) || bytes.subarray(0, 4).equals(Buffer.from([0, 0, 0xfe, 0xff])))) {
    return { problem: `is UTF-32 text, not UTF-8: ${saveAs}` };
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { problem: `is UTF-16 text (${bytes[0] === 0xff ? 'little' : 'big'}-endian), not UTF-8: ${saveAs}` };
  }
  // UTF-16 without a byte-order mark: JSON's first character is ASCII, so every other byte is zero.
  if (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0)) return { problem: `is UTF-16 text, not UTF-8: ${saveAs}` };
  const text = bytes.toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

export type PlanResult = { plan: EnvironmentPlan; problems: [] } | { plan?: undefined; problems: PlanProblem[] };

/** Derives the plan of a schema-valid environment and runs every environment rule on it. */
export function planEnvironment(name: string, config: EnvironmentConfig, extraRules: readonly EnvironmentRule[] = []): PlanResult {
  const plan = derivePlan(name, config);
  const problems = checkEnvironment(name, config, plan, extraRules);
  return problems.length > 0 ? { problems } : { plan, problems: [] };
}

/** Validates one environment's text; problems carry field paths but no file name. */
export function loadEnvironmentText(
  name: string,
  text: string,
  extraRules: readonly EnvironmentRule[] = [],
): { plan?: EnvironmentPlan; problems: { path: string; message: string; rule?: string }[] } {
  const nameProblem = ENVIRONMENT_NAME_RULE.checkName(name);
  if (nameProblem) return { problems: [{ path: '', message: nameProblem, rule: ENVIRONMENT_NAME_RULE.id }] };
  const json = parseEnvironmentJson(text);
  if (json.problems.length > 0) return { problems: json.problems };
  const data = json.data;
  const parsed = environmentSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.flatMap((issue) =>
        // One problem per unknown key, located at the key itself.
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              path: formatPath([...issue.path, key]),
              message: unknownKeyMessage(key, allowedKeysAt(issue.path, data)),
            }))
          : [{ path: formatPath(issue.path), message: describeIssue(issue) }],
      ),
    };
  }
  const planned = planEnvironment(name, parsed.data, extraRules);
  return planned.plan ? { plan: planned.plan, problems: [] } : { problems: planned.problems };
}

/** "did you mean" when an allowed key is close (Levenshtein distance, fastest-levenshtein), then what is allowed. */
function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = allowed.length > 0 ? closest(key, [...allowed]) : undefined;
  // Two edits (a swapped pair of letters is two) or a third of the word, whichever is more.
  const close = suggestion !== undefined && distance(key.toLowerCase(), suggestion.toLowerCase()) <= Math.max(2, Math.ceil(suggestion.length / 3));
  return `${close ? `unknown key: did you mean ${shown(suggestion)}? ` : 'unknown key (a typo?); '}allowed here: ${allowed.join(', ')}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `is required (${issue.expected})` : `expected ${issue.expected}, got ${shown(input)}`;
    case 'invalid_value':
      return `${shown(input)} is not allowed; use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'array') {
        const count = Array.isArray(input) ? input.length : 0;
        return issue.code === 'too_small'
          ? `has ${count} items; at least ${issue.minimum} ${issue.minimum === 1 ? 'is' : 'are'} required`
          : `has ${count} items; at most ${issue.maximum} are allowed`;
      }
      if (issue.origin === 'string') return `${shown(input)} ${issue.message}`;
      const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      return `${shown(input)} is out of range; must be ${bound}`;
    }
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) {
        const value = input && typeof input === 'object' ? (input as Record<string, unknown>)[(issue as { discriminator?: string }).discriminator ?? 'type'] : input;
        return `${shown(value)} is not allowed; use one of ${options.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return `${shown(input)}: ${issue.message}`;
    }
    case 'invalid_format':
    case 'custom':
      return issue.message.startsWith('"') ? issue.message : `${shown(input)} ${issue.message}`;
    default:
      return `${shown(input)}: ${issue.message}`;
  }
}

/**
 * The keys the schema allows at `path` (an object inside the environment), for "unknown key" messages. Inside a
 * discriminated union (the backend) they are the keys of the variant the file chose.
 */
function allowedKeysAt(segments: readonly PropertyKey[], data: unknown): string[] {
  type Def = { innerType?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; options?: z.core.$ZodType[]; discriminator?: string };
  const def = (t: z.core.$ZodType) => t._zod.def as Def;
  const unwrap = (t: z.core.$ZodType, value: unknown): z.core.$ZodType => {
    const d = def(t);
    if (d.innerType) return unwrap(d.innerType, value);
    if (d.options && d.discriminator) {
      const chosen = value && typeof value === 'object' ? (value as Record<string, unknown>)[d.discriminator] : undefined;
      const match = d.options.find((o) => (def(o).shape?.[d.discriminator!]?._zod.def as { values?: unknown[] } | undefined)?.values?.includes(chosen));
      return match ? unwrap(match, value) : t;
    }
    return t;
  };
  let node: z.core.$ZodType = environmentSchema;
  let value = data;
  for (const segment of segments) {
    node = unwrap(node, value);
    node = typeof segment === 'number' ? def(node).element! : def(node).shape![segment as string];
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  const shape = def(unwrap(node, value)).shape ?? {};
  return Object.keys(shape).filter((key) => key !== '$schema');
}
