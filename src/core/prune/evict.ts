import { lstat, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Snapshot } from '../scan/scan.js';
import type { PlanStep } from './plan.js';

export interface EvictOptions {
  readonly dryRun: boolean;
  readonly nice: boolean;
  readonly removeEmptyDirs: boolean;
  readonly signal?: AbortSignal;
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
/** With --nice: after each batch this many units, pause so httpd keeps its I/O. */
const NICE_BATCH = 32;
const NICE_PAUSE_MS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies a plan. The dry run walks this same path and skips only the unlinks, so
 * it predicts the real run. Before unlinking, each file is lstat-ed again: a file
 * that changed since the scan (httpd rewrote or revalidated it) is spared, and a
 * file that vanished is counted as already gone. Header before body, so httpd sees
 * a clean miss rather than a header pointing at nothing.
 */
export async function evict(snap: Snapshot, steps: PlanStep[], o: EvictOptions): Promise<EvictResult> {
  const t = snap.table;
  const r: EvictResult = { done: [], files: 0, alreadyGone: 0, skippedChanged: 0, emptyDirsRemoved: 0, errors: [], interrupted: false };
  const touchedDirs = new Set<string>();
  let next = 0;
  let finished = 0;

  const one = async (step: PlanStep): Promise<void> => {
    const files = t.files(step.row).map((f) => join(snap.root, f));
    // Re-check: still regular files, not changed since the scan (mtime/ctime), and a
    // body not read since (a hit moved its atime while we were planning).
    for (const f of files) {
      try {
        const st = await lstat(f);
        const readSince = f.endsWith('.data') && st.atimeMs > t.f64.dataAtime[step.row];
        if (!st.isFile() || readSince || Math.max(st.ctimeMs, st.mtimeMs) > t.f64.changed[step.row]) {
          r.skippedChanged++;
          return;
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
        if (code !== 'ENOENT') { r.errors.push({ path: f, code }); return; }
      }
    }
    let removed = 0;
    for (const f of files) {
      if (o.dryRun) { removed++; continue; }
      try {
        await unlink(f);
        removed++;
        touchedDirs.add(dirname(f));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
        if (code === 'ENOENT') r.alreadyGone++;
        else { r.errors.push({ path: f, code }); return; }
      }
    }
    r.files += removed;
    if (removed > 0 || files.length === 0) r.done.push(step);
  };

  const worker = async (): Promise<void> => {
    while (next < steps.length) {
      if (o.signal?.aborted) { r.interrupted = true; return; }
      const step = steps[next++];
      await one(step);
      finished++;
      o.onStep?.(finished);
      if (o.nice && finished % NICE_BATCH === 0) await sleep(NICE_PAUSE_MS);
    }
  };
  await Promise.all(Array.from({ length: o.nice ? 1 : CONCURRENCY }, worker));
  // Workers finish out of order; the summary lists units in plan order.
  const pos = new Map(steps.map((s, i) => [s, i]));
  r.done.sort((a, b) => pos.get(a)! - pos.get(b)!);

  if (o.removeEmptyDirs && !o.dryRun) r.emptyDirsRemoved = await removeEmptyParents(snap.root, touchedDirs);
  return r;
}

/**
 * rmdir each touched directory and its parents up to (not including) the root; stops
 * at the first that is not empty. httpd re-creates directories it needs and retries
 * its rename, so racing it here is safe (mod_cache_disk safe_file_rename).
 */
async function removeEmptyParents(root: string, dirs: Set<string>): Promise<number> {
  let removed = 0;
  const sorted = [...dirs].sort((a, b) => b.length - a.length);
  for (let d of sorted) {
    while (d.startsWith(root + sep) && d !== root) {
      try {
        await rmdir(d);
        removed++;
      } catch {
        break;
      }
      d = dirname(d);
    }
  }
  return removed;
}
