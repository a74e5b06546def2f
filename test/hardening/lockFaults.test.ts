import { beforeEach, describe, expect, test, vi } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { writeFile } from 'node:fs/promises';

// Fault injection only: the lock file's open or its pid write fails as a full or
// read-only filesystem makes it fail (the real-mount versions are in faults.test.ts).
const fault = vi.hoisted(() => ({ open: undefined as string | undefined, write: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const errno = (code: string) => Object.assign(new Error(code), { code });
  return {
    ...fs,
    open: async (...a: Parameters<typeof fs.open>) => {
      if (fault.open && typeof a[1] === 'number') throw errno(fault.open);
      const fh = await fs.open(...a);
      if (fault.write) fh.writeFile = async () => { throw errno(fault.write!); };
      return fh;
    },
  };
});

const { acquireLock, LOCK_NAME } = await import('../../src/core/lock.js');
const { LockHeldError } = await import('../../src/core/errors.js');
const owner = (pid: number) => ({ pid, isAlive: () => true });

beforeEach(() => {
  fault.open = undefined;
  fault.write = undefined;
});

describe('the lock on a full or read-only filesystem', () => {
  test.each([
    ['EROFS', 'the filesystem is read-only (EROFS); nothing was deleted'],
    ['EACCES', 'permission denied (EACCES); nothing was deleted'],
  ])('%s when creating it: one clear sentence, exit 1, no file left', async (code, msg) => {
    const root = await tempDir();
    fault.open = code;
    await expect(acquireLock(root, owner(4001))).rejects.toMatchObject({
      exitCode: 1, message: `cannot create the lock file ${join(root, LOCK_NAME)}: ${msg}`,
    });
    expect(existsSync(join(root, LOCK_NAME))).toBe(false);
  });

  test('ENOSPC when writing the pid: the prune still runs (a full disk is when it is needed), with a pid-less lock others respect', async () => {
    const root = await tempDir();
    fault.write = 'ENOSPC';
    const lock = await acquireLock(root, owner(4002));
    fault.write = undefined;
    expect(readFileSync(join(root, LOCK_NAME), 'utf8')).toBe('');
    // Held: its holder keeps its mtime fresh, so it never looks like a crash leftover.
    await new Promise((r) => setTimeout(r, 2600));
    expect(Date.now() - statSync(join(root, LOCK_NAME)).mtimeMs).toBeLessThan(1500);
    await expect(acquireLock(root, owner(4003))).rejects.toBeInstanceOf(LockHeldError);
    await lock.release();
    expect(existsSync(join(root, LOCK_NAME))).toBe(false);
    const next = await acquireLock(root, owner(4003));
    await next.release();
  });

  test('an empty lock nobody refreshes (a holder killed between create and write) is taken over within ~2 s', async () => {
    const root = await tempDir();
    await writeFile(join(root, LOCK_NAME), ''); // fresh: it might still be being written
    const t0 = Date.now();
    const next = await acquireLock(root, owner(4005));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(readFileSync(join(root, LOCK_NAME), 'utf8')).toBe('4005\n');
    await next.release();
  });
});
