import type { NativeBinding } from '../native/load.js';
import { codeOf } from '../native/decode.js';
import { Flag, type UnitTable } from '../scan/table.js';
import type { PlanStep } from './plan.js';

/** Outcomes per unit, as native/evict.c writes them. */
const enum Outcome { Done = 0, Changed = 1, Error = 2, DirGone = 3 }

export interface UnitOutcome {
  readonly step: PlanStep;
  readonly dir: string;
  readonly names: string[];
  readonly outcome: 'done' | 'changed' | 'error' | 'dir-gone';
  readonly removed: number;
  readonly gone: number;
  /** For 'error': the file (or, for a directory error, '') and its errno code. */
  readonly failedName: string;
  readonly code: string;
}

/** The file names of a unit: header first (httpd must never see a header without its body). */
export function unitNames(t: UnitTable, row: number): string[] {
  const name = t.name.get(row);
  const f = t.flags[row];
  if (f & Flag.RawName) return [name];
  const out: string[] = [];
  if (f & Flag.HasHeader) out.push(`${name}.header`);
  if (f & Flag.HasData) out.push(`${name}.data`);
  return out;
}

/** Encodes a batch as native/evict.c reads it, sorted by directory (one directory walk each). */
function encode(t: UnitTable, steps: PlanStep[]): { buf: Buffer; units: { step: PlanStep; dir: string; names: string[] }[] } {
  const units = steps.map((step) => ({ step, dir: t.dirs[t.dir[step.row]], names: unitNames(t, step.row) }));
  units.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  let size = 8;
  const lens = units.map((u) => {
    const l = [Buffer.byteLength(u.dir), ...u.names.map((n) => Buffer.byteLength(n))];
    size += (32 + l[0] + (l[1] ?? 0) + (l[2] ?? 0) + 7) & ~7;
    return l;
  });
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(units.length, 0);
  let at = 8;
  units.forEach((u, i) => {
    const [dl, n0 = 0, n1 = 0] = lens[i];
    buf.writeDoubleLE(t.f64.dataAtime[u.step.row], at);
    buf.writeDoubleLE(t.f64.changed[u.step.row], at + 8);
    buf.writeUInt16LE(dl, at + 16);
    buf[at + 18] = u.names.length;
    buf.writeUInt16LE(n0, at + 20);
    buf.writeUInt16LE(n1, at + 22);
    let p = at + 32;
    p += buf.write(u.dir, p);
    for (const n of u.names) p += buf.write(n, p);
    at += (32 + dl + n0 + n1 + 7) & ~7;
  });
  return { buf, units };
}

const OUTCOMES = ['done', 'changed', 'error', 'dir-gone'] as const;

/**
 * Re-checks and unlinks one batch of plan steps in one native job (native/evict.c: the
 * openat walk from the root, fstatat re-check, unlinkat). Resolves per unit, or rejects
 * with the root's errno when the root is no longer the scanned directory.
 */
export function evictBatch(
  native: NativeBinding, root: string, rootIno: number, t: UnitTable, steps: PlanStep[], dryRun: boolean,
): Promise<UnitOutcome[]> {
  const { buf, units } = encode(t, steps);
  return new Promise((resolve, reject) => {
    native.evict(root, rootIno, buf, dryRun, (status, out) => {
      if (status !== 0) return reject(Object.assign(new Error(codeOf(status)), { code: codeOf(status) }));
      resolve(units.map((u, i) => {
        const o = i * 8;
        const outcome = out[o] as Outcome;
        const failed = out[o + 3];
        return {
          ...u, outcome: OUTCOMES[outcome], removed: out[o + 1], gone: out[o + 2],
          failedName: outcome === Outcome.Error && failed !== 255 ? (u.names[failed] ?? '') : '',
          code: outcome === Outcome.Error || outcome === Outcome.DirGone ? codeOf(out.readInt32LE(o + 4)) : '',
        };
      }));
    });
  });
}
