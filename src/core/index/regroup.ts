import type { DirRecord } from '../scan/walkTypes.js';
import type { UnitTable } from '../table/table.js';

/**
 * After a scan that started from the index, puts each directory's rows together again
 * and drops the rows no directory claims any more (those of changed or vanished
 * directories). Directories keep their order in the table, so a quiet night (nothing
 * changed) is the identity and moves nothing; otherwise every column is permuted once.
 * Sets each record's rowStart/rowCount to its rows' new place.
 */
export function regroup(table: UnitTable, records: DirRecord[]): void {
  if (coversInPlace(table.length, records)) {
    for (const d of records) if (d.rowCount === 0) d.rowStart = 0;
    return;
  }
  // Not in place, so the order changes: every claimed row once, directory after directory.
  const perm = new Int32Array(records.reduce((n, d) => n + d.rowCount, 0));
  let w = 0;
  for (const d of records.slice().sort((a, b) => a.rowStart - b.rowStart)) {
    const start = w;
    for (let r = d.rowStart; r < d.rowStart + d.rowCount; r++) perm[w++] = r;
    d.rowStart = d.rowCount > 0 ? start : 0;
  }
  table.permute(perm);
}

/**
 * The quiet night's shortcut (the general path sorts every record): the records' ranges
 * cover the table exactly once, so every row is claimed where it is. Checked row by row
 * (a byte each), not assumed from how the ranges were made.
 */
export function coversInPlace(n: number, records: readonly DirRecord[]): boolean {
  const seen = new Uint8Array(n);
  let total = 0;
  for (const d of records) {
    const end = d.rowStart + d.rowCount;
    if (end > n) return false;
    for (let r = d.rowStart; r < end; r++) {
      if (seen[r] === 1) return false;
      seen[r] = 1;
    }
    total += d.rowCount;
  }
  return total === n;
}
