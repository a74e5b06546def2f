import type { NativeBinding } from '../native/load.js';
import { codeOf } from '../native/decode.js';
import { EVICT_FAILED_DIR, EvictOutcome, encodeEvict, evictResult } from '../native/abi.js';
import { rowFiles, type UnitTable } from '../table/table.js';
import type { PlanStep } from './plan.js';

/** Outcomes per unit, as native/evict.c writes them. */
export { EvictOutcome as Outcome } from '../native/abi.js';

/** One batch's outcome; `at(k)` reads the k-th unit of the batch (in plan order). */
export interface BatchResult {
  readonly count: number;
  outcome(k: number): EvictOutcome;
  removed(k: number): number;
  gone(k: number): number;
  files(k: number): number;
  /** For Error/DirGone: the failing path below the root, and its errno code. */
  failure(k: number): { rel: string; code: string };
}

/**
 * Re-checks and unlinks steps[start, start+count) in one native job (native/evict.c: the
 * openat walk from the root, fstatat re-check, unlinkat), ordered by directory so that
 * neighbours share their open ancestors. Rejects with the root's errno when the root is
 * no longer the scanned directory.
 */
export function evictBatch(
  native: NativeBinding, root: string, rootIno: number, t: UnitTable, steps: PlanStep[], start: number, count: number, dryRun: boolean,
): Promise<BatchResult> {
  const order = new Uint32Array(count).map((_, k) => k);
  order.sort((a, b) => t.dir[steps[start + a].row] - t.dir[steps[start + b].row]);
  const request = encodeEvict(t, order.map((k) => steps[start + k].row));
  // Result slot of the k-th unit in plan order.
  const slot = new Uint32Array(count);
  order.forEach((k, j) => { slot[k] = j; });
  return new Promise((resolve, reject) => {
    native.evict(root, rootIno, request, dryRun, (status, out) => {
      if (status !== 0) return reject(Object.assign(new Error(codeOf(status)), { code: codeOf(status) }));
      resolve({
        count,
        outcome: (k) => evictResult.outcome(out, slot[k]),
        removed: (k) => evictResult.removed(out, slot[k]),
        gone: (k) => evictResult.gone(out, slot[k]),
        files: (k) => rowFiles(t.flags[steps[start + k].row]).length,
        failure: (k) => {
          const row = steps[start + k].row;
          const failed = evictResult.failed(out, slot[k]);
          return { rel: failed === EVICT_FAILED_DIR ? t.dirs[t.dir[row]] : t.files(row)[failed], code: codeOf(evictResult.err(out, slot[k])) };
        },
      });
    });
  });
}
