import { constants } from 'node:fs';
import { lstat, open, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { CachectlError, LockHeldError } from './errors.js';

/** Lives in the cache root: a per-cache lock, writable under systemd's ReadWritePaths. */
export const LOCK_NAME = '.cachectl.lock';
/** Held for the instant it takes to remove a dead holder's lock (see breakStale). */
const GUARD_NAME = `${LOCK_NAME}.break`;
/**
 * A lock file with no pid in it is either a holder killed between create and write, or
 * a holder on a full disk that refreshes its mtime (see create): stale when not touched
 * for this long.
 */
const EMPTY_STALE_MS = 2000;

/** Who we are and how to tell whether another holder is alive (the CLI passes process's). */
export interface LockOwner {
  readonly pid: number;
  readonly isAlive: (pid: number) => boolean;
}

export interface Lock {
  readonly path: string;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'EIO';
/** O_EXCL: never follows a symlink planted at the path, and fails if anything is there. */
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

const WHY: Record<string, string> = {
  ENOSPC: 'the filesystem is full', EDQUOT: 'the disk quota is exhausted', EROFS: 'the filesystem is read-only',
  EACCES: 'permission denied', EPERM: 'permission denied', ENOENT: 'the cache directory is gone',
  EISDIR: 'a directory is in the way', ENOTDIR: 'the cache directory is gone',
};

/** The lock could not be created for a reason other than contention: exit 1, one sentence. */
export class LockFileError extends CachectlError {
  constructor(path: string, readonly code: string) {
    super(`cannot create the lock file ${path}: ${WHY[code] ?? code} (${code}); nothing was deleted`, 1);
  }
}

/**
 * Takes `ROOT/.cachectl.lock` by exclusive create (O_EXCL|O_NOFOLLOW) holding our pid;
 * only one process can create it. A lock whose holder is dead (killed -9, a crash) is
 * removed under a short-lived guard file, itself taken by O_EXCL, after re-reading it:
 * so of several processes that find the same stale lock, only one removes it, and all
 * go back to the exclusive create, which again only one wins.
 * Throws LockHeldError (exit 3) when a live process holds it after `waitMs`, and
 * LockFileError (exit 1) when the file cannot be created at all (read-only filesystem,
 * permissions). On a full disk it still works, without a pid (see create).
 */
export async function acquireLock(root: string, owner: LockOwner, opts: { waitMs?: number; signal?: AbortSignal } = {}): Promise<Lock> {
  const path = join(root, LOCK_NAME);
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let watchedEmpty = false;
  for (;;) {
    const made = await create(path, owner.pid);
    if (made) {
      await removeDeadGuard(join(root, GUARD_NAME), owner);
      return lockAt(path, owner.pid, made.pidless ? made.ino : undefined);
    }
    const holder = await readHolder(path);
    if (holder.pid === owner.pid) return lockAt(path, owner.pid);
    if (holder.gone) continue;
    if (isStale(holder, owner)) {
      await breakStale(root, path, holder, owner);
      continue;
    }
    if (holder.pid === null && !watchedEmpty) {
      // An empty lock: its holder is on a full disk (and keeps touching it) or was killed
      // between create and write (and does not). Watch it long enough to tell.
      watchedEmpty = true;
      await sleep(Math.max(0, holder.mtimeMs + EMPTY_STALE_MS + 100 - Date.now()));
      continue;
    }
    if (Date.now() >= deadline || opts.signal?.aborted) {
      throw new LockHeldError(`another cachectl (pid ${holder.pid ?? '?'}) is pruning ${root}`, holder.pid ?? 0);
    }
    await sleep(Math.min(500, Math.max(10, deadline - Date.now())));
  }
}

/**
 * Creates `path` exclusively and writes our pid in it; null if it already exists.
 * On a full disk (ENOSPC/EDQUOT) the pid cannot be written, but a full disk is when a
 * prune is needed most: the empty file is kept as a pid-less lock, whose holder keeps
 * its mtime fresh (lockAt) so that others see it held. Other failures (read-only
 * filesystem, permissions) throw LockFileError.
 */
async function create(path: string, pid: number): Promise<{ pidless: boolean; ino: number } | null> {
  let fh;
  try {
    fh = await open(path, CREATE, 0o644);
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return null;
    throw new LockFileError(path, codeOf(e));
  }
  const ino = (await fh.stat().catch(() => ({ ino: -1 }))).ino;
  try {
    await fh.writeFile(`${pid}\n`);
    await fh.close();
    return { pidless: false, ino };
  } catch (e) {
    await fh.close().catch(() => {});
    if (codeOf(e) === 'ENOSPC' || codeOf(e) === 'EDQUOT') return { pidless: true, ino };
    await unlink(path).catch(() => {});
    throw new LockFileError(path, codeOf(e));
  }
}

interface Holder { pid: number | null; gone: boolean; mtimeMs: number }

/** Reads the pid in a lock-like file without following a symlink planted there. */
async function readHolder(path: string): Promise<Holder> {
  let fh;
  try {
    // O_NONBLOCK: a FIFO planted here must not hang us in open().
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    // ELOOP: a symlink someone planted; it is nobody's lock, but not ours to follow.
    return { pid: null, gone: codeOf(e) === 'ENOENT', mtimeMs: codeOf(e) === 'ELOOP' ? 0 : Date.now() };
  }
  try {
    const st = await fh.stat();
    // Not a regular file (a FIFO, a device): nobody's lock, stale at once.
    if (!st.isFile()) return { pid: null, gone: false, mtimeMs: 0 };
    const text = await fh.readFile('utf8');
    const pid = Number.parseInt(text.slice(0, 32), 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : null, gone: false, mtimeMs: st.mtimeMs };
  } catch {
    return { pid: null, gone: false, mtimeMs: Date.now() };
  } finally {
    await fh.close().catch(() => {});
  }
}

const isStale = (h: Holder, owner: LockOwner): boolean =>
  h.pid === null ? Date.now() - h.mtimeMs > EMPTY_STALE_MS : !owner.isAlive(h.pid);

/** Removes `path` if, under the guard, it still holds the same dead holder. */
async function breakStale(root: string, path: string, seen: Holder, owner: LockOwner): Promise<void> {
  const guard = join(root, GUARD_NAME);
  let mine = false;
  try {
    mine = (await create(guard, owner.pid)) !== null;
  } catch {
    mine = false;
  }
  if (!mine) {
    // Someone else is breaking it; a guard left by a killed breaker is removed here.
    await removeDeadGuard(guard, owner);
    await sleep(10);
    return;
  }
  try {
    const now = await readHolder(path);
    if (!now.gone && now.pid === seen.pid && isStale(now, owner)) {
      // A directory planted at the lock's name would make us spin here forever: give up.
      await unlink(path).catch((e: unknown) => { if (codeOf(e) !== 'ENOENT') throw new LockFileError(path, codeOf(e)); });
    }
  } finally {
    await unlink(guard).catch(() => {});
  }
}

async function removeDeadGuard(guard: string, owner: LockOwner): Promise<void> {
  const h = await readHolder(guard);
  if (!h.gone && h.pid !== owner.pid && isStale(h, owner)) await unlink(guard).catch(() => {});
}

/** How often a pid-less lock's mtime is refreshed; it is stale after EMPTY_STALE_MS. */
const HEARTBEAT_MS = 500;

function lockAt(path: string, pid: number, pidlessIno?: number): Lock {
  const beat = pidlessIno === undefined ? undefined : setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  beat?.unref();
  return {
    path,
    async release() {
      clearInterval(beat);
      if (pidlessIno !== undefined) {
        // No pid to compare: it is ours if it is still the very file we created.
        const st = await lstat(path).catch(() => null);
        if (st && st.ino === pidlessIno) await unlink(path).catch(() => {});
        return;
      }
      // Only remove it if it is still ours (a takeover after we were thought dead).
      if ((await readHolder(path)).pid !== pid) return;
      await unlink(path).catch(() => {});
    },
  };
}
