import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, readFile, readlink, realpath, rename, stat, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CachectlError, UsageError } from '../errors.js';

/**
 * `cachectl compat install|uninstall`: one symlink, DIR/htcacheclean, to the package's
 * bin/htcacheclean.js. The package itself never puts that name on the PATH (it would
 * clobber Apache's /usr/bin/htcacheclean under npm's prefix /usr), so this is the one,
 * reversible way to. Nothing but our own symlink is ever replaced or removed.
 */
export const COMPAT_NAME = 'htcacheclean';

/** What is at DIR/htcacheclean now. */
export type LinkState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ours'; readonly target: string }
  | { readonly kind: 'other'; readonly what: string };

/**
 * Is this symlink target cachectl's front end: this package's, another install's, or
 * one whose package was removed since (then it dangles, and only its path tells)?
 */
async function isFrontEnd(target: string): Promise<boolean> {
  if (basename(target) !== 'htcacheclean.js' || basename(dirname(target)) !== 'bin') return false;
  try {
    const pkg = JSON.parse(await readFile(join(dirname(dirname(target)), 'package.json'), 'utf8')) as { name?: string };
    return pkg.name === 'cachectl';
  } catch {
    return /\/cachectl\/bin\/htcacheclean\.js$/.test(target);
  }
}

export async function linkState(path: string): Promise<LinkState> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw e;
  }
  if (st.isSymbolicLink()) {
    const raw = await readlink(path);
    const target = resolve(dirname(path), raw);
    return (await isFrontEnd(target)) ? { kind: 'ours', target } : { kind: 'other', what: `a symlink to ${raw}` };
  }
  return { kind: 'other', what: st.isDirectory() ? 'a directory' : st.isFile() ? 'a file (another htcacheclean)' : 'not a regular file' };
}

async function checkDir(dir: string): Promise<void> {
  let st;
  try {
    st = await stat(dir);
  } catch (e) {
    throw new UsageError(`--dir ${dir} cannot be used (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!st.isDirectory()) throw new UsageError(`--dir ${dir} is not a directory`);
}

const refuse = (path: string, what: string, doing: 'replace' | 'remove') =>
  new CachectlError(`refusing to ${doing} ${path}: it is ${what}, not cachectl's symlink${doing === 'replace' ? ' (choose another --dir, one earlier on the PATH)' : ''}`, 1);

const writeError = (dir: string, e: unknown) =>
  new CachectlError(`cannot change ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): run as its owner (root), or choose another --dir`, 1);

export type InstallOutcome = 'created' | 'replaced' | 'unchanged';

/** Places DIR/htcacheclean -> target. Replaces only our own symlink (e.g. to an older install). */
export async function installCompatLink(dir: string, target: string): Promise<{ path: string; outcome: InstallOutcome }> {
  await checkDir(dir);
  const path = join(dir, COMPAT_NAME);
  const state = await linkState(path);
  if (state.kind === 'other') throw refuse(path, state.what, 'replace');
  if (state.kind === 'ours' && state.target === target) return { path, outcome: 'unchanged' };
  try {
    if (state.kind === 'absent') {
      await symlink(target, path);
      return { path, outcome: 'created' };
    }
    // Ours, to another install: swapped in one rename, so the name never goes missing.
    const tmp = join(dir, `.${COMPAT_NAME}.cachectl-${randomBytes(4).toString('hex')}`);
    await symlink(target, tmp);
    try {
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
    return { path, outcome: 'replaced' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw refuse(path, 'something that appeared meanwhile', 'replace');
    throw writeError(dir, e);
  }
}

/** Removes DIR/htcacheclean if, and only if, it is our symlink. */
export async function uninstallCompatLink(dir: string): Promise<{ path: string; outcome: 'removed' | 'absent' }> {
  await checkDir(dir);
  const path = join(dir, COMPAT_NAME);
  const state = await linkState(path);
  if (state.kind === 'absent') return { path, outcome: 'absent' };
  if (state.kind === 'other') throw refuse(path, state.what, 'remove');
  try {
    await unlink(path);
  } catch (e) {
    throw writeError(dir, e);
  }
  return { path, outcome: 'removed' };
}

/** One `name` on a PATH, in search order: the first one is what a caller with that PATH runs. */
export interface OnPath { readonly path: string; readonly cachectl: boolean }

/** Every executable `name` along `searchPath` (a PATH value), as a shell's lookup sees them. */
export async function findOnPath(name: string, searchPath: string): Promise<OnPath[]> {
  const found: OnPath[] = [];
  const seen = new Set<string>();
  for (const d of searchPath.split(':')) {
    const path = join(d || '.', name);
    // /bin and /usr/bin are one directory on a merged-/usr system: list it once.
    const real = await realpath(d || '.').catch(() => d);
    if (seen.has(real)) continue;
    seen.add(real);
    try {
      if (!(await stat(path)).isFile()) continue;
      await access(path, constants.X_OK);
    } catch {
      continue; // missing, a dangling link, or not executable: the shell looks further
    }
    const state = await linkState(path);
    found.push({ path, cachectl: state.kind === 'ours' });
  }
  return found;
}
