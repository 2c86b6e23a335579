// `npm test`: the type-check beside jest, and the tools the tests use (helm, busybox, CNI plugins) made ready beside
// the type-check, before jest starts. On a machine of two cores, most of this waits on disks, downloads and child
// processes. Fails if the type-check or any test fails; arguments go to jest.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..');
const run = (command, args, env = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
mkdirSync(path.join(root, '.build'), { recursive: true });
// jest starts at once (its own start-up overlaps the downloads); a test that needs a tool waits for this file to exist
// (tools.ts waitForPreparation).
const prepared = path.join(root, '.build', `prepared-${process.pid}`);
rmSync(prepared, { force: true });
// TypeScript 7 (the native compiler) type-checks: 1 CPU-second where TypeScript 5.9's tsc took 10 (package.json
// typecheck). On one thread here: jest has the cores, and the threads' coordination costs a third more CPU. Its binary
// comes from a per-platform optional package; where npm installed none, TypeScript 5.9 checks (slower, same result).
const native = existsSync(path.join(root, 'node_modules', '@typescript', `typescript-${process.platform}-${process.arch}`));
if (!native) process.stderr.write(`TypeScript 7 has no binary for ${process.platform}-${process.arch} here: type-checking with TypeScript 5.9.\n`);
const typecheck = native
  ? run(process.execPath, [path.join(root, 'node_modules', 'typescript-7', 'bin', 'tsc'), '--noEmit', '--singleThreaded'])
  : run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit']);
const preparing = (async () => {
  const bundle = path.join(root, '.build', 'prepare.js');
  await run(bin('esbuild'), ['test/support/prepare.ts', '--bundle', '--platform=node', '--target=node20', '--packages=external', `--outfile=${bundle}`, '--log-level=warning']);
  await Promise.all(['helm', 'debian'].map((tool) => run(process.execPath, [bundle, tool], { GKE_MULTINET_ROOT: root })));
  writeFileSync(prepared, '');
})();
const tests = run(bin('jest'), process.argv.slice(2), { GKE_MULTINET_PREPARED: prepared });

const [typecheckCode, testsCode] = await Promise.all([typecheck, tests, preparing]);
rmSync(prepared, { force: true });
if (typecheckCode !== 0) process.stderr.write('\ntsc --noEmit found type errors (above): npm test fails.\n');
process.exit(typecheckCode !== 0 ? typecheckCode : testsCode);
