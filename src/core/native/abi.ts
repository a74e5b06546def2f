import { Flag } from '../table/types.js';
import type { UnitTable } from '../table/table.js';

/**
 * The native boundary's schema, mirroring native/abi.h: every layout, offset and value
 * that crosses between the addon and this code, and the functions that write its
 * requests and read its answers. Nothing else knows a byte offset. The addon reports its
 * own view (layout()); load.ts refuses a binary whose view differs from LAYOUT, and
 * test/native/abi.test.ts checks both builds.
 */
export const STAT = { size: 56, fileSize: 0, blocks: 8, atimeMs: 16, mtimeMs: 24, ctimeMs: 32, ino: 40, dev: 48 } as const;
export const DIR_HEAD = { size: 80, status: 0, others: 4, vanished: 8, entries: 12, entryBytes: 16, dir: 24 } as const;
export const ENTRY = { size: 72, type: 0, header: 1, nameLen: 2, err: 4, headerOff: 8, headerLen: 12, stat: 16 } as const;
export const SEGMENT = { size: 8, segmentSize: 0, relLen: 4 } as const;
export const REQUEST = { size: 8, count: 0 } as const;
export const READ_ITEM = { size: 24, dev: 0, ino: 8, pathLen: 16 } as const;
export const VERIFY_ITEM = { size: 40, mtimeMs: 0, ctimeMs: 8, ino: 16, firstRow: 24, rows: 28, pathLen: 32 } as const;
export const VERIFY_RESULT = { size: 24, state: 0, err: 4, dev: 8, ino: 16 } as const;
export const EVICT_ITEM = { size: 24, atime: 0, changed: 8, dirLen: 16, stemLen: 18, flags: 20 } as const;
export const EVICT_RESULT = { size: 8, outcome: 0, removed: 1, gone: 2, failed: 3, err: 4 } as const;

export const enum EntryType { File = 1, Dir = 2, Error = 3 }
export const enum HeaderState { None = 0, Read = 1, Failed = 2 }
/** A header is read this far at first (most are < 1 KiB: struct and key in one read); a longer one, again. */
export const HEADER_BYTES = 4096;
export const enum VerifyState { Same = 0, Changed = 1, Gone = 2, Error = 3 }
export const enum EvictOutcome { Done = 0, Changed = 1, Error = 2, DirGone = 3 }
/** EVICT_RESULT.failed when the unit's directory itself failed. */
export const EVICT_FAILED_DIR = 255;
/** Test build only (_fault): which call fails. */
export const enum FaultOp { Clear = 0, Dir = 1, Stat = 2, Open = 3 }

/** Everything the addon's layout() must report, group by group. */
export const LAYOUT = {
  STAT, DIR_HEAD, ENTRY, SEGMENT, REQUEST, READ_ITEM, VERIFY_ITEM, VERIFY_RESULT, EVICT_ITEM, EVICT_RESULT,
  ENTRY_TYPE: { file: EntryType.File, dir: EntryType.Dir, error: EntryType.Error },
  HEADER: { none: HeaderState.None, read: HeaderState.Read, failed: HeaderState.Failed, bytes: HEADER_BYTES },
  VERIFY: { same: VerifyState.Same, changed: VerifyState.Changed, gone: VerifyState.Gone, error: VerifyState.Error },
  EVICT: { done: EvictOutcome.Done, changed: EvictOutcome.Changed, error: EvictOutcome.Error, dirGone: EvictOutcome.DirGone, failedDir: EVICT_FAILED_DIR },
  ROW: { hasHeader: Flag.HasHeader, hasData: Flag.HasData, rawName: Flag.RawName },
  FAULT: { dir: FaultOp.Dir, stat: FaultOp.Stat, open: FaultOp.Open },
} as const;

export type Layout = Record<string, Record<string, number>>;

const keys = (a: object, b: object): Set<string> => new Set([...Object.keys(a), ...Object.keys(b)]);

/** The groups, names and values on which `got` (an addon's layout()) differs from LAYOUT. */
export function layoutDiff(got: Layout): string[] {
  const out: string[] = [];
  for (const g of keys(LAYOUT, got)) {
    const want: Record<string, number> = (LAYOUT as Layout)[g] ?? {}, have = got[g] ?? {};
    for (const k of keys(want, have)) if (want[k] !== have[k]) out.push(`${g}.${k}: ${have[k]} (expected ${want[k]})`);
  }
  return out;
}

const align8 = (n: number): number => (n + 7) & ~7;

/** A buffer's f64 and i32 views (8-aligned; a copy if a runtime ever hands one that is not). */
export function viewsOf(b: Buffer): { buf: Buffer; f64: Float64Array; i32: Int32Array } {
  const buf = b.byteOffset % 8 === 0 ? b : Buffer.from(b);
  const { buffer, byteOffset, length } = buf;
  return { buf, f64: new Float64Array(buffer, byteOffset, length >>> 3), i32: new Int32Array(buffer, byteOffset, length >>> 2) };
}

/** Each segment of a readDirs answer: the directory's path below the request's directory ('' = that one) and its pack. */
export function forEachSegment(buf: Buffer, each: (rel: string, pack: Buffer) => void): void {
  for (let at = 0; at < buf.length;) {
    const size = buf.readUInt32LE(at + SEGMENT.segmentSize);
    const relLen = buf.readUInt32LE(at + SEGMENT.relLen);
    const rel = buf.toString('utf8', at + SEGMENT.size, at + SEGMENT.size + relLen);
    each(rel, buf.subarray(at + align8(SEGMENT.size + relLen), at + size));
    at += size;
  }
}

/**
 * Requests are written into one reused buffer: the addon copies a request before the
 * call returns, so each is valid until the next is encoded (fresh pages per request cost
 * more than the copy).
 */
let scratch = Buffer.alloc(0);

/**
 * A request (abi.h): `count` items of `size` bytes, each followed by `tail(k)` bytes of
 * names, padded to 8; `write` fills item k at `at` and returns how many bytes of names it wrote.
 */
function request(count: number, size: number, tail: (k: number) => number, write: (b: Buffer, k: number, at: number) => number): Buffer {
  let total = REQUEST.size;
  for (let k = 0; k < count; k++) total += align8(size + tail(k));
  if (scratch.length < total) scratch = Buffer.allocUnsafeSlow(Math.max(total, 64 << 10));
  const b = scratch.subarray(0, total).fill(0);
  b.writeUInt32LE(count, REQUEST.count);
  for (let k = 0, at = REQUEST.size; k < count; k++) at += align8(size + write(b, k, at));
  return b;
}

/** readDirs' request: each directory by absolute path, pinned to the dev/inode its parent saw. */
export function encodeReadDirs(dirs: readonly { abs: string; dev: number; ino: number }[]): Buffer {
  return request(dirs.length, READ_ITEM.size, (k) => Buffer.byteLength(dirs[k].abs), (b, k, at) => {
    const n = b.write(dirs[k].abs, at + READ_ITEM.size);
    b.writeDoubleLE(dirs[k].dev, at + READ_ITEM.dev);
    b.writeDoubleLE(dirs[k].ino, at + READ_ITEM.ino);
    b.writeUInt32LE(n, at + READ_ITEM.pathLen);
    return n;
  });
}

/** A directory of the index as verify reads it: its columns (DIR_COLUMNS) at record k. */
export interface VerifyDirs { mtimeMs: Float64Array; ctimeMs: Float64Array; ino: Float64Array; rowStart: Float64Array; rowCount: Float64Array; path: Float64Array }

/** verify's request: records [from, to) of the index's directories, each with its path (`paths`, by id). */
export function encodeVerify(dirs: VerifyDirs, paths: readonly string[], from: number, to: number): Buffer {
  return request(to - from, VERIFY_ITEM.size, (k) => Buffer.byteLength(paths[dirs.path[from + k]]), (b, k, at) => {
    const d = from + k, n = b.write(paths[dirs.path[d]], at + VERIFY_ITEM.size);
    b.writeDoubleLE(dirs.mtimeMs[d], at + VERIFY_ITEM.mtimeMs);
    b.writeDoubleLE(dirs.ctimeMs[d], at + VERIFY_ITEM.ctimeMs);
    b.writeDoubleLE(dirs.ino[d], at + VERIFY_ITEM.ino);
    b.writeUInt32LE(dirs.rowStart[d], at + VERIFY_ITEM.firstRow);
    b.writeUInt32LE(dirs.rowCount[d], at + VERIFY_ITEM.rows);
    b.writeUInt32LE(n, at + VERIFY_ITEM.pathLen);
    return n;
  });
}
/** verify's answer for its i-th directory. */
export function verifyResult(v: ReturnType<typeof viewsOf>, i: number): { state: VerifyState; err: number; dev: number; ino: number } {
  const at = i * VERIFY_RESULT.size;
  return { state: v.i32[(at + VERIFY_RESULT.state) >>> 2], err: v.i32[(at + VERIFY_RESULT.err) >>> 2], dev: v.f64[(at + VERIFY_RESULT.dev) >>> 3], ino: v.f64[(at + VERIFY_RESULT.ino) >>> 3] };
}

/** evict's request: table rows `rows`, with what the scan saw of each (its data atime and latest ctime). */
export function encodeEvict(t: UnitTable, rows: ArrayLike<number>): Buffer {
  return request(rows.length, EVICT_ITEM.size, (k) => Buffer.byteLength(t.dirs[t.dir[rows[k]]]) + t.name.lengthOf(rows[k]), (b, k, at) => {
    const row = rows[k];
    b.writeDoubleLE(t.f64.dataAtime[row], at + EVICT_ITEM.atime);
    b.writeDoubleLE(t.f64.changed[row], at + EVICT_ITEM.changed);
    b[at + EVICT_ITEM.flags] = t.flags[row];
    const dl = b.write(t.dirs[t.dir[row]], at + EVICT_ITEM.size);
    const sl = t.name.copyTo(row, b, at + EVICT_ITEM.size + dl);
    b.writeUInt16LE(dl, at + EVICT_ITEM.dirLen);
    b.writeUInt16LE(sl, at + EVICT_ITEM.stemLen);
    return dl + sl;
  });
}

/** evict's answer, field by field, for its i-th unit (no object per unit: a prune may evict 100ks). */
export const evictResult = {
  outcome: (out: Buffer, i: number): EvictOutcome => out[i * EVICT_RESULT.size + EVICT_RESULT.outcome],
  removed: (out: Buffer, i: number): number => out[i * EVICT_RESULT.size + EVICT_RESULT.removed],
  gone: (out: Buffer, i: number): number => out[i * EVICT_RESULT.size + EVICT_RESULT.gone],
  failed: (out: Buffer, i: number): number => out[i * EVICT_RESULT.size + EVICT_RESULT.failed],
  err: (out: Buffer, i: number): number => out.readInt32LE(i * EVICT_RESULT.size + EVICT_RESULT.err),
};
