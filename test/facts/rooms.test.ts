import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/tools';

/** Every TypeScript file of the product and the relative imports it makes (type-only ones included), by path. */
function importGraph(): Map<string, string[]> {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(PROJECT_ROOT, dir)).flatMap((name) => {
      const rel = path.posix.join(dir, name);
      if (rel === 'modules/terraform') return [];
      return statSync(path.join(PROJECT_ROOT, rel)).isDirectory() ? walk(rel) : rel.endsWith('.ts') ? [rel] : [];
    });
  const files = ['main.ts', ...walk('stacks'), ...walk('modules')];
  const resolve = (from: string, spec: string) => {
    const base = path.posix.join(path.posix.dirname(from), spec);
    return [`${base}.ts`, `${base}/index.ts`].find((f) => existsSync(path.join(PROJECT_ROOT, f)));
  };
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    const specs = [...text.matchAll(/(?:from|require\()\s*'(\.[^']+)'/g)].map((m) => m[1]);
    graph.set(file, [...new Set(specs.map((s) => resolve(file, s)).filter((f): f is string => f !== undefined))]);
  }
  return graph;
}

describe('rooms', () => {
  const graph = importGraph();

  test('the config layer (stacks/environment/) imports no construct: of modules/, only the facts', () => {
    const reaches = [...graph].flatMap(([file, deps]) =>
      file.startsWith('stacks/environment/') ? deps.filter((d) => !d.startsWith('stacks/environment/') && !d.startsWith('modules/facts/')).map((d) => `${file} -> ${d}`) : [],
    );
    expect(reaches).toEqual([]);
  });

  test('the facts import nothing of the product but each other', () => {
    const reaches = [...graph].flatMap(([file, deps]) => (file.startsWith('modules/facts/') ? deps.filter((d) => !d.startsWith('modules/facts/')).map((d) => `${file} -> ${d}`) : []));
    expect(reaches).toEqual([]);
  });

  test('the HCL generator (modules/hcl/) has a room of its own: no construct and no stack imports it, and it imports no stack', () => {
    const reaches = [...graph].flatMap(([file, deps]) =>
      deps
        .filter((d) => (d.startsWith('modules/hcl/') && !file.startsWith('modules/hcl/')) || (file.startsWith('modules/hcl/') && (d.startsWith('stacks/') || d === 'main.ts')))
        .map((d) => `${file} -> ${d}`),
    );
    expect(reaches).toEqual([]);
  });

  test('no hand-written source file is over 400 lines', () => {
    const long = [...graph.keys()].filter((file) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n').length > 400 + 1);
    expect(long).toEqual([]);
  });

  test('no import circles', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const dep of graph.get(file) ?? []) visit(dep, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });
});
