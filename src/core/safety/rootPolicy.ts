import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Stats } from 'node:fs';
import { CacheRootError } from '../errors.js';

/**
 * Directories that are never a cache root, whoever asks: pruning one of them as root
 * would delete the system. Their subdirectories are fine (/var/cache/apache2,
 * /usr/portage/distfiles), except below the trees in REFUSED_TREES.
 */
export const SYSTEM_DIRS: ReadonlySet<string> = new Set([
  '/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt',
  '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/usr/bin', '/usr/include',
  '/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libexec', '/usr/local', '/usr/local/bin', '/usr/local/lib',
  '/usr/local/sbin', '/usr/local/share', '/usr/sbin', '/usr/share', '/usr/src', '/var', '/var/backups',
  '/var/cache', '/var/lib', '/var/local', '/var/lock', '/var/log', '/var/mail', '/var/opt', '/var/run',
  '/var/spool', '/var/tmp', '/var/www',
]);

/** Kernel and configuration trees: nothing below them is ever a cache. */
const REFUSED_TREES = ['/proc', '/sys', '/dev', '/etc', '/boot', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr/bin', '/usr/sbin', '/usr/lib'];

export interface RootOwner {
  readonly uid: number;
  readonly gid: number;
}

/** Sticky bit: in such a directory (like /tmp) only an entry's owner may rename or remove it. */
const S_ISVTX = 0o1000;

/**
 * The ownership rule, for a cache root at real path `root` owned by uid U:
 * every ancestor directory, from `/` down to the root's parent, must be owned by root
 * (uid 0) or by U, and must not be writable by its group or by others unless it has the
 * sticky bit. Otherwise whoever can write that ancestor could swap the cache root for a
 * symlink to another tree between our check and our deletions, and we would prune that
 * tree with our privileges. (The same reasoning as sshd's StrictModes and logrotate's
 * "parent directory has insecure permissions".) Below the root, a writer cannot redirect
 * us: evict unlinks only relative to directories it verified (safety/tree.ts).
 */
export function ancestorProblem(path: string, st: Stats, ownerUid: number): string | null {
  if (!st.isDirectory()) return `${path} is not a directory`;
  if (st.uid !== 0 && st.uid !== ownerUid) {
    return `${path} is owned by uid ${st.uid}, which is neither root nor the cache's owner (uid ${ownerUid})`;
  }
  const sticky = (st.mode & S_ISVTX) !== 0;
  if ((st.mode & 0o022) !== 0 && !sticky) {
    return `${path} is writable by ${st.mode & 0o002 ? 'everyone' : `group ${st.gid}`} (mode ${(st.mode & 0o7777).toString(8)})`;
  }
  return null;
}

/** Why `root` (a real path: no symlinks) can never be a cache root, or null. */
export function systemDirProblem(root: string): string | null {
  if (root === '/') return 'refusing to use / as a cache directory';
  if (SYSTEM_DIRS.has(root)) return `refusing to use the system directory ${root} as a cache directory`;
  const tree = REFUSED_TREES.find((t) => root.startsWith(`${t}/`));
  if (tree) return `refusing to use ${root} as a cache directory: it is inside the system tree ${tree}`;
  return null;
}

/**
 * Applies the root policy to `root`, which must be a real absolute path (resolved by
 * scan.resolveRoot). Returns the root's owner, to which the CLI drops privileges.
 * Throws CacheRootError (exit 2): these are mistakes in the command line or the
 * machine's set-up, and nothing has been touched yet.
 */
export async function checkCacheRoot(root: string): Promise<RootOwner> {
  const sys = systemDirProblem(root);
  if (sys) throw new CacheRootError(sys);
  const st = await lstat(root);
  if (!st.isDirectory()) throw new CacheRootError(`${root} is not a directory`);
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    const problem = ancestorProblem(dir, await lstat(dir), st.uid);
    if (problem) {
      throw new CacheRootError(`refusing to use ${root} as a cache directory: ${problem}, so it could be swapped for a symlink to another tree (see docs/security.md)`);
    }
    if (dir === '/') break;
  }
  return { uid: st.uid, gid: st.gid };
}
