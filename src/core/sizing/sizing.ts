import { defaultRecordParser, compileRecordParser } from './logRecord.js';
import { logLines } from '../accessLog/logLines.js';
import { orderLogs } from './logSet.js';
import { LogTally, type DayTally } from './logTally.js';
import { ReuseProfiler, type ProfilerOptions } from './reuseProfiler.js';
import type { ReuseCurve } from './reuseCurve.js';
import { sizeGrid } from './sizeGrid.js';
import { GhostCounter, type Ghost, type GhostTally } from './ghosts.js';

export interface ReplayOptions {
  accessLogs: readonly string[];
  /** A LogFormat string, or `common`/`combined`; default: whichever of the two fits. */
  logFormat?: string;
  /** Never sample, however long the logs. */
  exact?: boolean;
  /** Sampling knobs (tests). */
  profiler?: ProfilerOptions;
  /** prune's eviction journal for the cache: later requests for these entries are counted. */
  ghosts?: readonly Ghost[];
  signal?: AbortSignal;
}

export interface CurveOptions {
  /** Cache sizes for the table (bytes); default sizeGrid(working set). */
  sizes?: readonly number[];
  /** The limit the cache is pruned to, and its size now: marked on the curve. */
  limit?: number;
  current?: number;
}

export type SizingOptions = ReplayOptions & CurveOptions;

/** The logs read once: what happened, and the reuse curve to ask for any size. */
export interface Replay {
  tally: LogTally;
  curve: ReuseCurve;
  ghosts: GhostTally | null;
  files: SizingResult['files'];
  interrupted: boolean;
}

export interface CurvePoint {
  size: number;
  hitRatio: number;
  byteHitRatio: number;
  /** Over the whole log, and per day of its span. */
  upstreamBytes: number;
  upstreamBytesPerDay: number;
}

export interface SizingResult {
  files: { path: string; lines: number; error?: string }[];
  lines: number;
  unparsed: number;
  span: { from: string; to: string; days: number } | null;
  days: DayTally[];
  /** Replayed: full-body GET 200 responses and their body bytes. */
  requests: number;
  bytes: number;
  notModified: number;
  partial: number;
  other: number;
  objects: number;
  workingSet: number;
  observed: { requests: number; hitRatio: number; byteHitRatio: number; upstreamBytes: number; upstreamBytesPerDay: number } | null;
  method: 'exact' | 'sampled';
  sampleRate?: number;
  curve: CurvePoint[];
  /** What a cache that never evicts would get. */
  unlimited: Omit<CurvePoint, 'size'>;
  /** The smallest size reaching 95% of the unlimited byte hit ratio (null: nothing was requested twice). */
  target: CurvePoint | null;
  limit: CurvePoint | null;
  current: CurvePoint | null;
  /** Requests for entries prune had evicted (null without a journal). */
  ghosts: GhostTally | null;
  interrupted: boolean;
}

/** Share of the unlimited byte hit ratio that the one-sentence advice aims at. */
export const TARGET_SHARE = 0.95;
const DAY_MS = 86400e3;
/** A log shorter than this still counts as this long for the per-day rates. */
const MIN_SPAN_MS = 3600e3;

/** replayLogs then summarise: the whole command for a library user. */
export async function sizing(opts: SizingOptions): Promise<SizingResult> {
  return summarise(await replayLogs(opts), opts);
}

/**
 * Reads the access logs (plain or gzip, oldest first) once: tallies what happened and
 * replays the full-body responses through the reuse profiler, which gives the hit
 * ratios of a byte-capacity LRU at every size.
 */
export async function replayLogs(opts: ReplayOptions): Promise<Replay> {
  const parse = opts.logFormat ? compileRecordParser(opts.logFormat) : defaultRecordParser();
  const ordered = await orderLogs(opts.accessLogs, parse);
  const tally = new LogTally();
  const profiler = new ReuseProfiler({ ...opts.profiler, exact: opts.exact || opts.profiler?.exact });
  const files: SizingResult['files'] = [];
  const ghosts = opts.ghosts ? new GhostCounter(opts.ghosts) : null;
  let interrupted = false;
  for (const path of ordered) {
    const before = tally.lines;
    const f: SizingResult['files'][number] = { path, lines: 0 };
    files.push(f);
    try {
      for await (const batch of logLines(path)) {
        for (const line of batch) {
          if (line === '') continue;
          const r = parse(line);
          if (!tally.add(r)) continue;
          profiler.add(r.key, r.bytes);
          ghosts?.see(r.key, r.time, r.bytes);
        }
        if (opts.signal?.aborted) {
          interrupted = true;
          break;
        }
      }
    } catch (e) {
      // A damaged or truncated gzip file: keep what came before the damage.
      f.error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    f.lines = tally.lines - before;
    if (interrupted) break;
  }
  return { tally, curve: profiler.finish(), ghosts: ghosts?.tally ?? null, files, interrupted };
}

/** The figures for people and scripts, at the sizes asked for. */
export function summarise(replay: Replay, opts: CurveOptions = {}): SizingResult {
  const { tally: t, curve, files, interrupted, ghosts } = replay;
  const spanMs = t.first <= t.last ? t.last - t.first : 0;
  const days = Math.max(spanMs, MIN_SPAN_MS) / DAY_MS;
  const point = (size: number): CurvePoint => {
    const { hitRatio, byteHitRatio } = curve.ratiosAt(size);
    const upstreamBytes = Math.round(t.bytes * (1 - byteHitRatio));
    return { size, hitRatio, byteHitRatio, upstreamBytes, upstreamBytesPerDay: upstreamBytes / days };
  };
  const { size: _, ...unlimited } = point(Infinity);
  const targetSize = unlimited.byteHitRatio > 0 ? curve.capacityFor(TARGET_SHARE * unlimited.byteHitRatio) : Infinity;
  const sizes = [...new Set(opts.sizes ?? sizeGrid(curve.workingSet))].sort((a, b) => a - b);
  const o = t.observed;
  return {
    files,
    lines: t.lines,
    unparsed: t.unparsed,
    span: t.first <= t.last ? { from: new Date(t.first).toISOString(), to: new Date(t.last).toISOString(), days: spanMs / DAY_MS } : null,
    days: t.perDay(),
    requests: t.requests,
    bytes: t.bytes,
    notModified: t.notModified,
    partial: t.partial,
    other: t.other,
    objects: Math.round(curve.objects),
    workingSet: Math.round(curve.workingSet),
    observed: o && o.requests > 0
      ? { requests: o.requests, hitRatio: o.hits / o.requests, byteHitRatio: o.bytes ? o.hitBytes / o.bytes : 0, upstreamBytes: o.upstreamBytes, upstreamBytesPerDay: o.upstreamBytes / days }
      : null,
    method: curve.method,
    ...(curve.method === 'sampled' ? { sampleRate: curve.sampleRate } : {}),
    curve: sizes.map(point),
    unlimited,
    target: Number.isFinite(targetSize) ? point(targetSize) : null,
    limit: opts.limit !== undefined ? point(opts.limit) : null,
    current: opts.current !== undefined ? point(opts.current) : null,
    ghosts,
    interrupted,
  };
}
