import { join } from 'node:path';
import type { NativeBinding, VerifyRows } from '../native/load.js';
import { encodeVerify, verifyResult, viewsOf, VerifyState, type VerifyDirs } from '../native/abi.js';
import { codeOf } from '../native/decode.js';
import { readDirs } from '../scan/walkNative.js';
import { drain } from '../scan/drain.js';
import { inSlices } from '../pool.js';
import type { UnitTable } from '../table/table.js';
import type { DirToRead, WalkError } from '../scan/walkTypes.js';
import { DIR_COLUMNS, sortedIndexOf } from './format.js';
import type { LoadedIndex } from './store.js';
import type { Reuse } from './reuse.js';

/** Directories per verify job, changed directories per read job, and jobs at once (libuv's 4 threads). */
const VERIFY_BATCH = 1024;
const READ_BATCH = 32;
const JOBS = 4;
/** Share of the index's directories found changed past which a full scan is cheaper. */
const FULL_SCAN_SHARE = 0.5;
const UNCHECKED = 255;

/** The table's row columns verify reads (by name: the other columns are passed and ignored), and writes access times into. */
function verifyRows(t: UnitTable): VerifyRows {
  const names = t.name.parts();
  const { f64, flags } = t.rowColumns();
  return { nameBytes: names.bytes, nameStart: names.start, nameLen: names.len, flags, ...f64 };
}

/**
 * The persisted index, checked natively before anything is read (native/verify.c): every
 * indexed directory by path from the root (O_NOFOLLOW at each step), with one fstatat per
 * file of its rows (rowCheck.ts's rule); unchanged ones keep their rows and get the new
 * access times. The walk then reads the changed directories again, whole and pinned to
 * the inode just seen, and directories new since the index whole. The same decisions as
 * reuse.ts makes per directory, without a round trip to JS per file.
 *
 * 'full-scan' when most directories changed (a 1% change of entries touches most leaf
 * directories of the default layout): reading them one by one, then regrouping the
 * table, costs more than a plain full scan, which reads whole subtrees per job.
 */
export async function reuseNative(native: NativeBinding, root: string, rootIno: number, prev: LoadedIndex, signal?: AbortSignal): Promise<Reuse | 'full-scan'> {
  const recs = prev.meta.dirs;
  // Saved in path order (format.ts, recordSections), which the binary search of subdirectories below needs.
  if (!recs.every((d, k) => k === 0 || recs[k - 1].rel <= d.rel)) return 'full-scan';
  const cols = Object.fromEntries(DIR_COLUMNS.map((c, i) => [c, prev.meta.dirColumns[i]])) as unknown as VerifyDirs & Record<string, Float64Array>;
  // Per record, what the check found: one byte each, not an object per directory.
  const state = new Uint8Array(recs.length).fill(UNCHECKED);
  const changed: DirToRead[] = [];
  const errors: WalkError[] = [];
  // Records in saved order (by path), VERIFY_BATCH per job: neighbours share their open
  // ancestors in native/dirwalk.c.
  let rootError: string | undefined;
  await inSlices(recs.length, { jobs: JOBS, batch: VERIFY_BATCH, signal }, (from, to) => new Promise<void | false>((done) => {
    native.verify(root, rootIno, encodeVerify(cols, prev.meta.dirPaths, from, to), verifyRows(prev.table), (status, out) => {
      if (status !== 0) rootError ??= codeOf(status);
      const v = viewsOf(out);
      for (let k = from; k < to && !rootError; k++) {
        const r = verifyResult(v, k - from);
        state[k] = r.state;
        // Reported once here; a changed parent's re-read then leaves it alone.
        if (r.state === VerifyState.Error) errors.push({ path: join(root, recs[k].rel), code: codeOf(r.err) });
        if (r.state === VerifyState.Changed) changed.push({ rel: recs[k].rel, stat: { dev: r.dev, ino: r.ino, size: 0, blocks: 0, atimeMs: 0, mtimeMs: 0, ctimeMs: 0 } });
      }
      done(rootError ? false : undefined);
    });
  }));
  if (!rootError && !signal?.aborted && changed.length > recs.length * FULL_SCAN_SHARE) return 'full-scan';

  const r: Reuse = {
    reusedDirs: 0,
    walk: async (o) => {
      for (const e of errors) o.onError(e);
      if (rootError) {
        o.onError({ path: root, code: rootError });
        return true;
      }
      if (o.signal?.aborted) return false;
      const same = recs.filter((_d, k) => state[k] === VerifyState.Same);
      r.reusedDirs = same.length;
      o.onReused(same);
      // Changed directories are read again whole (the index vouches for nothing in them),
      // READ_BATCH per job; a subdirectory the index does not know is new: read whole.
      const jobs: (DirToRead[] | DirToRead)[] = [];
      for (let i = 0; i < changed.length; i += READ_BATCH) jobs.push(changed.slice(i, i + READ_BATCH));
      // An indexed subdirectory found in place (unchanged, changed and queued, or unreadable
      // and reported) is handled already. Looked up by binary search over the records, sorted
      // by path: only subdirectories of changed directories are, and a set of every path costs more.
      const onSubdir = (d: DirToRead) => {
        const k = sortedIndexOf(recs.length, (i) => recs[i].rel, d.rel);
        if (k < 0 || state[k] === VerifyState.Gone || state[k] === UNCHECKED) jobs.push(d);
      };
      return drain(jobs, JOBS, o.signal, (job, done) => (Array.isArray(job) ? readDirs(native, o, job, done, onSubdir) : readDirs(native, o, [job], done)));
    },
  };
  return r;
}
