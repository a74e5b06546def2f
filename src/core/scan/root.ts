import { lstat, realpath } from 'node:fs/promises';
import { CacheRootError } from '../errors.js';

// Small on purpose: the CLI checks a root before it loads the scanner (start-up time).

/** Checks that `root` is a directory we can use and returns its real path. */
export async function resolveRoot(root: string): Promise<string> {
  let st;
  try {
    st = await lstat(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CacheRootError(`cache directory ${root} does not exist`);
    if (code === 'EACCES') throw new CacheRootError(`cache directory ${root} cannot be read (permission denied)`, 1);
    throw new CacheRootError(`cache directory ${root} cannot be read (${code})`, 1);
  }
  const real = await realpath(root);
  if (!st.isDirectory() && !(st.isSymbolicLink() && (await lstat(real)).isDirectory())) {
    throw new CacheRootError(`${root} is not a directory`);
  }
  return real;
}

/** lstat of a resolved root; a root removed in between is the user's error, not a crash. */
export async function statRoot(root: string): Promise<import('node:fs').Stats> {
  try {
    return await lstat(root);
  } catch (e) {
    throw new CacheRootError(`cache directory ${root} vanished (${(e as NodeJS.ErrnoException).code})`, 1);
  }
}
