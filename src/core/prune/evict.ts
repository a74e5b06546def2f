import { inSlices } from '../pool.js';
import { posix } from 'node:path';
import type { Snapshot } from '../scan/scan.js';
import type { PlanStep } from './plan.js';
import { SafeTree, type VerifiedDir } from '../safety/tree.js';
import type { NativeBinding } from '../native/load.js';
import { evictBatch, Outcome, type BatchResult } from './evictNative.js';

const { basename, dirname, join } = posix;

export interface EvictOptions {
  readonly dryRun: boolean;
  readonly nice: boolean;
  readonly removeEmptyDirs: boolean;
  readonly signal?: AbortSignal;
  /** The native evictor (one job per batch of units); null/absent = node's fs through SafeTree. */
  readonly native?: NativeBinding | null;
  /** Called after each unit (for progress). */
  readonly onStep?: (done: number) => void;
}

export interface EvictResult {
  /** Steps that went (or, in a dry run, would go). */
  done: PlanStep[];
  files: number;
  alreadyGone: number;
  skippedChanged: number;
  emptyDirsRemoved: number;
  errors: { path: string; code: string }[];
  interrupted: boolean;
}

/** Units in flight at once: enough to keep the disk queue busy, few enough to stop fast. */
const CONCURRENCY = 8;
/** Native: units per job (~20 ms of work: a stop request waits at most that long), jobs at once. */
const NATIVE_BATCH = 2048;
const NATIVE_JOBS = 4;
/** With --nice: after each batch this many units, pause so httpd keeps its I/O. */
const NICE_BATCH = 32;
const NICE_PAUSE_MS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies a plan. The dry run walks this same path and skips only the unlinks, so
 * it predicts the real run. Before unlinking, each file is lstat-ed again: a file
 * that changed since the scan (httpd rewrote or revalidated it) is spared, and a
 * file that vanished is counted as already gone. Header before body, so httpd sees
 * a clean miss rather than a header pointing at nothing. Every lstat and unlink goes
 * through SafeTree: relative to a directory reached from the root without following
 * a symlink, so a directory swapped for a symlink after the scan cannot redirect a
 * deletion outside the root (it fails with ENOTDIR/ELOOP and is reported).
 */
export async function evict(snap: Snapshot, steps: PlanStep[], o: EvictOptions): Promise<EvictResult> {
  const t = snap.table;
  const r: EvictResult = { done: [], files: 0, alreadyGone: 0, skippedChanged: 0, emptyDirsRemoved: 0, errors: [], interrupted: false };
  let tree: SafeTree;
  try {
    tree = await SafeTree.open(snap.root);
  } catch (e) {
    // The root itself vanished or became unreadable after the scan: nothing to unlink.
    r.errors.push({ path: snap.root, code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
    return r;
  }
  const touchedDirs = new Set<string>();
  let finished = 0;
  const fail = (e: unknown, rel: string): void => {
    r.errors.push({ path: join(snap.root, rel), code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
  };
  const gone = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

  // Which plan steps went (by position): workers finish out of order, the summary is in plan order.
  const went = new Uint8Array(steps.length);
  const apply = async (k: number, dir: VerifiedDir, relDir: string, names: string[]): Promise<void> => {
    const step = steps[k];
    // Re-check: still regular files, not changed since the scan (ctime), and a
    // body not read since (a hit moved its atime while we were planning).
    for (const name of names) {
      try {
        const st = await dir.lstat(name);
        const readSince = name.endsWith('.data') && st.atimeMs > t.f64.dataAtime[step.row];
        if (!st.isFile() || readSince || st.ctimeMs > t.f64.changed[step.row]) {
          r.skippedChanged++;
          return;
        }
      } catch (e) {
        if (!gone(e)) return fail(e, join(relDir, name));
      }
    }
    let removed = 0;
    for (const name of names) {
      if (o.dryRun) { removed++; continue; }
      try {
        await dir.unlink(name);
        removed++;
        touchedDirs.add(relDir);
      } catch (e) {
        if (gone(e)) r.alreadyGone++;
        else { fail(e, join(relDir, name)); break; }
      }
    }
    r.files += removed;
    if (removed > 0 || names.length === 0) went[k] = 1;
  };

  const one = async (k: number): Promise<void> => {
    const step = steps[k];
    // A unit's files share one directory (httpd pairs them within a directory).
    const files = t.files(step.row);
    const relDir = files.length === 0 ? '' : dirname(files[0]);
    const names = files.map((f) => basename(f));
    try {
      await tree.inDir(relDir === '.' ? '' : relDir, (dir) => apply(k, dir, relDir === '.' ? '' : relDir, names));
    } catch (e) {
      // The directory itself: gone (httpd removed it) or no longer a real directory.
      if (gone(e)) r.alreadyGone += o.dryRun ? 0 : names.length;
      else fail(e, relDir);
    }
  };

  const record = (b: BatchResult, start: number): void => {
    for (let k = 0; k < b.count; k++) {
      const outcome = b.outcome(k);
      if (outcome === Outcome.Changed) { r.skippedChanged++; continue; }
      if (outcome === Outcome.DirGone) { r.alreadyGone += o.dryRun ? 0 : b.files(k); continue; }
      if (outcome === Outcome.Error) { const f = b.failure(k); fail({ code: f.code }, f.rel); } else r.alreadyGone += b.gone(k);
      const removed = b.removed(k);
      r.files += removed;
      if (removed > 0 && !o.dryRun) touchedDirs.add(t.dirs[t.dir[steps[start + k].row]]);
      if (removed > 0 || (outcome === Outcome.Done && b.files(k) === 0)) went[start + k] = 1;
    }
  };
  let rootLost = false;
  const nativeSlice = (native: NativeBinding) => async (start: number, end: number): Promise<void | false> => {
    try {
      record(await evictBatch(native, snap.root, snap.rootIno, t, steps, start, end - start, o.dryRun), start);
    } catch (e) {
      // The root is gone or replaced: nothing below it may be touched any more.
      if (!rootLost) fail(e, '');
      rootLost = true;
      return false;
    }
    finished += end - start;
    o.onStep?.(finished);
    if (o.nice) await sleep(NICE_PAUSE_MS);
  };
  const portableStep = async (k: number): Promise<void> => {
    await one(k);
    finished++;
    o.onStep?.(finished);
    if (o.nice && finished % NICE_BATCH === 0) await sleep(NICE_PAUSE_MS);
  };
  try {
    // --nice: one worker, so deletions come one batch at a time with pauses between.
    const handedOut = await inSlices(steps.length, o.native
      ? { jobs: o.nice ? 1 : NATIVE_JOBS, batch: o.nice ? NICE_BATCH : NATIVE_BATCH, signal: o.signal }
      : { jobs: o.nice ? 1 : CONCURRENCY, batch: 1, signal: o.signal },
    o.native ? nativeSlice(o.native) : (k) => portableStep(k));
    if (!handedOut && !rootLost) r.interrupted = true;
    r.done = steps.filter((_, k) => went[k] === 1);
    if (o.removeEmptyDirs && !o.dryRun) {
      // Deepest first, so a parent is tried after its emptied children.
      for (const d of [...touchedDirs].sort((a, b) => b.length - a.length)) r.emptyDirsRemoved += await tree.rmdirUpward(d);
    }
    // Everything "already gone" because the cache root itself was deleted or replaced
    // meanwhile is not a success: say so (exit 1) instead of reporting a clean run.
    if (!rootLost && !(await tree.stillAtRoot())) r.errors.push({ path: snap.root, code: 'ENOENT' });
  } finally {
    await tree.close();
  }
  return r;
}
