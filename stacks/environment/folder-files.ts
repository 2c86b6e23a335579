import { Stats, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Which entries of the environments folder are environment files, and reading one: whatever the folder holds, the
 * loader reports one line per entry it cannot use, and never hangs (a named pipe is never opened), crashes (a folder
 * named x.json, a dangling link, an unreadable file) or shows another file's content (a link out of the folder is
 * never read).
 */

/**
 * Files editors and tools leave beside the ones being edited: Emacs lock (`.#dev.json`) and auto-save (`#dev.json#`)
 * files, backups (`dev.json~`), and hidden files in general (vim's swap files are `.dev.json.swp`). They are no
 * environment, even when their name ends in `.json`.
 */
export function isEditorFile(name: string): boolean {
  return name.startsWith('.') || name.startsWith('#') || name.endsWith('~');
}

const KINDS: readonly [(s: Stats) => boolean, string][] = [
  [(s) => s.isDirectory(), 'a folder'],
  [(s) => s.isFIFO(), 'a named pipe'],
  [(s) => s.isSocket(), 'a socket'],
  [(s) => s.isCharacterDevice() || s.isBlockDevice(), 'a device'],
];

/** The bytes of an environment file, or why it cannot be one (a sentence that reads after the file name). */
export function readEnvironmentFile(dir: string, fileName: string): { bytes: Buffer; problem?: undefined } | { bytes?: undefined; problem: string } {
  const file = path.join(dir, fileName);
  const notAFile = (kind: string) => ({ problem: `is ${kind}, not a file: move it out of the folder, or rename it so that its name does not end in .json` });
  try {
    const link = lstatSync(file);
    if (link.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(file);
      } catch {
        return { problem: 'is a symbolic link to a file that does not exist: remove the link (an editor may have left it)' };
      }
      const inside = path.relative(realpathSync(dir), target);
      if (inside.startsWith('..') || path.isAbsolute(inside)) {
        return { problem: 'is a symbolic link to a file outside the folder, which the loader does not read: copy the file into the folder instead' };
      }
    }
    const stat = statSync(file);
    const kind = KINDS.find(([is]) => is(stat));
    if (kind) return notAFile(kind[1]);
    return { bytes: readFileSync(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { problem: 'cannot be read (permission denied): give the user running synth read access' };
    return { problem: `cannot be read (${code ?? 'unknown error'})` };
  }
}
