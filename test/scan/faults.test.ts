import { describe, expect, test, vi, beforeEach } from 'vitest';
import { basename, join } from 'node:path';
import { constants } from 'node:os';
import { unlinkSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { writeEveryKind } from './fixtureTree.js';
import { Kind } from '../../src/core/table/table.js';
import { FaultOp } from '../../src/core/native/abi.js';
import type { TestBinding } from '../helpers/testNative.js';

// Fault injection only: the tree is real; these hooks make one call fail as the world would.
const faults = vi.hoisted(() => ({
  lstat: undefined as undefined | ((path: string) => void),
  readdir: undefined as undefined | ((path: string) => NodeJS.ErrnoException | undefined),
}));

// The native reader is the test build here: the same code, with the fault hook (_fault).
vi.mock('../../src/core/native/load.js', async (importOriginal) => {
  const load = await importOriginal<typeof import('../../src/core/native/load.js')>();
  const { needTestNative } = await import('../helpers/testNative.js');
  const { binding, reason } = needTestNative();
  return { ...load, nativeState: () => ({ binding, reason }) };
});

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

const { scan: scanWith } = await import('../../src/core/scan/scan.js');
const { nativeState } = await import('../../src/core/native/load.js');
const errno = (code: string) => Object.assign(new Error(code), { code });
const native = nativeState().binding as TestBinding | null;

beforeEach(() => {
  faults.lstat = undefined;
  faults.readdir = undefined;
  native?._fault(FaultOp.Clear, '', 0);
});

// The same faults for both readers: node's fs is wrapped above, the native reader has
// its own one-shot hook (native/readdir.c) because it does not go through node:fs.
const readers = [
  { walker: 'portable' as const, vanishFile: (p: string) => {
    let done = false;
    faults.lstat = (x) => { if (x === p && !done) { done = true; unlinkSync(x); } };
  }, failDir: (p: string, code: 'EACCES' | 'ENOENT') => {
    faults.readdir = (x) => (x === p || (code === 'ENOENT' && x.endsWith(p)) ? errno(code) : undefined);
  } },
  { walker: 'native' as const, vanishFile: (p: string) => native!._fault(FaultOp.Stat, basename(p), 0),
    failDir: (p: string, code: 'EACCES' | 'ENOENT') => native!._fault(FaultOp.Dir, p, constants.errno[code]) },
];

describe.each(readers)('the filesystem changes under the scanner ($walker reader)', ({ walker, vanishFile, failDir }) => {
  const scan = (o: Parameters<typeof scanWith>[0]) => scanWith({ ...o, walker });
  test.skipIf(walker === 'native' && !native)('a file that vanishes between readdir and lstat is counted, and its directory is still read', async () => {
    const root = await tempDir();
    const f = await writeEveryKind(root, Date.now());
    const full = await scan({ root });
    const victim = join(root, full.table.files([...Array(full.table.length).keys()].find((i) => full.table.kind[i] === Kind.Entry)!)[0]);
    vanishFile(victim);
    const s = await scan({ root });
    expect(s.vanished).toBe(1);
    expect(s.errors).toEqual([]);
    // Every other entry is still found (fast-glob stats mode would drop the whole directory).
    const entries = (x: typeof s) => [...Array(x.table.length).keys()].filter((i) => x.table.kind[i] === Kind.Entry).length;
    expect(entries(s)).toBe(entries(full) - 1);
    expect(f.entries.length).toBe(entries(full));
  });

  test.skipIf(walker === 'native' && !native)('an unreadable subdirectory is recorded with its path; the rest of the tree is scanned', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const full = await scan({ root });
    const badDir = full.table.dirs.find((d) => d.split('/').length === 1 && d !== '')!;
    failDir(join(root, badDir), 'EACCES');
    const s = await scan({ root });
    expect(s.errors).toEqual([{ path: join(root, badDir), code: 'EACCES' }]);
    expect(s.table.length).toBeGreaterThan(0);
    expect(s.table.length).toBeLessThan(full.table.length);
  });

  test.skipIf(walker === 'native' && !native)('a directory removed after it was listed counts as vanished, not an error', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const full = await scan({ root });
    const vary = full.table.dirs.find((d) => d.endsWith('.header.vary'))!;
    failDir(join(root, vary), 'ENOENT');
    const s = await scan({ root });
    expect(s.errors).toEqual([]);
    expect(s.vanished).toBe(1);
    expect(s.table.length).toBeLessThan(full.table.length);
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
