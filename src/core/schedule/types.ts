import type { Log } from '../log.js';
import type { PruneResult } from '../prune/types.js';
import type { Filesystem } from '../report.js';
import type { SizeOrPercent } from '../units.js';

/** What started a run: a cron tick, an --every tick, --run-now, or the free-space watch. */
export type RunReason = 'cron' | 'interval' | 'start' | 'low-space';

/** When a run ended and what comes next; handed to `afterRun` (metrics) and the log line. */
export interface RunInfo {
  readonly reason: RunReason;
  readonly startedAt: number;
  readonly endedAt: number;
  /** The next scheduled (cron or interval) run, ms since the epoch; null when none. */
  readonly nextRunAt: number | null;
}

export interface SchedulerOptions {
  /** The cache root: watched for free space and, with `ifChanged`, for its mtime. */
  readonly root: string;
  /** One prune. It takes the lock itself and throws LockHeldError when another holds it. */
  readonly runOnce: (reason: RunReason) => Promise<PruneResult>;
  /** 5 fields (`m h dom mon dow`), or 6 with seconds first; cron's `@daily` presets too. */
  readonly cron?: string;
  /** IANA zone for `cron` (default: the system's local zone). */
  readonly tz?: string;
  /** Run every this many ms, counted from start. */
  readonly every?: number;
  /** One run at start, before the first tick. */
  readonly runNow?: boolean;
  /** Prune at once when the filesystem's available space falls below this. */
  readonly watchFree?: SizeOrPercent;
  /** How often to look at free space (default 30 s). */
  readonly watchIntervalMs?: number;
  /** statfs of the root; injected by tests (default: node:fs statfs). */
  readonly statfs?: (root: string) => Promise<Filesystem | null>;
  /** Skip cron/interval ticks while the root's mtime is unchanged since the last run. */
  readonly ifChanged?: boolean;
  /** stat of the root; injected by tests (default: node:fs stat). */
  readonly statRoot?: (root: string) => Promise<{ mtimeMs: number }>;
  /** After each run that produced a result (e.g. the Prometheus textfile). Errors are logged. */
  readonly afterRun?: (result: PruneResult, info: RunInfo) => Promise<void>;
  readonly log?: Log;
  /** The clock (default Date.now). Cron's next date uses the system clock (fake timers mock both). */
  readonly now?: () => number;
}

export const DEFAULT_WATCH_INTERVAL_MS = 30_000;
