import { spawnSync } from 'node:child_process';
import { release } from './release';

// `npm run release -- X.Y.Z [--date YYYY-MM-DD]`: see stacks/release.ts.
const root = process.env.GKE_MULTINET_ROOT ?? process.cwd();
const [version, ...rest] = process.argv.slice(2);
const dateIndex = rest.indexOf('--date');
try {
  const tag = release({
    root,
    version: version ?? '',
    date: dateIndex >= 0 ? rest[dateIndex + 1] : undefined,
    regenerate: (dir) => {
      const build = spawnSync('npm', ['run', '--silent', 'build:modules'], { cwd: dir, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('npm run build:modules failed');
    },
  });
  process.stdout.write(`Released ${tag}. Push it with: git push origin HEAD ${tag}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
