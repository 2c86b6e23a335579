// `npm test`: the type-check and the jest suite at once, on a machine whose two cores the jest workers leave partly
// idle (they wait on helm, terraform and cdktf child processes). Fails if either fails; arguments go to jest.
import { spawn } from 'node:child_process';

const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const [typecheck, tests] = await Promise.all([
  run('node_modules/.bin/tsc', ['--noEmit']),
  run('node_modules/.bin/jest', process.argv.slice(2)),
]);
if (typecheck !== 0) process.stderr.write('\ntsc --noEmit found type errors (above): npm test fails.\n');
process.exit(typecheck !== 0 ? typecheck : tests);
