import type { RunRecord } from '../runLog/runLog.js';
import type { History, HistoryPoint } from './modelTypes.js';

const DAY = 86400e3;
/** The span the history panel covers (the run log keeps as much). */
export const HISTORY_DAYS = 90;
/** More runs than this (a run every few minutes) are drawn one point per UTC day. */
export const MAX_POINTS = 240;

const pointOf = (r: RunRecord): HistoryPoint => ({
  time: r.time, before: r.before, after: r.after, evicted: r.evicted, tailAgeMs: r.tailAgeMs, limit: r.limit, targetMet: r.targetMet, runs: 1,
});

/** The runs of the last HISTORY_DAYS before `now` (records oldest first), as points to plot. */
export function historyOf(runs: readonly RunRecord[], now: number): History {
  const recent = runs.filter((r) => r.time >= now - HISTORY_DAYS * DAY);
  const grain = recent.length > MAX_POINTS ? 'day' : 'run';
  const points: HistoryPoint[] = [];
  for (const r of recent) {
    const p = pointOf(r);
    const day = Math.floor(r.time / DAY) * DAY;
    const last = points.at(-1);
    if (grain === 'run' || !last || last.time !== day) {
      points.push(grain === 'day' ? { ...p, time: day } : p);
      continue;
    }
    // A day: its size before the first run and after the last, and everything its runs evicted.
    last.after = p.after;
    last.evicted += p.evicted;
    last.tailAgeMs = p.tailAgeMs;
    last.limit = p.limit;
    last.targetMet &&= p.targetMet;
    last.runs++;
  }
  return {
    grain, days: HISTORY_DAYS, runs: recent.length, missed: recent.filter((r) => !r.targetMet).length,
    usage: recent.at(-1)?.usage ?? 'disk', points,
  };
}
