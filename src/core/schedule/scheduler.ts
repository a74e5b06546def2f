import { stat } from 'node:fs/promises';
import { LockHeldError, UsageError } from '../errors.js';
import { noopLog, type Log } from '../log.js';
import type { PruneResult } from '../prune/types.js';
import { filesystemOf } from '../report.js';
import { parseCron, type CronSchedule } from './cron.js';
import { LowSpaceLatch } from './lowSpace.js';
import { logRun } from './runLine.js';
import { makeSlots, type Slot } from './slots.js';
import { DEFAULT_WATCH_INTERVAL_MS, type RunReason, type SchedulerOptions } from './types.js';

/**
 * Timers sleep at most this long, then look at the wall clock again: Node's timers run
 * on the monotonic clock, which stops while the machine is suspended and ignores clock
 * changes, so one long timeout could fire a daily cron run hours late.
 */
const MAX_SLEEP_MS = 60_000;

/**
 * Runs prunes on a cron schedule, an interval, at start and when free space runs low.
 * Runs never overlap: a trigger that arrives during a run is logged and dropped, not
 * queued. Errors in a run are logged and the schedule goes on. `stop()` waits for the
 * current run (the caller's AbortSignal makes prune stop between deletions).
 */
export class Scheduler {
  private o!: SchedulerOptions;
  private cron?: CronSchedule;
  private slots: Slot[] = [];
  private watchTimer?: NodeJS.Timeout;
  /** Bumped on disarm, so a free-space check still in flight does not re-arm old timers. */
  private generation = 0;
  private current: Promise<void> | null = null;
  private lastMtime: number | undefined;
  private lowSpace = new LowSpaceLatch();
  private statfsFailed = false;
  private started = false;
  private stopped = false;

  constructor(o: SchedulerOptions) {
    this.configure(o);
  }

  /** Arms the timers; with `runNow`, starts a run at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.arm();
    if (this.o.runNow) void this.fire('start');
  }

  /** New options (SIGHUP). Validates first and throws UsageError, keeping the old ones. */
  reconfigure(o: SchedulerOptions): void {
    const oldRoot = this.o.root;
    this.disarm();
    try {
      this.configure(o);
    } finally {
      if (this.started && !this.stopped) this.arm();
    }
    if (o.root !== oldRoot) this.lastMtime = undefined;
  }

  /** No more triggers; resolves when the current run (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.disarm();
    await this.current;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** The next cron or interval run (ms since the epoch), or null. */
  nextRunAt(): number | null {
    const next = this.slots.map((s) => s.at);
    return next.length ? Math.min(...next) : null;
  }

  private configure(o: SchedulerOptions): void {
    const cron = o.cron !== undefined ? parseCron(o.cron, o.tz) : undefined;
    if (o.every !== undefined && !(o.every >= 1000)) throw new UsageError(`--every must be at least 1s`);
    if (o.watchIntervalMs !== undefined && !(o.watchIntervalMs >= 100)) throw new UsageError(`--watch-interval must be at least 100ms`);
    this.o = o;
    this.cron = cron;
  }

  private get log(): Log {
    return this.o.log ?? noopLog;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private arm(): void {
    this.slots = makeSlots(this.cron, this.o.every, this.now());
    for (const s of this.slots) this.armSlot(s);
    if (this.o.watchFree) this.armWatch(this.generation);
  }

  private disarm(): void {
    this.generation++;
    for (const s of this.slots) clearTimeout(s.timer);
    this.slots = [];
    clearTimeout(this.watchTimer);
  }

  private armSlot(s: Slot): void {
    const wait = Math.min(MAX_SLEEP_MS, Math.max(0, s.at - this.now()));
    s.timer = setTimeout(() => {
      const now = this.now();
      if (now < s.at) return this.armSlot(s); // not yet: a chunk of a long sleep
      s.at = s.after(now);
      this.armSlot(s);
      void this.fire(s.reason);
    }, wait);
  }

  private armWatch(gen: number): void {
    this.watchTimer = setTimeout(() => {
      void this.checkSpace().finally(() => {
        if (gen === this.generation && !this.stopped) this.armWatch(gen);
      });
    }, this.o.watchIntervalMs ?? DEFAULT_WATCH_INTERVAL_MS);
  }

  /** One statfs: cheap enough to do every 30 s, unlike a scan. */
  private async checkSpace(): Promise<void> {
    const { watchFree, root } = this.o;
    if (!watchFree || this.stopped) return;
    const fs = await (this.o.statfs ?? filesystemOf)(root).catch(() => null);
    if (!fs && !this.statfsFailed) this.log.warn(`statfs failed on ${root}: --watch-free cannot see free space`, { event: 'error' });
    this.statfsFailed = !fs;
    if (fs && this.lowSpace.check(fs, watchFree, this.running, this.log)) void this.fire('low-space');
  }

  private fire(reason: RunReason): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.current) {
      this.log.info(`${reason} tick skipped: the previous run is still going`, { event: 'skip', reason, why: 'overlap' });
      return Promise.resolve();
    }
    const run = this.runGuarded(reason).finally(() => {
      this.current = null;
    });
    this.current = run;
    return run;
  }

  private async runGuarded(reason: RunReason): Promise<void> {
    const { root, ifChanged } = this.o;
    if (ifChanged && (reason === 'cron' || reason === 'interval')) {
      const mtime = await this.rootMtime();
      if (mtime !== undefined && mtime === this.lastMtime) {
        this.log.info(`${reason} tick skipped: ${root} unchanged since the last run`, { event: 'skip', reason, why: 'unchanged' });
        return;
      }
    }
    const startedAt = this.now();
    let result: PruneResult | undefined;
    try {
      result = await this.o.runOnce(reason);
    } catch (e) {
      if (e instanceof LockHeldError) {
        this.log.info(`${reason} run skipped: another cachectl (pid ${e.pid}) is pruning ${root}`, { event: 'skip', reason, why: 'locked', pid: e.pid });
      } else {
        const error = e instanceof Error ? e.message : String(e);
        this.log.warn(`${reason} run failed: ${error}`, { event: 'error', reason, error });
      }
      if (reason === 'low-space') this.lowSpace.rearm();
      this.lastMtime = undefined; // try again at the next tick
      return;
    }
    const info = { reason, startedAt, endedAt: this.now(), nextRunAt: this.nextRunAt() };
    logRun(this.log, result, info);
    try {
      await this.o.afterRun?.(result, info);
    } catch (e) {
      this.log.warn(`after the run: ${e instanceof Error ? e.message : String(e)}`, { event: 'error', reason });
    }
    // Our own lock file and deletions bumped the root's mtime: remember it as of now,
    // so only httpd's next store triggers the next run.
    if (ifChanged) this.lastMtime = await this.rootMtime();
  }

  private async rootMtime(): Promise<number | undefined> {
    try {
      return (await (this.o.statRoot ?? stat)(this.o.root)).mtimeMs;
    } catch {
      return undefined;
    }
  }
}
