import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DirRecord } from '../index/format.js';
import type { NativeBinding } from '../native/load.js';
import { encodeVerify, viewsOf } from '../scan/reuseNative.js';
import { recencyFileUnchanged, setRecencyAtime } from '../scan/reuse.js';
import type { Snapshot } from '../scan/scan.js';
import type { Freshness } from './plan.js';
import type { UnitTable } from '../scan/table.js';

/**
 * Row i's 40-byte verify record at f64 index q (f64 size, atime, mtime, ctime, i32 errno,
 * i32 regular): the recency file was stat-ed and is still the one the index saw. (The
 * scan's verify does this check in C, a directory at a time; prune needs it per row.)
 */
function rowUnchanged(t: UnitTable, i: number, v: { f64: Float64Array; i32: Int32Array }, q: number): boolean {
  return v.i32[2 * q + 8] === 0 && v.i32[2 * q + 9] === 1 && recencyFileUnchanged(t, i, v.f64[q], Math.max(v.f64[q + 2], v.f64[q + 3]));
}

/** Rows per native call, and calls at once (libuv's 4 threads). */
const CHUNK = 256;
const JOBS = 4;

/**
 * How prune checks the rows whose access times came from the index (lazy recency, see
 * lruQueue.ts): one fstatat of each row's recency file, natively through verify.c (each
 * row as a one-row directory request: the directory must still be the one the scan
 * saw), else with lstat. A row whose directory or file changed since is not evicted.
 */
export function freshnessOf(snap: Snapshot, native: NativeBinding | null): Freshness | undefined {
  const stale = snap.staleRecency;
  if (!stale || !stale.includes(1)) return undefined;
  const t = snap.table;
  let byRel: Map<string, DirRecord> | undefined;
  const recordOf = (i: number) => (byRel ??= new Map(snap.dirRecords.map((d) => [d.rel, d]))).get(t.dirs[t.dir[i]]);

  const nativeChunk = (rows: number[]): Promise<boolean[]> => new Promise((resolve, reject) => {
    const reqs = rows.map((i) => {
      const d = recordOf(i);
      return { d: { rel: d?.rel ?? '\0', mtimeMs: d?.mtimeMs ?? -1, ctimeMs: d?.ctimeMs ?? -1, ino: d?.ino ?? -1, rowStart: i, rowCount: 1 }, stat: true };
    });
    const names = t.name.parts();
    native!.verify(snap.root, snap.rootIno, encodeVerify(reqs), names.bytes, names.start, names.len, t.flags.subarray(0, t.length), (status, out) => {
      if (status !== 0) return reject(Object.assign(new Error(`cannot check ${snap.root}`), { code: status }));
      const v = viewsOf(out);
      let at = 0;
      resolve(rows.map((i) => {
        const same = v.i32[at >>> 2] === 0;
        at += 24;
        if (!same) return false;
        const q = at >>> 3;
        at += 40;
        if (!rowUnchanged(t, i, v, q)) return false;
        setRecencyAtime(t, i, v.f64[q + 1]);
        return true;
      }));
    });
  });

  const portableChunk = (rows: number[]): Promise<boolean[]> => Promise.all(rows.map(async (i) => {
    const st = await lstat(join(snap.root, t.files(i).at(-1)!)).catch(() => null);
    if (st === null || !st.isFile() || !recencyFileUnchanged(t, i, st.size, Math.max(st.ctimeMs, st.mtimeMs))) return false;
    setRecencyAtime(t, i, st.atimeMs);
    return true;
  }));

  const freshen = async (rows: number[]): Promise<boolean[]> => {
    const chunks: number[][] = [];
    for (let k = 0; k < rows.length; k += CHUNK) chunks.push(rows.slice(k, k + CHUNK));
    const out: boolean[][] = new Array(chunks.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(JOBS, chunks.length) }, async () => {
      while (next < chunks.length) {
        const k = next++;
        out[k] = await (native ? nativeChunk(chunks[k]) : portableChunk(chunks[k]));
      }
    }));
    return out.flat();
  };
  return { stale, freshen };
}
