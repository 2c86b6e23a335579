/**
 * `npm run bench`: how fast synth is on this machine, and how its cost grows. A script, not a timed test: it prints
 * a Markdown table (medians of BENCH_RUNS runs, at least 3, and the highest peak RSS of any run), checks it
 * against the targets, and with `--readme` writes it into docs/development.md between the bench markers.
 *
 *   npm run bench                 # every row, 3 runs each (about five minutes, most of it `npm test`, cold and warm)
 *   npm run bench -- --no-test    # without the `npm test` row
 *   BENCH_RUNS=5 npm run bench -- --readme
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// npm runs scripts from the package root.
const ROOT = process.cwd();
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));
const TIME = '/usr/bin/time';
const args = new Set(process.argv.slice(2));

interface Sample {
  seconds: number;
  /** Peak resident set size of the command and its children, in MB (GNU time), when measurable. */
  peakMb?: number;
  /** CPU time (user + system) of the command and its children, in seconds (GNU time), when measurable. */
  cpuSeconds?: number;
}

/** Runs a shell command once; fails loudly if it fails (a broken command has no speed). */
function measure(command: string, env: Record<string, string> = {}): Sample {
  const timed = existsSync(TIME);
  const start = process.hrtime.bigint();
  const result = spawnSync(timed ? TIME : 'sh', timed ? ['-f', '%M %U %S', 'sh', '-c', command] : ['-c', command], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}):\n${result.stderr}`);
  const [kb, user, system] = timed ? (/(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr.trim())?.slice(1).map(Number) ?? []) : [];
  return { seconds, peakMb: Number.isFinite(kb) ? kb / 1024 : undefined, cpuSeconds: Number.isFinite(user) && Number.isFinite(system) ? user + system : undefined };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function summary(samples: Sample[]): { seconds: number; peakMb?: number } {
  const peaks = samples.map((s) => s.peakMb).filter((m): m is number => m !== undefined);
  return { seconds: median(samples.map((s) => s.seconds)), peakMb: peaks.length ? Math.max(...peaks) : undefined };
}

/** Runs each command RUNS times, interleaved, so that load on the machine hits all of them alike. */
function compare(commands: Record<string, { command: string; env?: Record<string, string> }>): Record<string, { seconds: number; peakMb?: number }> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let run = 0; run < RUNS; run++) for (const [key, c] of Object.entries(commands)) samples[key].push(measure(c.command, c.env));
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, summary(s)]));
}

// -------------------------------------------------------------------------------------------------------------------
// Generated environments: valid, each in its own project (so the folder rules see no clash), like the shipped dev.

const dev = JSON.parse(readFileSync(path.join(ROOT, 'environments', 'dev.json'), 'utf8'));

function environment(index: number, networks: number): Record<string, unknown> {
  const env = JSON.parse(JSON.stringify(dev));
  env.project = `bench-project-${index}`;
  env.cluster.name = `bench-${index}`;
  // 8 vCPUs: 8 NICs, room for eth0 and 7 additional networks.
  env.nodePools[0].machineType = 'e2-standard-8';
  env.additionalNetworks = Array.from({ length: networks }, (_, k) => ({
    name: `net${k + 1}`,
    nodeCidr: `10.0.${k + 1}.0/24`,
    podCidr: `172.16.${k + 1}.0/24`,
    maxPodsPerNode: 8,
    attachment: { name: `net${k + 1}`, namespace: 'default' },
  }));
  return env;
}

function environmentsDir(count: number, networks: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-envs-'));
  for (let i = 1; i <= count; i++) writeFileSync(path.join(dir, `bench-${i}.json`), JSON.stringify(environment(i, networks), null, 2));
  return dir;
}

// -------------------------------------------------------------------------------------------------------------------

/** The build half of the app command cdktf.json gives the CLI (`<esbuild …> && node .build/main.js`). */
const APP_BUILD = (JSON.parse(readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app.split(' && ')[0];
const fmt = (s: number) => `${s.toFixed(2)} s`;
const mb = (m?: number) => (m === undefined ? 'n/a' : `${Math.round(m)} MB`);
const mark = (ok: boolean) => (ok ? '✓' : '✗ (over target)');

/**
 * The machine's speed at the moment: a fixed CPU-bound loop in a fresh node process (seconds). On a shared VM it moves
 * by up to 2x within an hour (2.2 to 4.4 s on the reference machine on 2026-12-01), more than most changes to the
 * code do: the table says what it was before and after its rows.
 */
const CALIBRATION = `node -e "let s = 0; for (let i = 0; i < 3e8; i++) s += i"`;
const calibrate = () => measure(CALIBRATION).seconds;

function main(): void {
  const before = calibrate();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
  const temporary: string[] = [scratch];
  const rows: string[] = [];
  const failures: string[] = [];
  const row = (what: string, median: string, peak: string, target: string, ok?: boolean) => {
    rows.push(`| ${what} | ${median} | ${peak} | ${target}${ok === undefined ? '' : ` ${mark(ok)}`} |`);
    if (ok === false) failures.push(what);
  };
  try {
    process.stderr.write(`bench: ${RUNS} runs of each, interleaved\n`);
    // 1. npm run synth next to npx cdktf synth, on the shipped environments, each into its own folder.
    const side = compare({
      synth: { command: 'npm run --silent synth > /dev/null', env: { CDKTF_OUTDIR: path.join(scratch, 'synth') } },
      cdktf: { command: `npx cdktf synth --output ${path.join(scratch, 'cdktf')} > /dev/null` },
    });
    const ratio = side.synth.seconds / side.cdktf.seconds;
    row('`npm run synth` (dev + prod, 6 stacks)', fmt(side.synth.seconds), mb(side.synth.peakMb), '≤ 1.00 s, ≤ 200 MB', side.synth.seconds <= 1 && (side.synth.peakMb ?? 0) <= 200);
    row('`npx cdktf synth` (same environments)', fmt(side.cdktf.seconds), mb(side.cdktf.peakMb), '—');
    row('ratio `npm run synth` / `npx cdktf synth`', ratio.toFixed(2), '', '≤ 0.50', ratio <= 0.5);

    // 2. The app alone (built once), for 1, 16 and 64 environments of one network.
    measure(APP_BUILD);
    const app = (dir: string, out: string) => ({ command: 'node .build/main.js > /dev/null', env: { ENVIRONMENTS_DIR: dir, CDKTF_OUTDIR: path.join(scratch, out) } });
    const byCount: Record<number, { seconds: number; peakMb?: number }> = {};
    for (const count of [1, 16, 64]) {
      const dir = environmentsDir(count, 1);
      temporary.push(dir);
      byCount[count] = compare({ app: app(dir, `envs-${count}`) }).app;
    }
    const perEnv16 = (byCount[16].seconds - byCount[1].seconds) / 15;
    const perEnv64 = (byCount[64].seconds - byCount[16].seconds) / 48;
    for (const count of [1, 16, 64]) row(`app alone, ${count} environment${count > 1 ? 's' : ''} (1 network each)`, fmt(byCount[count].seconds), mb(byCount[count].peakMb), count === 64 ? '≤ 200 MB' : '—', count === 64 ? (byCount[64].peakMb ?? 0) <= 200 : undefined);
    row('per extra environment, 1 → 16', `${(perEnv16 * 1000).toFixed(1)} ms`, '', '≤ 25 ms', perEnv16 <= 0.025);
    row('per extra environment, 16 → 64 (linear if close to the line above)', `${(perEnv64 * 1000).toFixed(1)} ms`, '', '≤ 25 ms', perEnv64 <= 0.025);

    // 3. One environment with 1, 3 and 7 additional networks.
    const byNetworks: Record<number, { seconds: number; peakMb?: number }> = {};
    for (const networks of [1, 3, 7]) {
      const dir = environmentsDir(1, networks);
      temporary.push(dir);
      byNetworks[networks] = compare({ app: app(dir, `networks-${networks}`) }).app;
      row(`app alone, 1 environment with ${networks} additional network${networks > 1 ? 's' : ''}`, fmt(byNetworks[networks].seconds), mb(byNetworks[networks].peakMb), '—');
    }
    const perNetwork = ((byNetworks[7].seconds - byNetworks[1].seconds) / 6) * 1000;
    // Below a few milliseconds the difference is the machine's noise, not the cost of a network.
    row('per extra network, 1 → 7', perNetwork < 5 ? `< 5 ms (within noise: ${perNetwork.toFixed(1)} ms)` : `${perNetwork.toFixed(1)} ms`, '', '—');

    // 4. npm test, whole (type-check and every suite): cold as on a fresh clone (no type-check cache, no jest
    // transform cache, no extracted or downloaded tools), then warm; min – median – max of RUNS runs each.
    if (!args.has('--no-test')) {
      const cold: Sample[] = [];
      const warm: Sample[] = [];
      const clear = 'rm -rf node_modules/.cache/tsc node_modules/.cache/gke-multinet-tools && node_modules/.bin/jest --clearCache > /dev/null';
      for (let run = 0; run < RUNS; run++) {
        measure(clear);
        cold.push(measure('npm test --silent > /dev/null 2>&1'));
        warm.push(measure('npm test --silent > /dev/null 2>&1'));
      }
      const spread = (samples: Sample[]) => {
        const seconds = samples.map((x) => x.seconds).sort((a, b) => a - b);
        const cpu = samples.map((x) => x.cpuSeconds).filter((c): c is number => c !== undefined);
        return `${fmt(median(seconds))} (${seconds[0].toFixed(1)} – ${seconds[seconds.length - 1].toFixed(1)})${cpu.length ? `, ${median(cpu).toFixed(0)} CPU-s` : ''}`;
      };
      const coldMedian = median(cold.map((x) => x.seconds));
      row('`npm test`, cold as after a fresh clone (caches and tools cleared), min – max in brackets', spread(cold), mb(summary(cold).peakMb), '≤ 30 s', coldMedian <= 30);
      row('`npm test`, warm', spread(warm), mb(summary(warm).peakMb), '—');
    }
  } finally {
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  }

  const after = calibrate();
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.type()} ${os.release()}, Node.js ${process.version}`;
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; medians of ${RUNS} runs, peak RSS is that of the largest process the command ran (GNU time, %M), CPU-s the CPU time of the command and its children (user + system).`,
    `The machine's speed meanwhile: a fixed CPU loop (\`${CALIBRATION}\`) took ${fmt(before)} before the rows and ${fmt(after)} after them: on a shared host, the same work takes longer when it is busy.`,
    '',
    '| what | median | peak RSS | target |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);

  if (args.has('--readme')) {
    const file = path.join(ROOT, 'docs', 'development.md');
    const readme = readFileSync(file, 'utf8');
    const [start, end] = ['<!-- bench:start (written by `npm run bench -- --readme`) -->', '<!-- bench:end -->'];
    const a = readme.indexOf(start);
    const b = readme.indexOf(end);
    if (a < 0 || b < a) throw new Error(`docs/development.md lacks the ${start} … ${end} markers`);
    writeFileSync(file, `${readme.slice(0, a + start.length)}\n${table}\n${readme.slice(b)}`);
    process.stderr.write('bench: wrote the table into docs/development.md\n');
  }
  if (failures.length > 0) {
    process.stderr.write(`bench: over target: ${failures.join('; ')}\n`);
    process.exitCode = 1;
  }
}

main();
