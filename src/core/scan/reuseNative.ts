import { join } from 'node:path';
import { DIR_COLUMNS, type DirRecord } from '../index/format.js';
import type { LoadedIndex } from '../index/store.js';
import type { NativeBinding } from '../native/load.js';
import { codeOf } from '../native/decode.js';
import type { FileStat, WalkOptions } from './walk.js';
import { readBatch, readNative, type BatchDir } from './walkNative.js';
import type { Reuser } from './reuse.js';

/** Directories per verify job, and jobs at once (libuv's 4 threads). */
const BATCH = 1024;
/** Changed directories re-read per job. */
const BATCH_READ = 32;
const JOBS = 4;
/** Share of the index's directories found changed past which a full scan is cheaper. */
const FULL_SCAN_SHARE = 0.5;
const enum State { Same = 0, Changed = 1, Gone = 2, Error = 3, Unchecked = 255 }

/** The index's directory paths as one block (by id), and the records' columns: verify's path mode. */
interface PathBlock { bytes: Uint8Array; start: Uint32Array; len: Uint32Array; cols: readonly Float64Array[] }

function pathBlock(prev: LoadedIndex): PathBlock {
  const { dirColumns: cols, dirPaths: paths } = prev.meta;
  const joined = paths.join('\0');
  const bytes = Buffer.from(joined);
  const start = new Uint32Array(paths.length);
  const len = new Uint32Array(paths.length);
  // ASCII paths (hash names: the usual case) are as long in bytes as in characters.
  const ascii = bytes.length === joined.length;
  let at = 0;
  for (let id = 0; id < paths.length; id++) {
    const l = ascii ? paths[id].length : Buffer.byteLength(paths[id]);
    start[id] = at;
    len[id] = l;
    at += l + 1;
  }
  return { bytes, start, len, cols };
}

/** A directory to read again: `d` = its index record (changed), none = new since the index (read whole). */
interface Changed { rel: string; stat: FileStat; d?: DirRecord }

/** Views of a result buffer (8-aligned records; a copy if the buffer itself is not aligned). */
export function viewsOf(out: Buffer): { f64: Float64Array; i32: Int32Array } {
  const b = out.byteOffset % 8 === 0 ? out : Buffer.from(out);
  return { f64: new Float64Array(b.buffer, b.byteOffset, b.length >>> 3), i32: new Int32Array(b.buffer, b.byteOffset, b.length >>> 2) };
}

/**
 * The persisted index, checked natively (native/verify.c): every indexed directory is
 * checked by path from the root (O_NOFOLLOW at each step) in batches of 1024, with one
 * fstatat per file of every row (index/rowCheck.ts's rule). Unchanged directories keep
 * their rows and get the new access times; changed ones are read again whole, pinned to
 * the inode just seen; directories new since the index are read whole. Same decisions as
 * reuse.ts (the portable walker's per-directory hook), without a JS round trip per file.
 */
export function makeNativeReuser(
  native: NativeBinding, root: string, rootIno: number, prev: LoadedIndex, onReused: (which: readonly number[]) => void,
): Reuser & { walk(o: WalkOptions): Promise<boolean | 'full-scan'> } {
  const t = prev.table;
  const recs = prev.meta.dirs;
  const r = { reusedDirs: 0, refreshed: 0, walk };
  /**
   * Per record: what the check found. Kept in one byte each, with the records' order by
   * path in `order`, instead of an object per directory: at 500k entries those 66k
   * objects, and a callback per reused directory, were ~0.2 s of a ~1 s re-run (mostly
   * garbage collection).
   */
  const state = new Uint8Array(recs.length).fill(State.Unchecked);
  let order: Uint32Array | number[] = [];
  /**
   * Indexed directories found in place (unchanged, changed and queued, or unreadable and
   * reported), found by binary search over `order`. Only subdirectories of changed
   * directories are looked up; a set of all 66k paths cost ~140 ms at 1% changed.
   */
  let sorted: boolean | undefined;
  const handled = (rel: string): boolean => {
    if (!(sorted ??= order.every((k, j) => j === 0 || recs[order[j - 1]].rel <= recs[k].rel))) {
      order = Array.from(order).sort((a, b) => (recs[a].rel < recs[b].rel ? -1 : recs[a].rel > recs[b].rel ? 1 : 0));
      sorted = true;
    }
    let lo = 0, hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (recs[order[mid]].rel < rel) lo = mid + 1; else hi = mid;
    }
    if (lo === order.length || recs[order[lo]].rel !== rel) return false;
    const st = state[order[lo]];
    return st !== State.Gone && st !== State.Unchecked;
  };

  /** Record k's result at byte `at` of `out`; returns where the next one starts. */
  function check(k: number, v: { f64: Float64Array; i32: Int32Array }, at: number, changed: Changed[], o: WalkOptions): number {
    const w = at >>> 3;
    const st = v.i32[at >>> 2] as State;
    state[k] = st;
    at += 24;
    // Reported once here; a changed parent's re-read then leaves it alone.
    if (st === State.Error) {
      const d = recs[k];
      o.onError({ path: d.rel === '' ? root : join(root, d.rel), code: codeOf(v.i32[(at - 20) >>> 2]) });
    } else if (st === State.Changed) {
      // Changed, or (check mode, native/verify.c check_rows) a row's recency file was
      // rewritten in place while the directory did not change: read the directory again.
      const d = recs[k];
      const stat: FileStat = { dev: v.f64[w + 1], ino: v.f64[w + 2], size: 0, blocks: 0, atimeMs: 0, mtimeMs: 0, ctimeMs: 0 };
      changed.push({ rel: d.rel, stat, d });
    }
    return at;
  }

  /** Records [from, to) of `order`, checked in one job (verify.c's path mode: no string per directory). */
  function verify(paths: PathBlock, from: number, to: number, changed: Changed[], o: WalkOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const names = t.name.parts();
      const n = t.length;
      const f = t.f64;
      const [path, mtime, ctime, ino, rowStart, rowCount] = paths.cols;
      const req = Buffer.alloc(8 + 40 * (to - from));
      const r64 = new Float64Array(req.buffer, req.byteOffset, req.length >>> 3);
      const r32 = new Uint32Array(req.buffer, req.byteOffset, req.length >>> 2);
      r32[0] = to - from;
      for (let j = from, w = 1; j < to; j++, w += 5) {
        const k = order[j];
        r64[w] = mtime[k]; r64[w + 1] = ctime[k]; r64[w + 2] = ino[k];
        r32[2 * w + 6] = rowStart[k];
        r32[2 * w + 7] = rowCount[k];
        r32[2 * w + 8] = path[k];
      }
      native.verify(root, rootIno, req, names.bytes, names.start, names.len, t.flags.subarray(0, n), (status, out) => {
        if (status !== 0) return reject(Object.assign(new Error(codeOf(status)), { code: codeOf(status) }));
        const v = viewsOf(out);
        let at = 0;
        for (let j = from; j < to; j++) at = check(order[j], v, at, changed, o);
        resolve();
      }, f.dataSize.subarray(0, n), f.hdrSize.subarray(0, n), f.changed.subarray(0, n), f.dataAtime.subarray(0, n), f.hdrAtime.subarray(0, n),
      f.dataMtime.subarray(0, n), f.hdrMtime.subarray(0, n), paths.bytes, paths.start, paths.len);
    });
  }

  /**
   * Reads changed directories again (pinned, BATCH_READ per job) and directories new since
   * the index whole (a tree job each).
   */
  function reread(list: Changed[], o: WalkOptions): Promise<boolean> {
    return new Promise((resolve) => {
      let active = 0;
      const sink = {
        onDir: o.onDir, onError: o.onError, onVanished: o.onVanished,
        // New since the index (or gone at the check and back since): read it whole.
        onSubdir: (child: string, st: FileStat) => { if (!handled(child)) list.push({ rel: child, stat: st }); },
      };
      const abs = (rel: string) => (rel === '' ? root : join(root, rel));
      const pump = (): void => {
        if (o.signal?.aborted) { if (active === 0) resolve(false); return; }
        while (active < JOBS && list.length > 0) {
          active++;
          const next = (): void => { active--; pump(); };
          const top = list[list.length - 1];
          if (top.d === undefined) {
            list.pop();
            readNative(native, abs(top.rel), top.rel, top.stat, o.readHeaders, true, sink, next);
            continue;
          }
          // Changed directories are read whole: the index vouches for nothing in them.
          const batch: BatchDir[] = [];
          while (batch.length < BATCH_READ && list.length > 0 && list[list.length - 1].d !== undefined) {
            const { rel, stat } = list.pop()!;
            batch.push({ abs: abs(rel), rel, stat });
          }
          readBatch(native, batch, o.readHeaders, sink, next);
        }
        if (active === 0 && list.length === 0) resolve(true);
      };
      pump();
    });
  }

  async function walk(o: WalkOptions): Promise<boolean | 'full-scan'> {
    // In saved order: the index is saved sorted by path, so neighbours share their open
    // ancestors in native/dirwalk.c (an unsorted order would only cost more openat calls;
    // `handled` checks the order before it relies on it).
    order = new Uint32Array(recs.length).map((_x, k) => k);
    const paths = pathBlock(prev);
    const changed: Changed[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < order.length) {
        if (o.signal?.aborted) return;
        const from = next;
        next = Math.min(order.length, next + BATCH);
        await verify(paths, from, next, changed, o);
      }
    };
    try {
      await Promise.all(Array.from({ length: JOBS }, worker));
    } catch (e) {
      o.onError({ path: root, code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
      return true;
    }
    if (o.signal?.aborted) return false;
    // Most of the tree changed (a 1% change touches ~84% of the leaf directories of the
    // default layout): re-reading them one by one, then regrouping the table, costs more
    // than a plain full scan, which reads whole subtrees per job. Say so; scan.ts does it.
    if (changed.length > recs.length * FULL_SCAN_SHARE) return 'full-scan';
    const same: number[] = [];
    const rowCount = paths.cols[DIR_COLUMNS.indexOf('rowCount')];
    for (const k of order) {
      if (state[k] !== State.Same) continue;
      same.push(k);
      r.refreshed += rowCount[k];
    }
    r.reusedDirs += same.length;
    onReused(same);
    return reread(changed, o);
  }
  return r;
}
