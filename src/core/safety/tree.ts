import { constants, type Stats } from 'node:fs';
import { lstat, open, realpath, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Operations on the names of one directory that was reached without following a symlink. */
export interface VerifiedDir {
  lstat(name: string): Promise<Stats>;
  unlink(name: string): Promise<void>;
  rmdir(name: string): Promise<void>;
}

const errno = (code: string, path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${path}`), { code, path });

/**
 * Deletes below a cache root without ever leaving it, even when the tree's writer (the
 * web server's user) swaps a directory for a symlink between our scan and our unlink.
 *
 * Node has no unlinkat/openat, but Linux's /proc/self/fd/N names the very directory
 * open on fd N (it is not re-resolved by path): so we open the root, then each
 * component with O_DIRECTORY|O_NOFOLLOW relative to the previous fd, and unlink
 * `/proc/self/fd/N/name`. A component that became a symlink fails with ENOTDIR/ELOOP
 * instead of leading elsewhere. That is the openat walk, done through /proc.
 *
 * Without a usable /proc, each component is lstat-ed (must be a real directory) and the
 * parent's realpath must still be the expected path, right before each operation: a
 * far narrower window, though not none; `atomic` says which mode is in use.
 */
export class SafeTree {
  private constructor(
    readonly root: string,
    private readonly rootFh: FileHandle,
    readonly atomic: boolean,
  ) {}

  /** `root` must be a real path (no symlinks), as scan.resolveRoot returns it. */
  static async open(root: string): Promise<SafeTree> {
    const fh = await open(root, DIR_FLAGS);
    let atomic = false;
    try {
      const [viaFd, viaProc] = await Promise.all([fh.stat(), stat(`/proc/self/fd/${fh.fd}`)]);
      atomic = viaFd.dev === viaProc.dev && viaFd.ino === viaProc.ino;
    } catch {
      atomic = false;
    }
    return new SafeTree(root, fh, atomic);
  }

  async close(): Promise<void> {
    await this.rootFh.close().catch(() => {});
  }

  /**
   * Runs `fn` with the directory `relDir` ('' = the root, '/'-separated, as the scan
   * records it). Rejects with ENOENT if a component is gone, ENOTDIR/ELOOP if one is
   * not a real directory any more.
   */
  async inDir<T>(relDir: string, fn: (d: VerifiedDir) => Promise<T>): Promise<T> {
    const parts = relDir === '' ? [] : relDir.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) throw errno('EINVAL', join(this.root, relDir));
    return this.atomic ? this.viaFds(parts, fn) : this.viaChecks(parts, fn);
  }

  private async viaFds<T>(parts: string[], fn: (d: VerifiedDir) => Promise<T>): Promise<T> {
    let cur = this.rootFh;
    try {
      for (let i = 0; i < parts.length; i++) {
        const next = await open(`/proc/self/fd/${cur.fd}/${parts[i]}`, DIR_FLAGS).catch((e) => {
          throw withPath(e, join(this.root, ...parts.slice(0, i + 1)));
        });
        if (cur !== this.rootFh) await cur.close();
        cur = next;
      }
      const base = `/proc/self/fd/${cur.fd}/`;
      const at = (name: string) => (e: unknown) => { throw withPath(e, join(this.root, ...parts, name)); };
      return await fn({
        lstat: (name) => lstat(base + name).catch(at(name)),
        unlink: (name) => unlink(base + name).catch(at(name)),
        rmdir: (name) => rmdir(base + name).catch(at(name)),
      });
    } finally {
      if (cur !== this.rootFh) await cur.close().catch(() => {});
    }
  }

  private async viaChecks<T>(parts: string[], fn: (d: VerifiedDir) => Promise<T>): Promise<T> {
    const dir = join(this.root, ...parts);
    const verify = async (): Promise<void> => {
      let p = this.root;
      for (const part of parts) {
        p = join(p, part);
        const st = await lstat(p);
        if (!st.isDirectory()) throw errno('ENOTDIR', p);
      }
      if ((await realpath(dir)) !== dir) throw errno('ELOOP', dir);
    };
    await verify();
    return fn({
      lstat: (name) => lstat(join(dir, name)),
      unlink: async (name) => { await verify(); await unlink(join(dir, name)); },
      rmdir: async (name) => { await verify(); await rmdir(join(dir, name)); },
    });
  }
}

/** Errors name the path in the cache, not /proc/self/fd/N (which means nothing later). */
function withPath(e: unknown, path: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object') {
    err.path = path;
    if (err.code) err.message = `${err.code}: ${path}`;
  }
  return err;
}
