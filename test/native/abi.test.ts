import { describe, expect, test } from 'vitest';
import { addRow } from '../helpers/columns.js';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { lstatSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { needNative } from '../helpers/tools.js';
import { createRequire } from 'node:module';
import nodeGypBuild from 'node-gyp-build';
import { loadTestBuild } from '../helpers/testNative.js';
import { packageRoot } from '../../src/core/package/root.js';
import {
  EVICT_FAILED_DIR, EvictOutcome, LAYOUT, VerifyState, encodeEvict, encodeReadDirs, encodeVerify, evictResult, forEachSegment, layoutDiff,
  verifyResult, viewsOf, type Layout,
} from '../../src/core/native/abi.js';
import { decodeDir, type DecodedDir } from '../../src/core/native/decode.js';
import type { NativeBinding, VerifyRows } from '../../src/core/native/load.js';
import type { TestBinding } from '../helpers/testNative.js';
import { Flag, Kind, UnitTable } from '../../src/core/table/table.js';

const { binding: native, reason } = needNative();

/** The binaries as built, without the loader's layout check (which would turn a mismatch into a skip). */
function built(): { production: NativeBinding; test: TestBinding } | null {
  try {
    return { production: createRequire(import.meta.url)(nodeGypBuild.path(packageRoot())) as NativeBinding, test: loadTestBuild() };
  } catch (e) {
    if (process.env.CACHECTL_REQUIRE_NATIVE === '1') throw e;
    return null;
  }
}
const binaries = built();

// native/abi.h and src/core/native/abi.ts describe one boundary twice: each build reports
// its sizes, offsets and values, and every one must be abi.ts's.
describe.skipIf(!binaries)('the native boundary\'s schema', () => {
  test('the production build and the test build report exactly abi.ts\'s layout', () => {
    expect(layoutDiff(binaries!.production.layout())).toEqual([]);
    expect(layoutDiff(binaries!.test.layout())).toEqual([]);
    expect(binaries!.production.layout()).toEqual(JSON.parse(JSON.stringify(LAYOUT)));
  });

  test('a layout that differs in one offset, or lacks a field, is told apart (the loader refuses such a binary)', () => {
    const got = JSON.parse(JSON.stringify(LAYOUT)) as Layout;
    got.ENTRY.stat += 8;
    delete got.EVICT_ITEM.flags;
    expect(layoutDiff(got)).toEqual(['ENTRY.stat: 24 (expected 16)', 'EVICT_ITEM.flags: undefined (expected 20)']);
  });

  test('only the test build has the test hooks', () => {
    expect(Object.keys(binaries!.production).filter((k) => k.startsWith('_') || k.endsWith('Sync'))).toEqual([]);
    expect(typeof binaries!.test._fault).toBe('function');
  });
});

const call = <T extends unknown[]>(f: (cb: (...a: T) => void) => void): Promise<T> => new Promise((resolve) => f((...a) => resolve(a)));

/** Every segment of an answer, decoded. */
function segments(buf: Buffer): { rel: string; dir: DecodedDir }[] {
  const out: { rel: string; dir: DecodedDir }[] = [];
  forEachSegment(buf, (rel, pack) => out.push({ rel, dir: decodeDir(pack) }));
  return out;
}

// Requests encoded here are read by C, and C's answers are read here: every field makes
// the round trip and changes what comes back.
describe.skipIf(!native)(`round trips through each entry point (${reason})`, () => {
  test('readDirs: each directory in request order, pinned to the dev/inode given, its entries as lstat sees them', async () => {
    const base = await tempDir();
    for (const d of ['a', 'b', 'c/d']) await mkdir(join(base, d), { recursive: true });
    await writeFile(join(base, 'a', 'x.header'), 'not a header');
    await writeFile(join(base, 'a', 'y.data'), Buffer.alloc(3000));
    const st = (p: string) => lstatSync(join(base, p));
    const request = encodeReadDirs([
      { abs: join(base, 'a'), dev: st('a').dev, ino: st('a').ino },
      { abs: join(base, 'b'), dev: st('b').dev, ino: st('b').ino + 1 },
      { abs: join(base, 'gone'), dev: 0, ino: 0 },
      { abs: join(base, 'c'), dev: st('c').dev, ino: st('c').ino },
    ]);
    // The answer is detached once the callback returns: decoded inside it.
    const [got] = await call<[ReturnType<typeof segments>]>((cb) => native!.readDirs(request, true, false, (b) => cb(segments(b))));
    expect(got.map((s) => [s.rel, s.dir.status])).toEqual([['', 0], ['', constants.errno.ELOOP], ['', constants.errno.ENOENT], ['', 0]]);
    const a = got[0].dir;
    const { size, blocks, atimeMs, mtimeMs, ctimeMs, ino, dev } = st('a/y.data');
    expect(a.files.find((f) => f.name === 'y.data')).toEqual({ name: 'y.data', stat: { size, blocks, atimeMs, mtimeMs, ctimeMs, ino, dev } });
    expect(a.files.find((f) => f.name === 'x.header')?.header).toMatchObject({ ok: true, header: { kind: 'bad' } });
    expect(got[3].dir.subdirs.map((s) => [s.name, s.stat.ino])).toEqual([['d', st('c/d').ino]]);
  });

  test('readDirs of subtrees: one segment per directory, named below the directory asked for, depth first', async () => {
    const base = await tempDir();
    for (const d of ['p/q/r', 'p/s', 't/u']) await mkdir(join(base, d), { recursive: true });
    const st = (p: string) => lstatSync(join(base, p));
    const request = encodeReadDirs(['p', 't'].map((p) => ({ abs: join(base, p), dev: st(p).dev, ino: st(p).ino })));
    const [got] = await call<[ReturnType<typeof segments>]>((cb) => native!.readDirs(request, false, true, (b) => cb(segments(b))));
    const rels = got.map((s) => s.rel);
    expect(rels[0]).toBe('');
    expect([...rels.slice(0, 4)].sort()).toEqual(['', 'q', 'q/r', 's']);
    expect(rels.indexOf('q/r')).toBe(rels.indexOf('q') + 1);
    expect(rels.slice(4)).toEqual(['', 'u']);
  });

  test('verify: each directory by path, its rows by range, its answer in request order; access times written into the table', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'e.header'), 'h');
    await writeFile(join(root, 'd', 'e.data'), 'body');
    const t = new UnitTable();
    const at = (p: string) => lstatSync(join(root, p));
    const row = addRow(t, { kind: Kind.Entry, flags: Flag.HasHeader | Flag.HasData, dir: t.internDir('d'), name: 'e', values: {
      hdrSize: at('d/e.header').size, hdrMtime: at('d/e.header').mtimeMs, dataSize: at('d/e.data').size, dataMtime: at('d/e.data').mtimeMs,
      changed: Math.max(at('d/e.header').ctimeMs, at('d/e.data').ctimeMs),
    } });
    const names = t.name.parts();
    const f = t.f64;
    const rows: VerifyRows = {
      nameBytes: names.bytes, nameStart: names.start, nameLen: names.len, flags: t.flags.subarray(0, 1), dataSize: f.dataSize.subarray(0, 1),
      hdrSize: f.hdrSize.subarray(0, 1), changed: f.changed.subarray(0, 1), dataAtime: f.dataAtime.subarray(0, 1), hdrAtime: f.hdrAtime.subarray(0, 1),
      dataMtime: f.dataMtime.subarray(0, 1), hdrMtime: f.hdrMtime.subarray(0, 1),
    };
    const paths = ['d', '', 'd/../..'];
    const d = at('d');
    const f64 = (...v: number[]) => Float64Array.from(v);
    // Records: d with its row; d claiming a different mtime; the root (path id 1) without rows; a path that would leave the root.
    const dirs = { mtimeMs: f64(d.mtimeMs, d.mtimeMs + 1, at('').mtimeMs, 0), ctimeMs: f64(d.ctimeMs, d.ctimeMs, at('').ctimeMs, 0),
      ino: f64(d.ino, d.ino, at('').ino, 0), rowStart: f64(row, 0, 0, 0), rowCount: f64(1, 0, 0, 0), path: f64(0, 0, 1, 2) };
    const [status, out] = await call<[number, Buffer]>((cb) => native!.verify(root, at('').ino, encodeVerify(dirs, paths, 0, 4), rows, cb));
    expect(status).toBe(0);
    const v = viewsOf(out);
    expect([0, 1, 2, 3].map((i) => verifyResult(v, i).state)).toEqual([VerifyState.Same, VerifyState.Changed, VerifyState.Same, VerifyState.Error]);
    expect(verifyResult(v, 0)).toMatchObject({ dev: d.dev, ino: d.ino });
    expect(verifyResult(v, 3).err).toBe(constants.errno.EINVAL);
    expect([t.f64.hdrAtime[row], t.f64.dataAtime[row]]).toEqual([at('d/e.header').atimeMs, at('d/e.data').atimeMs]);
    // A file of the row changed in place (its mtime): the directory is reported changed.
    await utimes(join(root, 'd', 'e.data'), new Date(), new Date(0));
    const [, again] = await call<[number, Buffer]>((cb) => native!.verify(root, at('').ino, encodeVerify(dirs, paths, 0, 1), rows, cb));
    expect(verifyResult(viewsOf(again), 0).state).toBe(VerifyState.Changed);
  });

  test('evict: each unit by directory, stem and row flags, with the atime and ctime the scan saw; answers in request order', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'd'));
    for (const f of ['a.header', 'a.data', 'b.header', 'b.data', 'raw-name']) await writeFile(join(root, 'd', f), 'x');
    const t = new UnitTable();
    const dir = t.internDir('d');
    const later = Date.now() + 60_000;
    const add = (name: string, flags: number, atime: number) => addRow(t, { kind: Kind.Entry, flags, dir, name, values: { dataAtime: atime, changed: later } });
    const rows = [
      add('a', Flag.HasHeader | Flag.HasData, later),
      add('b', Flag.HasHeader | Flag.HasData, 0), // its body was read after the scan: spared
      add('raw-name', Flag.RawName | Flag.HasData, later),
      addRow(t, { kind: Kind.Entry, flags: Flag.HasData, dir: t.internDir('gone'), name: 'c', values: {} }),
    ];
    const [status, out] = await call<[number, Buffer]>((cb) => native!.evict(root, lstatSync(root).ino, encodeEvict(t, rows), false, cb));
    expect(status).toBe(0);
    const result = (i: number) => [evictResult.outcome(out, i), evictResult.removed(out, i), evictResult.failed(out, i), evictResult.err(out, i)];
    expect([0, 1, 2, 3].map(result)).toEqual([
      [EvictOutcome.Done, 2, 0, 0], [EvictOutcome.Changed, 0, 0, 0], [EvictOutcome.Done, 1, 0, 0],
      [EvictOutcome.DirGone, 0, EVICT_FAILED_DIR, constants.errno.ENOENT],
    ]);
    expect((await readdir(join(root, 'd'))).sort()).toEqual(['b.data', 'b.header']);
  });
});
