import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LockHeldError } from './errors.js';

/** Lives in the cache root: a per-cache lock, writable under systemd's ReadWritePaths. */
export const LOCK_NAME = '.cachectl.lock';

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

/**
 * Takes `ROOT/.cachectl.lock` by exclusive create (O_EXCL) holding our pid. A lock
 * whose pid is dead is stale and taken over by renaming our own file over it (atomic),
 * then re-reading it: if two takers race, only the one whose pid is in the file wins.
 * Throws LockHeldError (exit 3) when a live process holds it after `waitMs`.
 */
export async function acquireLock(root: string, owner: LockOwner, opts: { waitMs?: number; signal?: AbortSignal } = {}): Promise<Lock> {
  const path = join(root, LOCK_NAME);
  const deadline = Date.now() + (opts.waitMs ?? 0);
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o644);
      await fh.writeFile(`${owner.pid}\n`);
      await fh.close();
      return lockAt(path, owner.pid);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readPid(path);
    if (holder === owner.pid) return lockAt(path, owner.pid);
    if (holder !== null && !owner.isAlive(holder)) {
      const mine = `${path}.${owner.pid}`;
      await writeFile(mine, `${owner.pid}\n`);
      await rename(mine, path);
      await sleep(20);
      if ((await readPid(path)) === owner.pid) return lockAt(path, owner.pid);
      continue;
    }
    if (Date.now() >= deadline || opts.signal?.aborted) {
      throw new LockHeldError(`another cachectl (pid ${holder ?? '?'}) is pruning ${root}`, holder ?? 0);
    }
    await sleep(Math.min(500, Math.max(10, deadline - Date.now())));
  }
}

async function readPid(path: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function lockAt(path: string, pid: number): Lock {
  return {
    path,
    async release() {
      // Only remove it if it is still ours (a takeover after we were thought dead).
      if ((await readPid(path)) !== pid) return;
      await unlink(path).catch(() => {});
    },
  };
}
