import type { Log } from '../log.js';
import type { PruneResult } from '../prune/types.js';
import type { Filesystem } from '../report.js';
import { formatAge, formatSize, type SizeOrPercent } from '../units.js';
import type { RunInfo } from './types.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The one log line per run: the message is for people (text format), the fields for
 * machines (json format), and both say the same things.
 */
export function runLine(r: PruneResult, info: RunInfo): { msg: string; fields: Record<string, unknown> } {
  const durationMs = info.endedAt - info.startedAt;
  const status = r.interrupted ? 'interrupted'
    : r.miss ? `FAILED (${r.miss.message})`
    : r.errors.length ? `done with ${r.errors.length} errors`
    : 'done';
  const limit = r.targets.limit === undefined ? '' : ` of ${formatSize(r.targets.limit)}`;
  const msg = `run (${info.reason}) ${status}: removed ${r.removed.entries} entries, ${formatSize(r.removed.bytes)}`
    + ` in ${(durationMs / 1000).toFixed(1)}s; cache ${formatSize(r.after.bytes)}${limit}, ${r.after.entries} entries;`
    + ` tail age ${r.tailAgeMs === null ? '-' : formatAge(r.tailAgeMs)}; started ${iso(info.startedAt)};`
    + ` next ${iso(info.nextRunAt) ?? 'none scheduled'}`;
  const fields = {
    event: 'run', reason: info.reason, start: iso(info.startedAt), end: iso(info.endedAt), durationMs,
    removedBytes: r.removed.bytes, removedEntries: r.removed.entries, removedFiles: r.removed.files,
    byReason: r.removed.byReason, cacheBytes: r.after.bytes, cacheEntries: r.after.entries,
    limit: r.targets.limit ?? null, maxEntries: r.targets.maxEntries ?? null,
    tailAgeMs: r.tailAgeMs, targetMet: r.targetMet, missReason: r.miss?.reason ?? null, errors: r.errors.length, interrupted: r.interrupted,
    next: iso(info.nextRunAt),
  };
  return { msg, fields };
}

/** The run line, plus a warning naming a few of the files that failed. */
export function logRun(log: Log, r: PruneResult, info: RunInfo): void {
  const line = runLine(r, info);
  // A run that left the cache over its target failed, whatever it removed.
  if (r.targetMet || r.interrupted) log.info(line.msg, line.fields); else log.warn(line.msg, line.fields);
  if (r.errors.length === 0) return;
  const shown = r.errors.slice(0, 3).map((e) => `${e.path} (${e.code})`).join(', ');
  log.warn(`${r.errors.length} files could not be read or deleted: ${shown}${r.errors.length > 3 ? ', ...' : ''}`, { event: 'errors', errors: r.errors.slice(0, 20) });
}

/** The free-space threshold in bytes for this filesystem. */
export function thresholdBytes(watch: SizeOrPercent, fs: Filesystem): number {
  return 'percent' in watch ? Math.ceil((watch.percent / 100) * fs.size) : watch.bytes;
}

export function describeThreshold(watch: SizeOrPercent): string {
  return 'percent' in watch ? `${watch.percent}%` : formatSize(watch.bytes);
}
