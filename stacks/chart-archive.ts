import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';

/** Where packed charts are kept between syntheses (git-ignored, like the bundled app). */
const ARCHIVE_CACHE = '.build/charts';

/** A ustar header holds names of at most 100 bytes (without the prefix field, which nanotar does not fill). */
const TAR_NAME_MAX = 100;

const packed = new Map<string, string>();

/**
 * The chart folder as one `.tgz` that Helm installs as is (`helm install <release> chart.tgz`), for the workloads
 * stack to ship in its folder. One file instead of the chart's twenty: a stack folder is written faster (each file
 * and folder costs a syscall, slow on network and VM disks) and a Terraform Cloud run uploads less.
 *
 * The bytes depend on the chart's files only: entries sorted, mode 0644, owner 0, mtime 0, and gzip at level 0
 * (stored blocks), since zlib's compressed output differs between zlib builds and CPUs. So two checkouts on any
 * machine write the same archive, and the stack refers to it by a content hash.
 *
 * Returns the archive's absolute path, under `.build/charts/<hash>/` of the working directory; the chart is read
 * once per process.
 */
export function packChart(chartDir: string): string {
  const dir = path.resolve(chartDir);
  const cached = packed.get(dir);
  if (cached) return cached;

  const files = listFiles(dir);
  const name = path.basename(dir);
  const entries = files.map((file) => {
    const entry = `${name}/${file}`;
    if (Buffer.byteLength(entry) > TAR_NAME_MAX) throw new Error(`chart file ${entry} has a path longer than ${TAR_NAME_MAX} bytes, which a tar header cannot hold`);
    return { name: entry, data: readFileSync(path.join(dir, file)), attrs: { mode: '644', uid: 0, gid: 0, mtime: 0, user: '', group: '' } };
  });
  const gzip = gzipSync(createTar(entries), { level: 0 });
  // The gzip header's OS byte says where zlib was built (3 on Unix, 10 on Windows): 255, "unknown", everywhere.
  gzip[9] = 0xff;

  const hash = createHash('sha256').update(gzip).digest('hex').slice(0, 32);
  const target = path.resolve(ARCHIVE_CACHE, hash, `${name}.tgz`);
  if (!existsSync(target)) {
    mkdirSync(path.dirname(target), { recursive: true });
    // Written aside and renamed: concurrent syntheses (test workers) never read half a file.
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, gzip);
    renameSync(partial, target);
  }
  packed.set(dir, target);
  return target;
}

/** Every file under `dir`, as sorted posix paths relative to it. */
function listFiles(dir: string, sub = ''): string[] {
  return readdirSync(path.join(dir, sub), { withFileTypes: true })
    .flatMap((entry) => {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(dir, rel) : entry.isFile() ? [rel] : [];
    })
    .sort();
}
