/** One thing wrong with an environment file, located by its field path. */
export interface Problem {
  /** Path of the environment file as the user would type it (relative to the working directory). */
  readonly file: string;
  /** Field path inside the file, e.g. `additionalNetworks[1].podCidr`; empty for the whole file. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** Id of the rule that found it (rules.ts), when a registered rule did. */
  readonly rule?: string;
}

/** A field path: `additionalNetworks[1].podCidr`; a key that is no identifier shows quoted, `labels["a b"]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : /^[A-Za-z_$][\w$-]*$/.test(String(segment))
          ? `${index === 0 ? '' : '.'}${String(segment)}`
          : `[${shown(String(segment))}]`,
    )
    .join('');
}

/** Longest value a message shows whole; a longer one is cut, saying how long it was. */
export const SHOWN_MAX = 80;

/**
 * A value as a message shows it: as JSON (strings quoted, control characters escaped), cut after `SHOWN_MAX`
 * characters. Every value from a file that a message names goes through here.
 */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= SHOWN_MAX) return text;
  const length = typeof value === 'string' ? `${value.length} characters` : `${text.length} characters as JSON`;
  return `${text.slice(0, SHOWN_MAX - 12)}${typeof value === 'string' ? '…"' : '…'} (${length})`;
}

/**
 * A line as the app prints it: no character that could end it, rewrite it or hide part of it on a terminal or in a CI
 * log (line breaks, ESC and the other C0/C1 controls, Unicode line separators and bidirectional overrides) survives;
 * each is shown escaped (`\n`, `\u001b`). Every line the app writes goes through here, whatever built it.
 */
export function printable(line: string): string {
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function formatProblem(problem: Problem): string {
  return printable(problem.path ? `${problem.file}: ${problem.path}: ${problem.message}` : `${problem.file}: ${problem.message}`);
}

const collator = new Intl.Collator('en', { numeric: true });

/** Problems of the whole file, then of the fields every other one derives from, come first in a file's report. */
const rank = (path: string) => (path === '' ? 0 : path === 'project' || path === 'region' ? 1 : 2);

/** Sorted by file, then by field path, so the report reads like the files (what the rest derives from first). */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => collator.compare(a.file, b.file) || rank(a.path) - rank(b.path) || collator.compare(a.path, b.path));
}

/** Thrown when any environment is invalid; carries every problem of every file. */
export class EnvironmentError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(sortProblems(problems).map(formatProblem).join('\n'));
    this.name = 'EnvironmentError';
  }
}
