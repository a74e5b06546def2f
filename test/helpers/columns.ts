import type { F64Column, Kind, UnitTable } from '../../src/core/table/table.js';

/** A string column's values, for assertions (the column itself decodes a row at a time). */
export interface Column { readonly length: number; get(i: number): string }

export const valuesOf = (c: Column): string[] => Array.from({ length: c.length }, (_, i) => c.get(i));

/** The first row holding `s`, or -1. */
export const rowOf = (c: Column, s: string): number => valuesOf(c).indexOf(s);

/** A table row with its numbers named (the scan appends rows and writes their columns itself). */
export interface TestRow { kind: Kind; reason?: number; flags: number; dir: number; name: string; key?: string; status?: number; values: Partial<Record<F64Column, number>> }

/** Appends `r` to `t`; returns its row. */
export function addRow(t: UnitTable, r: TestRow): number {
  const i = t.append(r.kind, r.reason ?? 0, r.flags, r.dir, r.name, r.key ?? '');
  t.status[i] = r.status ?? 0;
  for (const [c, v] of Object.entries(r.values)) t.f64[c as F64Column][i] = v;
  return i;
}
