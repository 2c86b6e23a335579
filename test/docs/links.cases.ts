import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/tools';

/** The README and the reference pages link to each other: every relative link must reach a file, and its anchor a heading. */
const PAGES = ['README.md', ...readdirSync(path.join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor of a heading: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));
}

const LINKS = PAGES.flatMap((page) =>
  [...readFileSync(path.join(PROJECT_ROOT, page), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ page, target })),
);

describe('the README and docs/', () => {
  test('link to each other', () => {
    expect(LINKS.filter((l) => l.page === 'README.md' && l.target.startsWith('docs/')).length).toBeGreaterThan(5);
  });

  test.each(LINKS.map((l) => [l.page, l.target] as const))('%s: %s reaches its file and heading', (page, target) => {
    const [file, anchor] = target.split('#');
    const resolved = file ? path.posix.normalize(path.posix.join(path.posix.dirname(page), file)) : page;
    expect(existsSync(path.join(PROJECT_ROOT, resolved))).toBe(true);
    if (anchor && resolved.endsWith('.md')) expect([...anchorsOf(resolved)]).toContain(anchor);
  });
});
