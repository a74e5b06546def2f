/**
 * What "the same outcome" means for two runs over one unchanged tree, and a readable
 * account of where two results part.
 */
import type { Report } from '../../src/core/report.js';
import type { PruneResult } from '../../src/core/prune/types.js';

/**
 * The fields that legitimately differ between two runs over the same tree, removed in
 * this one place:
 * - timings (scannedAt, scanMs, durationMs, firstDeletionMs, evictMs);
 * - which reader read it (reader), and how the index was used (index): that is the
 *   point of the comparison, not an outcome;
 * - filesystem: statfs of a filesystem other processes (and our own index saves) write to.
 * And one order that is not an outcome: report.foreign.samples and errors come in
 * directory-walk order, which an index changes (the sets are compared).
 */
export function withoutRunFields(kind: 'report', x: Report): Omit<Report, 'scannedAt' | 'scanMs' | 'reader' | 'filesystem'>;
export function withoutRunFields(kind: 'prune', x: PruneResult): Omit<PruneResult, 'scanMs' | 'durationMs' | 'firstDeletionMs' | 'evictMs' | 'index' | 'filesystem'>;
export function withoutRunFields(kind: 'report' | 'prune', x: Report | PruneResult): unknown {
  if (kind === 'report') {
    const { scannedAt: _a, scanMs: _b, reader: _c, filesystem: _d, ...rest } = x as Report;
    return {
      ...rest,
      foreign: { ...rest.foreign, samples: [...rest.foreign.samples].sort() },
      errors: sortErrors(rest.errors),
    };
  }
  const { scanMs: _a, durationMs: _b, firstDeletionMs: _c, evictMs: _d, index: _e, filesystem: _f, ...rest } = x as PruneResult;
  return { ...rest, errors: sortErrors(rest.errors) };
}

const sortErrors = (e: { path: string; code: string }[]) =>
  [...e].sort((a, b) => (a.path + a.code < b.path + b.code ? -1 : a.path + a.code > b.path + b.code ? 1 : 0));

/** Up to `max` places where `a` and `b` differ, as `path: a ≠ b` lines. */
export function differences(a: unknown, b: unknown, max = 6): string[] {
  const out: string[] = [];
  const show = (v: unknown) => {
    const s = JSON.stringify(v);
    return s === undefined ? 'undefined' : s.length > 160 ? `${s.slice(0, 157)}...` : s;
  };
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (out.length >= max) return;
    if (Object.is(x, y)) return;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) out.push(`${path}.length: ${x.length} ≠ ${y.length}`);
      // Arrays of records (plans, lists): name the first element that differs whole, then its fields.
      for (let i = 0; i < Math.max(x.length, y.length) && out.length < max; i++) {
        if (JSON.stringify(x[i]) === JSON.stringify(y[i])) continue;
        if (x[i] === undefined || y[i] === undefined || typeof x[i] !== 'object') { out.push(`${path}[${i}]: ${show(x[i])} ≠ ${show(y[i])}`); continue; }
        walk(x[i], y[i], `${path}[${i}]`);
      }
      return;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object') {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    out.push(`${path}: ${show(x)} ≠ ${show(y)}`);
  };
  walk(a, b, '');
  return out;
}
