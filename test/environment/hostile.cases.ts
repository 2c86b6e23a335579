import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { EnvironmentError, loadEnvironmentText, loadSelectedEnvironments, printable } from '../../stacks/environment';
import { environmentText, problemsOf, shippedEnvironment } from '../support/environments';

/**
 * What a shared repository's environment files sooner or later hold, one class per describe: each is refused with the
 * file, the field and the fix, or arrives as it was written.
 */

const FILE_FORGING = '\n::error file=main.ts::forged\u001b[2K';

/** A folder holding dev.json and what `setup` adds; the problems the loader reports for it, as printed lines. */
function folderProblems(setup: (dir: string) => void): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'hostile-'));
  try {
    writeFileSync(path.join(dir, 'dev.json'), environmentText());
    setup(dir);
    try {
      loadSelectedEnvironments(dir, undefined, { displayRoot: dir });
      return [];
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      return error.message.split('\n');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('strings Terraform would evaluate', () => {
  test.each([
    ['cluster.authorizedNetworks[0].displayName', (env: Record<string, any>) => (env.cluster.authorizedNetworks = [{ cidr: '203.0.113.0/24', displayName: '${file("/etc/hostname")}' }])],
    ['cluster.maintenance.exclusions[0].name', (env: Record<string, any>) => (env.cluster.maintenance = { window: { startTime: '2026-01-03T02:00:00Z', endTime: '2026-01-03T10:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' }, exclusions: [{ name: '%{ for x in [1] }x%{ endfor }', startTime: '2026-12-20T00:00:00Z', endTime: '2026-12-27T00:00:00Z' }] })],
    ['backend.jwksJson', (env: Record<string, any>) => (env.backend = { type: 'cloud', organization: 'acme', organizationId: 'org-AbCdEfGhIjKlMnOp', project: 'gke-multinet', hostname: 'tfe.example.com', jwksJson: '{"keys":[{"kid":"${path.root}"}]}' })],
  ])('rejects a template in %s, naming the field and the fix', (field, mutate) => {
    expect(problemsOf(mutate)).toContainEqual(expect.stringMatching(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: .* holds "(\\$|%)\\{", which Terraform reads as the start of a template .* write it without`)));
  });

  test('accepts a "$" or a "%" alone, which Terraform keeps as written (read back by terraform in the stacks room)', () => {
    expect(problemsOf((env) => (env.cluster.authorizedNetworks = [{ cidr: '203.0.113.0/24', displayName: 'ops $HOME 100% {braces}' }]))).toEqual([]);
  });
});

describe('duplicate keys', () => {
  test('rejects a key given twice, naming both lines', () => {
    const text = '{\n  "project": "p-123456",\n  "project": "q-123456",\n  "region": "us-central1"\n}';
    expect(loadEnvironmentText('dev', text).problems).toEqual([
      { path: 'project', message: 'is given twice, at lines 2 and 3: JSON keeps only the last, which a reader of line 2 would not expect; keep one' },
    ]);
  });

  test('rejects deletionProtection true then false in one object, whose last value JSON.parse would keep', () => {
    const text = environmentText().replace('"deletionProtection": true', '"deletionProtection": true,\n    "deletionProtection": false');
    expect(loadEnvironmentText('dev', text).problems).toEqual([expect.objectContaining({ path: 'cluster.deletionProtection', message: expect.stringMatching(/^is given twice, at lines \d+ and \d+/) })]);
  });
});

describe('ranges GCP forbids for subnets', () => {
  test.each([
    ['cluster.nodeCidr', '127.0.0.0/24', '127.0.0.0/8 (loopback)', (env: Record<string, any>, v: string) => (env.cluster.nodeCidr = v)],
    ['cluster.podCidr', '169.254.0.0/20', '169.254.0.0/16 (link-local)', (env: Record<string, any>, v: string) => (env.cluster.podCidr = v)],
    ['cluster.serviceCidr', '0.0.0.0/20', '0.0.0.0/8 ("this network")', (env: Record<string, any>, v: string) => (env.cluster.serviceCidr = v)],
    ['additionalNetworks[0].podCidr', '224.0.0.0/24', '224.0.0.0/4 (multicast)', (env: Record<string, any>, v: string) => (env.additionalNetworks[0].podCidr = v)],
    ['additionalNetworks[0].nodeCidr', '255.255.255.248/29', '255.255.255.255/32 (the broadcast address)', (env: Record<string, any>, v: string) => (env.additionalNetworks[0].nodeCidr = v)],
  ])('rejects %s %s, naming the range it overlaps', (field, value, range, set) => {
    expect(problemsOf((env) => set(env, value))).toContainEqual(`${field}: "${value}" overlaps ${range}, which GCP forbids for subnet ranges: choose a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
  });
});

describe('Whereabouts with nothing to hand out', () => {
  test('rejects an exclude that covers the whole range', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.exclude = ['172.16.1.0/24']))).toContainEqual(
      'additionalNetworks[0].attachment.exclude: leaves 0 addresses to hand out in 172.16.1.0/24 (Whereabouts never hands out the network and broadcast addresses), and helm test attaches 2 pods: exclude less of the range',
    );
  });

  test('rejects rangeStart..rangeEnd holding one address', () => {
    expect(problemsOf((env) => Object.assign(env.additionalNetworks[0].attachment, { rangeStart: '172.16.1.10', rangeEnd: '172.16.1.10' }))).toContainEqual(
      'additionalNetworks[0].attachment.rangeStart: leaves 1 address to hand out in 172.16.1.0/24 (Whereabouts never hands out the network and broadcast addresses), and helm test attaches 2 pods: widen rangeStart..rangeEnd',
    );
  });

  test('rejects a rangeEnd alone that leaves one address', () => {
    expect(problemsOf((env) => (env.additionalNetworks[0].attachment.rangeEnd = '172.16.1.1'))).toContainEqual(expect.stringMatching(/^additionalNetworks\[0\]\.attachment\.rangeEnd: leaves 1 address/));
  });
});

describe('two node-block attachments with one name', () => {
  test('rejects the second, naming the first', () => {
    const problems = problemsOf((env) => {
      for (const n of env.additionalNetworks) Object.assign(n.attachment, { ipam: 'node-block', name: 'data' });
    }, 'prod');
    expect(problems).toContainEqual(expect.stringMatching(/^additionalNetworks\[1\]\.attachment\.name: "data" is also the name of node-block additionalNetworks\[0\]\.attachment: each node keeps one CNI file/));
  });
});

describe('disk and machine series that do not go together', () => {
  test.each([
    ['e2-standard-4', 'hyperdisk-balanced', 'E2 machines cannot use Hyperdisk: use diskType "pd-balanced", or a machine series that supports Hyperdisk (such as N4 or C4)'],
    ['n4-standard-4', 'pd-balanced', 'N4 machines boot from Hyperdisk only: use diskType "hyperdisk-balanced", or another machine series'],
    ['c4-standard-4', 'pd-ssd', 'C4 machines boot from Hyperdisk only: use diskType "hyperdisk-balanced", or another machine series'],
  ])('rejects %s on %s', (machineType, diskType, why) => {
    expect(problemsOf((env) => Object.assign(env.nodePools[0], { machineType, diskType }))).toContainEqual(`nodePools[0].diskType: "${diskType}" does not boot "${machineType}": ${why}`);
  });

  test('accepts N4 on Hyperdisk', () => {
    expect(problemsOf((env) => Object.assign(env.nodePools[0], { machineType: 'n4-standard-4', diskType: 'hyperdisk-balanced' }))).toEqual([]);
  });
});

describe('the folder itself', () => {
  test('names a named pipe in one line, without opening it (synth would hang)', () => {
    expect(folderProblems((dir) => spawnSync('mkfifo', [path.join(dir, 'pipe.json')]))).toEqual([
      'pipe.json: is a named pipe, not a file: move it out of the folder, or rename it so that its name does not end in .json',
    ]);
  });

  test('names a folder called x.json in one line', () => {
    expect(folderProblems((dir) => mkdirSync(path.join(dir, 'x.json')))).toEqual(['x.json: is a folder, not a file: move it out of the folder, or rename it so that its name does not end in .json']);
  });

  test('names a dangling symbolic link in one line', () => {
    expect(folderProblems((dir) => symlinkSync(path.join(dir, 'gone.json'), path.join(dir, 'staging.json')))).toEqual([
      'staging.json: is a symbolic link to a file that does not exist: remove the link (an editor may have left it)',
    ]);
  });

  test("ignores editors' lock, auto-save and backup files, dangling or not", () => {
    expect(
      folderProblems((dir) => {
        symlinkSync('root@host.1234:1700000000', path.join(dir, '.#dev.json'));
        writeFileSync(path.join(dir, '#dev.json#'), '{');
        writeFileSync(path.join(dir, 'dev.json~'), '{');
      }),
    ).toEqual([]);
  });

  test("never reads a link to a file outside the folder, so no error can show that file's content", () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'outside-'));
    writeFileSync(path.join(outside, 'secret.json'), '{"token": "s3cr3t-value"');
    try {
      const lines = folderProblems((dir) => symlinkSync(path.join(outside, 'secret.json'), path.join(dir, 'secret.json')));
      expect(lines).toEqual(['secret.json: is a symbolic link to a file outside the folder, which the loader does not read: copy the file into the folder instead']);
      expect(lines.join('\n')).not.toContain('s3cr3t');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('names an unreadable file in one line', () => {
    // As root (CI containers) every file is readable: the refusal the kernel gives others is simulated.
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    let spy: jest.SpyInstance | undefined;
    try {
      const lines = folderProblems(() => {
        // The module object itself (a namespace import would be a copy), as the loader's import reads it at each call.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        spy = jest.spyOn(require('node:fs') as typeof import('node:fs'), 'readFileSync').mockImplementationOnce(() => {
          throw denied;
        });
      });
      expect(lines).toEqual(['dev.json: cannot be read (permission denied): give the user running synth read access']);
    } finally {
      spy?.mockRestore();
    }
  });
});

describe('lines a file can forge', () => {
  test('shows a value with a line break and ESC quoted and escaped, on its own line', () => {
    const [problem] = problemsOf((env) => (env.cluster.maintenance = { window: { startTime: '2026-01-03T02:00:00Z', endTime: '2026-01-03T10:00:00Z', recurrence: `FREQ=HOURLY${FILE_FORGING}` } }));
    const line = printable(`environments/dev.json: ${problem}`);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('"FREQ=HOURLY\\n::error file=main.ts::forged\\u001b[2K" is not a recurrence this product checks');
  });

  test('shows an unknown key with a line break quoted and escaped', () => {
    const text = environmentText((env) => (env.cluster[`x${FILE_FORGING}`] = 1));
    const [problem] = loadEnvironmentText('dev', text).problems;
    expect(printable(problem.path)).toBe('cluster["x\\n::error file=main.ts::forged\\u001b[2K"]');
  });

  test('escapes every control character, Unicode line separator and bidirectional override a line could hold', () => {
    expect(printable('a\nb\rc\td\u001be\u0085f\u2028g\u202eh')).toBe('a\\nb\\rc\\td\\u001be\\u0085f\\u2028g\\u202eh');
  });
});

describe('numbers and nesting', () => {
  test('names a number too large to be one as out of range, with its text and line', () => {
    const text = environmentText().replace('"maxPodsPerNode": 8', '"maxPodsPerNode": 1e400');
    expect(loadEnvironmentText('dev', text).problems).toEqual([{ path: 'additionalNetworks[0].maxPodsPerNode', message: expect.stringMatching(/^"1e400" is out of range: too large to be a number \(line \d+\)$/) }]);
  });

  test('names a very deeply nested value in one line', () => {
    const env = shippedEnvironment('dev');
    const text = JSON.stringify(env).replace(/}$/, `, "deep": ${'['.repeat(100000)}${']'.repeat(100000)}}`);
    expect(loadEnvironmentText('dev', text).problems).toEqual([{ path: 'deep[0][0][0]', message: 'nests more than 16 levels deep: no environment field does; remove the nested value' }]);
  });

  test('shows a value longer than a field allows cut, saying how long it was', () => {
    const [problem] = problemsOf((env) => (env.cluster.name = 'x'.repeat(100000)));
    expect(problem.length).toBeLessThan(300);
    expect(problem).toContain('…" (100000 characters)');
  });
});
