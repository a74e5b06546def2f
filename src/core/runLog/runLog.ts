import { createHash } from 'node:crypto';
import { appendBounded, readBounded } from '../files/boundedLog.js';
import { join } from 'node:path';
import type { PruneResult } from '../prune/types.js';

/**
 * The run log: one small JSON line per real prune of a cache, kept in the state dir
 * beside its index, so that a report can show how the cache changed over the weeks
 * (size, what each run evicted, how far back the cache remembers). A oneshot prune keeps
 * nothing in memory between runs: this file is the history.
 */
export interface RunRecord {
  /** When the run's scan began (ms since the epoch): its `now`. */
  time: number;
  /** Size counted per `usage`, before and after the run, and the entries. */
  usage: 'disk' | 'apparent';
  before: number;
  after: number;
  entriesBefore: number;
  entriesAfter: number;
  /** Bytes and entries evicted, and the bytes by reason (reasons with none are left out). */
  evicted: number;
  evictedEntries: number;
  byReason: Record<string, number>;
  /** Last use of the least recently used entry kept, ms before `time` (null: none left). */
  tailAgeMs: number | null;
  /** The size target (null: none), and whether every target was met; why not when missed. */
  limit: number | null;
  targetMet: boolean;
  miss?: string;
  errors: number;
  interrupted: boolean;
  durationMs: number;
}

/** Records older than this are dropped when the log is compacted; the page shows as much. */
export const KEEP_MS = 90 * 86400e3;
/**
 * The log's bound: past it, the log is rewritten with the records of the last KEEP_MS,
 * newest first, up to half of it. A record is ~300 bytes: a run every 30 minutes for 90
 * days fits; appending stays an O_APPEND write of one line.
 */
export const MAX_BYTES = 2 * 2 ** 20;

export function runLogPath(stateDir: string, root: string): string {
  return join(stateDir, `runs-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.jsonl`);
}

/** The record of one finished prune (`time`: the run's `now`). */
export function runRecordOf(r: PruneResult, time: number): RunRecord {
  const byReason: Record<string, number> = {};
  for (const [reason, t] of Object.entries(r.removed.byReason)) if (t.bytes > 0) byReason[reason] = t.bytes;
  return {
    time, usage: r.usage, before: r.before.bytes, after: r.after.bytes, entriesBefore: r.before.entries, entriesAfter: r.after.entries,
    evicted: r.removed.bytes, evictedEntries: r.removed.entries, byReason, tailAgeMs: r.tailAgeMs === null ? null : Math.round(r.tailAgeMs), limit: r.targets.limit ?? null,
    targetMet: r.targetMet, ...(r.miss ? { miss: r.miss.reason } : {}), errors: r.errors.length, interrupted: r.interrupted, durationMs: Math.round(r.durationMs),
  };
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const numOrNull = (x: unknown): x is number | null => x === null || isNum(x);

/** A line we wrote, or null: a line cut by a crash, or not ours. */
function parseRecord(line: string): RunRecord | null {
  let r: Partial<RunRecord>;
  try {
    r = JSON.parse(line) as Partial<RunRecord>;
  } catch {
    return null;
  }
  const ok = r && isNum(r.time) && isNum(r.before) && isNum(r.after) && isNum(r.evicted) && numOrNull(r.tailAgeMs)
    && numOrNull(r.limit) && typeof r.targetMet === 'boolean';
  if (!ok) return null;
  const byReason: Record<string, number> = {};
  if (r.byReason && typeof r.byReason === 'object') for (const [k, v] of Object.entries(r.byReason)) if (isNum(v)) byReason[k] = v;
  return {
    time: r.time!, usage: r.usage === 'apparent' ? 'apparent' : 'disk', before: r.before!, after: r.after!,
    entriesBefore: isNum(r.entriesBefore) ? r.entriesBefore : 0, entriesAfter: isNum(r.entriesAfter) ? r.entriesAfter : 0,
    evicted: r.evicted!, evictedEntries: isNum(r.evictedEntries) ? r.evictedEntries : 0, byReason, tailAgeMs: r.tailAgeMs!, limit: r.limit!,
    targetMet: r.targetMet!, ...(typeof r.miss === 'string' ? { miss: r.miss } : {}), errors: isNum(r.errors) ? r.errors : 0,
    interrupted: r.interrupted === true, durationMs: isNum(r.durationMs) ? r.durationMs : 0,
  };
}

/** The records for `root` from `since` on (ms), oldest first; a missing or unreadable log is empty. */
export async function readRuns(stateDir: string, root: string, since = -Infinity): Promise<RunRecord[]> {
  const out = (await readBounded(runLogPath(stateDir, root), parseRecord)).filter((r) => r.time >= since);
  // Two processes (a timer and a manual prune) append in the order they finish.
  return out.sort((a, b) => a.time - b.time);
}

/** Appends one record (O_APPEND); past `maxBytes`, rewrites the log (see MAX_BYTES) and renames it into place. */
export async function appendRun(stateDir: string, root: string, record: RunRecord, maxBytes = MAX_BYTES): Promise<void> {
  const since = record.time - KEEP_MS;
  await appendBounded(runLogPath(stateDir, root), JSON.stringify(record) + '\n', maxBytes, (l) => (parseRecord(l)?.time ?? -Infinity) >= since);
}

/**
 * After a real prune: its record goes to the run log. Never fails the prune: a log that
 * cannot be written is a warning (the prune itself went as reported).
 */
export async function recordRun(stateDir: string | undefined, r: PruneResult, time: number, log: { warn(m: string): void }): Promise<void> {
  if (!stateDir || r.dryRun) return;
  try {
    await appendRun(stateDir, r.root, runRecordOf(r, time));
  } catch (e) {
    log.warn(`could not write the run log in ${stateDir}: ${(e as Error).message}`);
  }
}
