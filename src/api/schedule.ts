/** Prune on a schedule: cron expressions, intervals and low free space, in one process. */

/** Runs prunes at cron slots, intervals or when free space falls, never two at once; `stop()` waits for the current run. */
export { Scheduler } from '../core/schedule/scheduler.js';
export type { SchedulerOptions, RunInfo, RunReason } from '../core/schedule/types.js';
/** Validates and compiles a cron expression (a bad one is a UsageError at start, not at 3 a.m.). */
export { parseCron, type CronSchedule } from '../core/schedule/cron.js';
/** Reads a KEY=value settings file (e.g. /etc/default/cachectl); `withoutOffFlags` drops flags set to no/0/off. */
export { readEnvFile, withoutOffFlags } from '../core/schedule/envFile.js';
/** A Log that writes one line per message, as text or JSON. */
export { lineLog, type LineLog, type LogFormat } from '../core/schedule/lineLog.js';
