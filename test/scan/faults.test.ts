import { describe, expect, test, vi, beforeEach } from 'vitest';
import { join } from 'node:path';
import { unlinkSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { writeEveryKind } from './fixtureTree.js';
import { Kind } from '../../src/core/scan/table.js';

// Fault injection only: the tree is real; these hooks make one call fail as the world would.
const faults = vi.hoisted(() => ({
  lstat: undefined as undefined | ((path: string) => void),
  readdir: undefined as undefined | ((path: string) => NodeJS.ErrnoException | undefined),
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    lstat: ((path: string, cb: (...a: unknown[]) => void) => {
      faults.lstat?.(path);
      return fs.lstat(path, cb as never);
    }) as typeof fs.lstat,
    readdir: ((path: string, opts: unknown, cb: (...a: unknown[]) => void) => {
      const err = faults.readdir?.(path);
      if (err) return process.nextTick(() => cb(err));
      return fs.readdir(path, opts as never, cb as never);
    }) as typeof fs.readdir,
  };
});

const { scan } = await import('../../src/core/scan/scan.js');
const errno = (code: string) => Object.assign(new Error(code), { code });

beforeEach(() => {
  faults.lstat = undefined;
  faults.readdir = undefined;
});

describe('the filesystem changes under the scanner', () => {
  test('a file that vanishes between readdir and lstat is counted, and its directory is still read', async () => {
    const root = await tempDir();
    const f = await writeEveryKind(root, Date.now());
    const full = await scan({ root });
    const victim = join(root, full.table.files([...Array(full.table.length).keys()].find((i) => full.table.kind[i] === Kind.Entry)!)[0]);
    let done = false;
    faults.lstat = (p) => { if (p === victim && !done) { done = true; unlinkSync(p); } };
    const s = await scan({ root });
    expect(s.vanished).toBe(1);
    expect(s.errors).toEqual([]);
    // Every other entry is still found (fast-glob stats mode would drop the whole directory).
    const entries = (x: typeof s) => [...Array(x.table.length).keys()].filter((i) => x.table.kind[i] === Kind.Entry).length;
    expect(entries(s)).toBe(entries(full) - 1);
    expect(f.entries.length).toBe(entries(full));
  });

  test('an unreadable subdirectory is recorded with its path; the rest of the tree is scanned', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const full = await scan({ root });
    const badDir = full.table.dirs.find((d) => d.split('/').length === 1 && d !== '')!;
    faults.readdir = (p) => (p === join(root, badDir) ? errno('EACCES') : undefined);
    const s = await scan({ root });
    expect(s.errors).toEqual([{ path: join(root, badDir), code: 'EACCES' }]);
    expect(s.table.length).toBeGreaterThan(0);
    expect(s.table.length).toBeLessThan(full.table.length);
  });

  test('a directory removed after it was listed counts as vanished, not an error', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    faults.readdir = (p) => (p.endsWith('.header.vary') ? errno('ENOENT') : undefined);
    const s = await scan({ root });
    expect(s.errors).toEqual([]);
    expect(s.vanished).toBeGreaterThan(0);
  });

  test('an aborted scan stops and says so', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const ac = new AbortController();
    ac.abort();
    const s = await scan({ root, signal: ac.signal });
    expect(s.interrupted).toBe(true);
  });
});
