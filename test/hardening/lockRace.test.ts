import { describe, expect, test, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { writeFile as realWriteFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

// Fault injection only: every fs call of the lock takes a random 0-40 ms, so the
// takers interleave in every order a loaded machine could produce (their real
// start-ups are too far apart to race each other often).
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const slow = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    await new Promise((r) => setTimeout(r, Math.random() * 40));
    return f(...a);
  };
  return { ...fs, open: slow(fs.open), readFile: slow(fs.readFile), writeFile: slow(fs.writeFile), rename: slow(fs.rename), unlink: slow(fs.unlink) };
});

const { acquireLock, LOCK_NAME } = await import('../../src/core/lock.js');
const { LockHeldError } = await import('../../src/core/errors.js');

const DEAD = 999_999;
const owner = (pid: number) => ({ pid, isAlive: (p: number) => p !== DEAD });

describe('the lock under every interleaving', () => {
  test('four takers of a stale lock, 25 rounds: exactly one holds it each time', async () => {
    const root = await tempDir();
    for (let round = 0; round < 25; round++) {
      await realWriteFile(join(root, LOCK_NAME), `${DEAD}\n`);
      const takers = [1001, 1002, 1003, 1004].map((pid) => acquireLock(root, owner(pid)).then((l) => ({ l }), (e: unknown) => ({ e })));
      const results = await Promise.all(takers);
      const won = results.filter((r) => 'l' in r);
      expect(won.length, `round ${round}`).toBe(1);
      for (const r of results) if ('e' in r) expect(r.e).toBeInstanceOf(LockHeldError);
      await (won[0] as { l: { release(): Promise<void> } }).l.release();
      expect(existsSync(join(root, LOCK_NAME))).toBe(false);
      expect(existsSync(join(root, `${LOCK_NAME}.break`)), `round ${round}: the guard is gone`).toBe(false);
    }
  }, 60_000);

  test('four takers and no lock: exactly one wins each round', async () => {
    const root = await tempDir();
    for (let round = 0; round < 20; round++) {
      const results = await Promise.all([2001, 2002, 2003, 2004].map((pid) => acquireLock(root, owner(pid)).then((l) => l, () => null)));
      expect(results.filter(Boolean).length, `round ${round}`).toBe(1);
      await results.find(Boolean)!.release();
    }
  }, 60_000);
});
