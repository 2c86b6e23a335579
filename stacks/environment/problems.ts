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

export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

export function formatProblem(problem: Problem): string {
  return problem.path ? `${problem.file}: ${problem.path}: ${problem.message}` : `${problem.file}: ${problem.message}`;
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
