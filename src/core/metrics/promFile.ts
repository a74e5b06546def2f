import { readFile } from 'node:fs/promises';
import { replaceFile } from '../files/replaceFile.js';
import { EVICT_REASONS, type PruneResult } from '../prune/types.js';

/**
 * node_exporter textfile metrics for one prune run. All gauges ("last run" values),
 * because a oneshot process cannot keep counters; each sample carries `root` so one
 * host can export several caches. No timestamps: node_exporter rejects them.
 */
export interface PromExtra {
  /** When the run ended (ms since the epoch). */
  readonly now: number;
  /** The last successful run before this one (ms), e.g. from `readLastSuccess`. */
  readonly previousSuccess?: number | null;
}

const REASONS = EVICT_REASONS;
/** A reason a result does not carry (one from before the reason existed) evicted nothing. */
const NONE = { entries: 0, bytes: 0 };
const SUCCESS_METRIC = 'cachectl_last_success_timestamp_seconds';

type Labels = Record<string, string>;
interface Metric { name: string; help: string; samples: [Labels, number][] }

/** A run counts as a success when it finished, uninterrupted, without errors, and met its target. */
export function runSucceeded(r: Pick<PruneResult, 'interrupted' | 'errors' | 'targetMet'>): boolean {
  return !r.interrupted && r.errors.length === 0 && r.targetMet;
}

export function renderPromText(r: PruneResult, extra: PromExtra): string {
  const root = { root: r.root };
  const one = (name: string, help: string, value: number | null | undefined): Metric =>
    ({ name, help, samples: value === null || value === undefined ? [] : [[root, value]] });
  const byReason = (name: string, help: string, pick: (t: { entries: number; bytes: number }) => number): Metric =>
    ({ name, help, samples: REASONS.map((reason) => [{ ...root, reason }, pick(r.removed.byReason[reason] ?? NONE)]) });
  const lastSuccess = runSucceeded(r) ? extra.now : extra.previousSuccess;
  const metrics: Metric[] = [
    one('cachectl_cache_bytes', `Cache size after the last run, in bytes (${r.usage} usage).`, r.after.bytes),
    one('cachectl_cache_entries', 'Cache entries after the last run.', r.after.entries),
    one('cachectl_limit_bytes', 'Size limit (--limit), in bytes.', r.targets.limit),
    one('cachectl_limit_entries', 'Entry limit (--max-entries).', r.targets.maxEntries),
    one('cachectl_min_free_bytes', 'Free space to keep (--min-free), in bytes.', r.targets.minFreeBytes),
    byReason('cachectl_last_run_evicted_bytes', 'Bytes evicted by the last run, by reason.', (t) => t.bytes),
    byReason('cachectl_last_run_evicted_entries', 'Entries evicted by the last run, by reason.', (t) => t.entries),
    one('cachectl_last_run_duration_seconds', 'Duration of the last run (scan, plan and deletions).', r.durationMs / 1000),
    one('cachectl_last_run_errors', 'Files the last run could not read or delete.', r.errors.length),
    one('cachectl_last_run_target_met', '1 when the last run brought the cache within its targets.', r.targetMet ? 1 : 0),
    { name: 'cachectl_last_run_target_missed', help: 'Why the last run missed its target (1 for the reason; absent when met).', samples: r.miss ? [[{ ...root, reason: r.miss.reason }, 1]] : [] },
    one('cachectl_last_run_timestamp_seconds', 'When the last run ended, in seconds since the epoch.', extra.now / 1000),
    one('cachectl_tail_age_seconds', 'Age of the least recently used entry kept (how long the cache remembers).', r.tailAgeMs === null ? null : r.tailAgeMs / 1000),
    one(SUCCESS_METRIC, 'When the last successful run ended, in seconds since the epoch.', lastSuccess == null ? null : lastSuccess / 1000),
  ];
  return metrics.filter((m) => m.samples.length > 0).map(renderMetric).join('');
}

function renderMetric(m: Metric): string {
  let text = `# HELP ${m.name} ${escapeHelp(m.help)}\n# TYPE ${m.name} gauge\n`;
  for (const [labels, value] of m.samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
    text += `${m.name}${l ? `{${l}}` : ''} ${formatValue(value)}\n`;
  }
  return text;
}

/** Label values escape backslash, double quote and newline (exposition format rules). */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and newline only. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

/**
 * Replaces the file atomically, as node_exporter asks (files/replaceFile.ts: the temp name
 * does not end in .prom, so the collector never reads it half-written); 0644, as
 * node_exporter runs as another user.
 */
export async function writePromFile(path: string, text: string): Promise<void> {
  await replaceFile(path, text, 0o644);
}

/**
 * The last-success timestamp (ms) from a textfile we wrote earlier, so a oneshot run
 * that fails does not erase when the cache was last pruned. Null when unknown.
 */
export async function readLastSuccess(path: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  const m = new RegExp(`^${SUCCESS_METRIC}(?:\\{[^\\n]*\\})? (\\S+)$`, 'm').exec(text);
  const s = m ? Number(m[1]) : NaN;
  return Number.isFinite(s) ? s * 1000 : null;
}
