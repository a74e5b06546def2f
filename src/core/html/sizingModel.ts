import type { CurvePoint, SizingResult } from '../sizing/sizing.js';
import { TARGET_SHARE } from '../sizing/sizing.js';
import { displayText } from './escape.js';
import type { Sizing, SizingPoint } from './modelTypes.js';

/** Days of requests the page lists (a year of logs would be a long table). */
const MAX_DAYS = 90;
/** Points of the curve's chart. */
export const CURVE_POINTS = 64;

const point = (p: CurvePoint): SizingPoint => ({ size: p.size, hitRatio: p.hitRatio, byteHitRatio: p.byteHitRatio, upstreamBytesPerDay: p.upstreamBytesPerDay });

/**
 * The sizes the chart samples the curve at: evenly from 0 to a bit past the largest of
 * twice the working set, the limit and the current size (so both marks are on it).
 */
export function denseSizes(workingSet: number, limit?: number, current?: number): number[] {
  const top = Math.max(2 * workingSet, 1.1 * (limit ?? 0), 1.1 * (current ?? 0), 1);
  return Array.from({ length: CURVE_POINTS + 1 }, (_, i) => Math.round((top * i) / CURVE_POINTS));
}

/** The sizing command's figures, for the page: `table` at round sizes, `dense` for the chart. */
export function sizingOf(table: SizingResult, dense: SizingResult): Sizing {
  const marks = new Map<number, string[]>();
  const mark = (p: CurvePoint | null, label: string) => {
    if (p) marks.set(p.size, [...(marks.get(p.size) ?? []), label]);
  };
  mark(table.target, `${TARGET_SHARE * 100}% of unlimited`);
  mark(table.limit, 'limit');
  mark(table.current, 'current size');
  const rows = new Map<number, SizingPoint & { marks: string[] }>();
  for (const p of [...table.curve, table.target, table.limit, table.current]) {
    if (p && !rows.has(p.size)) rows.set(p.size, { ...point(p), marks: marks.get(p.size) ?? [] });
  }
  const o = table.observed;
  return {
    logs: table.files.map((f) => ({ path: displayText(f.path), lines: f.lines, error: f.error ?? null })),
    lines: table.lines, unparsed: table.unparsed, span: table.span,
    days: table.days.slice(-MAX_DAYS),
    requests: table.requests, bytes: table.bytes, notModified: table.notModified, partial: table.partial, other: table.other,
    observed: o ? { requests: o.requests, hitRatio: o.hitRatio, byteHitRatio: o.byteHitRatio, upstreamBytesPerDay: o.upstreamBytesPerDay } : null,
    method: table.method, sampleRate: table.sampleRate ?? null, workingSet: table.workingSet, objects: table.objects,
    unlimited: { hitRatio: table.unlimited.hitRatio, byteHitRatio: table.unlimited.byteHitRatio, upstreamBytesPerDay: table.unlimited.upstreamBytesPerDay },
    curve: dense.curve.map(point),
    table: [...rows.values()].sort((a, b) => a.size - b.size),
    target: table.target && point(table.target), limit: table.limit && point(table.limit), current: table.current && point(table.current),
    ghosts: table.ghosts,
    interrupted: table.interrupted,
  };
}
