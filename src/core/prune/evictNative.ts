import type { NativeBinding } from '../native/load.js';
import { codeOf } from '../native/decode.js';
import { Flag, type UnitTable } from '../scan/table.js';
import type { PlanStep } from './plan.js';

/** Outcomes per unit, as native/evict.c writes them. */
export const enum Outcome { Done = 0, Changed = 1, Error = 2, DirGone = 3 }

/** Suffixes of a unit's files, in unlink order, appended to its stem. */
function suffixes(flags: number): string[] {
  if (flags & Flag.RawName) return [''];
  return [...(flags & Flag.HasHeader ? ['.header'] : []), ...(flags & Flag.HasData ? ['.data'] : [])];
}
const SUFFIXES = Array.from({ length: 64 }, (_, f) => suffixes(f));

/** One batch's outcome; `at(k)` reads the k-th unit of the batch (in plan order). */
export interface BatchResult {
  readonly count: number;
  outcome(k: number): Outcome;
  removed(k: number): number;
  gone(k: number): number;
  files(k: number): number;
  /** For Error/DirGone: the failing path below the root, and its errno code. */
  failure(k: number): { rel: string; code: string };
}

/**
 * Encodes steps[start, start+count) as native/evict.c reads them, ordered by directory
 * (neighbours share their open ancestors), straight from the table's columns: no string
 * or array per unit (at 250k victims those cost seconds of GC).
 */
function encode(t: UnitTable, steps: PlanStep[], start: number, count: number): { buf: Buffer; order: Uint32Array } {
  const order = new Uint32Array(count).map((_, k) => k);
  order.sort((a, b) => t.dir[steps[start + a].row] - t.dir[steps[start + b].row]);
  let size = 8;
  for (let k = 0; k < count; k++) {
    const row = steps[start + k].row;
    const sfx = SUFFIXES[t.flags[row] & 63];
    const n = t.name.lengthOf(row);
    size += (32 + Buffer.byteLength(t.dirs[t.dir[row]]) + sfx.reduce((a, s) => a + n + s.length, 0) + 7) & ~7;
  }
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(count, 0);
  let at = 8;
  for (let j = 0; j < count; j++) {
    const row = steps[start + order[j]].row;
    const sfx = SUFFIXES[t.flags[row] & 63];
    buf.writeDoubleLE(t.f64.dataAtime[row], at);
    buf.writeDoubleLE(t.f64.changed[row], at + 8);
    buf[at + 18] = sfx.length;
    let p = at + 32;
    const dl = buf.write(t.dirs[t.dir[row]], p);
    buf.writeUInt16LE(dl, at + 16);
    p += dl;
    sfx.forEach((s, f) => {
      const nl = t.name.copyTo(row, buf, p) + buf.write(s, p + t.name.lengthOf(row), 'latin1');
      buf.writeUInt16LE(nl, at + 20 + 2 * f);
      p += nl;
    });
    at = (p + 7) & ~7;
  }
  return { buf, order };
}

/**
 * Re-checks and unlinks steps[start, start+count) in one native job (native/evict.c: the
 * openat walk from the root, fstatat re-check, unlinkat). Rejects with the root's errno
 * when the root is no longer the scanned directory.
 */
export function evictBatch(
  native: NativeBinding, root: string, rootIno: number, t: UnitTable, steps: PlanStep[], start: number, count: number, dryRun: boolean,
): Promise<BatchResult> {
  const { buf, order } = encode(t, steps, start, count);
  // Result slot of the k-th unit in plan order.
  const slot = new Uint32Array(count);
  order.forEach((k, j) => { slot[k] = j * 8; });
  return new Promise((resolve, reject) => {
    native.evict(root, rootIno, buf, dryRun, (status, out) => {
      if (status !== 0) return reject(Object.assign(new Error(codeOf(status)), { code: codeOf(status) }));
      resolve({
        count,
        outcome: (k) => out[slot[k]] as Outcome,
        removed: (k) => out[slot[k] + 1],
        gone: (k) => out[slot[k] + 2],
        files: (k) => SUFFIXES[t.flags[steps[start + k].row] & 63].length,
        failure: (k) => {
          const row = steps[start + k].row;
          const failed = out[slot[k] + 3];
          // 255: the directory itself; else the unit's failed file (table.files: header first).
          return { rel: t.files(row)[failed] ?? t.dirs[t.dir[row]], code: codeOf(out.readInt32LE(slot[k] + 4)) };
        },
      });
    });
  });
}
