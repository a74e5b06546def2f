import { constants, type Dirent, type Stats } from 'node:fs';
import { lstat, open, readdir, realpath, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DirHandles, type DirEntry } from './dirHandles.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Operations on the names of one directory that was reached without following a symlink. */
export interface VerifiedDir {
  readdir(): Promise<Dirent[]>;
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

  /** Whether the root path still names the directory we opened (not deleted or replaced). */
  async stillAtRoot(): Promise<boolean> {
    try {
      const [opened, now] = await Promise.all([this.rootFh.stat(), lstat(this.root)]);
      return opened.dev === now.dev && opened.ino === now.ino;
    } catch {
      return false;
    }
  }

  /**
   * rmdir `relDir` and its parents up to (never including) the root, each relative to a
   * verified parent; stops at the first that is not empty. httpd re-creates directories
   * it needs and retries its rename (mod_cache_disk safe_file_rename), so racing it is safe.
   */
  async rmdirUpward(relDir: string): Promise<number> {
    let removed = 0;
    for (let d = relDir; d !== '' && d !== '.'; ) {
      const parent = posixDirname(d);
      try {
        await this.inDir(parent, (dir) => dir.rmdir(d.slice(d.lastIndexOf('/') + 1)));
        removed++;
      } catch {
        break;
      }
      d = parent;
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.handles.closeAll();
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

  /** Handles of the directories above units' directories (see DirHandles). */
  private readonly handles = new DirHandles(256);

  /** The handle of `parts[0..k)`, from the cache or opened relative to its parent's. */
  private async upper(parts: string[], k: number): Promise<DirEntry> {
    if (k === 0) return { fh: this.rootFh, refs: 1, stale: false };
    return this.handles.take(parts.slice(0, k).join('/'), async () => {
      const parent = await this.upper(parts, k - 1);
      try {
        return await this.openIn(parent.fh, parts, k - 1);
      } finally {
        if (k > 1) this.handles.give(parent);
      }
    });
  }

  private openIn(parent: FileHandle, parts: string[], i: number): Promise<FileHandle> {
    return open(`/proc/self/fd/${parent.fd}/${parts[i]}`, DIR_FLAGS).catch((e) => {
      throw withPath(e, join(this.root, ...parts.slice(0, i + 1)));
    });
  }

  /** The unit's own directory: opened fresh each time, below a (maybe cached) parent. */
  private async leaf(parts: string[]): Promise<FileHandle | null> {
    if (parts.length === 0) return null;
    const n = parts.length;
    const attempt = async (): Promise<FileHandle> => {
      const parent = await this.upper(parts, n - 1);
      try {
        return await this.openIn(parent.fh, parts, n - 1);
      } finally {
        if (n > 1) this.handles.give(parent);
      }
    };
    try {
      return await attempt();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || n === 1) throw e;
      // A cached directory may have been removed and made again (httpd, htcacheclean -t).
      for (let k = 1; k < n; k++) this.handles.drop(parts.slice(0, k).join('/'));
      return attempt();
    }
  }

  private async viaFds<T>(parts: string[], fn: (d: VerifiedDir) => Promise<T>): Promise<T> {
    const own = await this.leaf(parts);
    const dir = own ?? this.rootFh;
    try {
      const base = `/proc/self/fd/${dir.fd}/`;
      const at = (name: string) => (e: unknown) => { throw withPath(e, join(this.root, ...parts, name)); };
      return await fn({
        readdir: () => readdir(base, { withFileTypes: true }).catch(at('')),
        lstat: (name) => lstat(base + name).catch(at(name)),
        unlink: (name) => unlink(base + name).catch(at(name)),
        rmdir: (name) => rmdir(base + name).catch(at(name)),
      });
    } finally {
      await own?.close().catch(() => {});
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
      readdir: async () => { await verify(); return readdir(dir, { withFileTypes: true }); },
      lstat: (name) => lstat(join(dir, name)),
      unlink: async (name) => { await verify(); await unlink(join(dir, name)); },
      rmdir: async (name) => { await verify(); await rmdir(join(dir, name)); },
    });
  }
}

/** '' for a top-level name: the relative form the walker and inDir use. */
function posixDirname(rel: string): string {
  const at = rel.lastIndexOf('/');
  return at < 0 ? '' : rel.slice(0, at);
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
