import { join } from 'node:path';
import type { DirRecord } from '../index/format.js';
import type { LoadedIndex } from '../index/store.js';
import type { NativeBinding } from '../native/load.js';
import { codeOf } from '../native/decode.js';
import type { FileStat, WalkOptions } from './walk.js';
import { readBatch, readNative, type BatchDir } from './walkNative.js';
import { knownFilesOf } from './knownFiles.js';
import type { Refresh, Reuser } from './reuse.js';

/** Directories per verify job, and jobs at once (libuv's 4 threads). */
const BATCH = 1024;
/** Changed directories re-read per job. */
const BATCH_READ = 32;
const JOBS = 4;
const enum State { Same = 0, Changed = 1, Gone = 2, Error = 3 }

/** A directory to check, and whether its rows' recency files are stat-ed too. */
interface Pending { d: DirRecord; stat: boolean; handled?: boolean }
/** A directory to read again: `d` = its index record (changed), none = new since the index (read whole). */
interface Changed { rel: string; stat: FileStat; d?: DirRecord }

/** The request of native/verify.c: directories only; the names are read from the column in place. */
export function encodeVerify(batch: readonly { d: Pick<DirRecord, 'rel' | 'mtimeMs' | 'ctimeMs' | 'ino' | 'rowStart' | 'rowCount'>; stat: boolean }[]): Buffer {
  let size = 8;
  for (const { d } of batch) size += 40 + ((Buffer.byteLength(d.rel) + 7) & ~7);
  const b = Buffer.alloc(size);
  b.writeUInt32LE(batch.length, 0);
  let at = 8;
  for (const { d, stat } of batch) {
    b.writeDoubleLE(d.mtimeMs, at);
    b.writeDoubleLE(d.ctimeMs, at + 8);
    b.writeDoubleLE(d.ino, at + 16);
    b.writeUInt32LE(d.rowStart, at + 24);
    b.writeUInt32LE(stat ? d.rowCount : 0, at + 28);
    const rl = b.write(d.rel, at + 40);
    b.writeUInt16LE(rl, at + 32);
    at += 40 + ((rl + 7) & ~7);
  }
  return b;
}

/** Views of a result buffer (8-aligned records; a copy if the buffer itself is not aligned). */
export function viewsOf(out: Buffer): { f64: Float64Array; i32: Int32Array } {
  const b = out.byteOffset % 8 === 0 ? out : Buffer.from(out);
  return { f64: new Float64Array(b.buffer, b.byteOffset, b.length >>> 3), i32: new Int32Array(b.buffer, b.byteOffset, b.length >>> 2) };
}

/**
 * The persisted index, checked natively (native/verify.c): every indexed directory is
 * checked by path from the root (O_NOFOLLOW at each step) in batches of 1024, with one
 * fstatat per entry's recency file when `refresh` is 'lstat'. Unchanged directories keep
 * their rows and get the new access times; changed ones are read again, pinned to the
 * inode just seen; directories new since the index are read whole. Same decisions as
 * reuse.ts (the portable walker's per-directory hook), without a JS round trip per file.
 */
export function makeNativeReuser(
  native: NativeBinding, root: string, rootIno: number, prev: LoadedIndex, refresh: Refresh, onDir: (d: DirRecord) => void,
): Reuser & { walk(o: WalkOptions): Promise<boolean> } {
  const t = prev.table;
  const r = { reusedDirs: 0, refreshed: 0, walk };
  /**
   * Indexed directories found in place (unchanged, changed and queued, or unreadable and
   * reported): flagged on their Pending, found by binary search (`all` is sorted by path).
   * Only subdirectories of changed directories are looked up; a set of all 66k paths
   * cost ~140 ms at 500k entries with 1% changed.
   */
  let all: Pending[] = [];
  const handled = (rel: string): boolean => {
    let lo = 0, hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid].d.rel < rel) lo = mid + 1; else hi = mid;
    }
    return lo < all.length && all[lo].d.rel === rel && all[lo].handled === true;
  };

  /** One directory's result at byte `at` of `out`; returns where the next one starts. */
  function check(p: Pending, v: { f64: Float64Array; i32: Int32Array }, at: number, changed: Changed[], o: WalkOptions): number {
    const w = at >>> 3;
    const state = v.i32[at >>> 2] as State;
    at += 24;
    if (state === State.Gone) return at;
    p.handled = true;
    // Reported once here; a changed parent's re-read then leaves it alone.
    if (state === State.Error) {
      o.onError({ path: p.d.rel === '' ? root : join(root, p.d.rel), code: codeOf(v.i32[(at - 20) >>> 2]) });
      return at;
    }
    // Changed, or (check mode, native/verify.c check_rows) a row's recency file was
    // rewritten in place while the directory did not change: read the directory again.
    if (state === State.Changed) {
      const stat: FileStat = { dev: v.f64[w + 1], ino: v.f64[w + 2], size: 0, blocks: 0, atimeMs: 0, mtimeMs: 0, ctimeMs: 0 };
      changed.push({ rel: p.d.rel, stat, d: p.d });
      return at;
    }
    if (p.stat) r.refreshed += p.d.rowCount;
    return accept(p.d, at);
  }

  function accept(d: DirRecord, at: number): number {
    r.reusedDirs++;
    onDir(d);
    return at;
  }

  function verify(batch: Pending[], changed: Changed[], o: WalkOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const names = t.name.parts();
      const n = t.length;
      const f = t.f64;
      native.verify(root, rootIno, encodeVerify(batch), names.bytes, names.start, names.len, t.flags.subarray(0, n), (status, out) => {
        if (status !== 0) return reject(Object.assign(new Error(codeOf(status)), { code: codeOf(status) }));
        const v = viewsOf(out);
        let at = 0;
        for (const p of batch) at = check(p, v, at, changed, o);
        resolve();
      }, f.dataSize.subarray(0, n), f.hdrSize.subarray(0, n), f.changed.subarray(0, n), f.dataAtime.subarray(0, n), f.hdrAtime.subarray(0, n));
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
          // A changed directory: its rows still true are kept, unchanged headers are not read.
          const batch: BatchDir[] = [];
          while (batch.length < BATCH_READ && list.length > 0 && list[list.length - 1].d !== undefined) {
            const { rel, stat, d } = list.pop()!;
            batch.push({ abs: abs(rel), rel, stat, known: o.readHeaders ? knownFilesOf(t, d!) : undefined });
          }
          readBatch(native, t, batch, o.readHeaders, sink, next);
        }
        if (active === 0 && list.length === 0) resolve(true);
      };
      pump();
    });
  }

  async function walk(o: WalkOptions): Promise<boolean> {
    const pending: Pending[] = (all = prev.meta.dirs.map((d) => ({ d, stat: refresh === 'lstat' && d.rowCount > 0 })));
    // Sorted by path: neighbours share their open ancestors in native/dirwalk.c. The index
    // is saved in that order, so this is usually one pass that finds it sorted.
    const before = (a: Pending, b: Pending): number => (a.d.rel < b.d.rel ? -1 : a.d.rel > b.d.rel ? 1 : 0);
    if (!pending.every((p, k) => k === 0 || before(pending[k - 1], p) <= 0)) pending.sort(before);
    const changed: Changed[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pending.length) {
        if (o.signal?.aborted) return;
        const batch = pending.slice(next, next + BATCH);
        next += batch.length;
        await verify(batch, changed, o);
      }
    };
    try {
      await Promise.all(Array.from({ length: JOBS }, worker));
    } catch (e) {
      o.onError({ path: root, code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
      return true;
    }
    if (o.signal?.aborted) return false;
    return reread(changed, o);
  }
  return r;
}
