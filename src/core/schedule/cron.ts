// A static import, still loaded only by `schedule`: the cron package (and the luxon it
// pulls in) is slow to load, and this module is reached only through the schedule
// command's dynamic import of scheduleRun.js, so report and prune, run daily from cron
// themselves, do not pay for it. (Not createRequire: the bundle must see the import.)
import cronLib, { type CronTime } from 'cron';
import { UsageError } from '../errors.js';

/** A parsed cron expression: `next()` is the first matching time strictly after now. */
export interface CronSchedule {
  readonly expression: string;
  readonly tz?: string;
  next(): number;
}

const FIELDS_HINT = 'expected 5 fields "minute hour day month weekday", or 6 with seconds first, e.g. "0 3 * * *"';

/** Throws UsageError for an unknown IANA zone (Intl knows the same zones luxon does). */
export function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new UsageError(`unknown time zone '${tz}' (expected an IANA name, e.g. Europe/Berlin or UTC)`);
  }
}

/**
 * Validates and compiles a cron expression. A bad expression is the user's mistake at
 * start (exit 2), never a crash at 3 a.m.: so we also compute the first date, which
 * catches expressions that parse but never match (`0 0 31 2 *`).
 */
export function parseCron(expression: string, tz?: string): CronSchedule {
  const expr = expression.trim();
  if (tz !== undefined) checkTimeZone(tz);
  const v = cronLib.validateCronExpression(expr);
  if (!v.valid) throw new UsageError(`invalid cron expression '${expression}': ${message(v.error)} (${FIELDS_HINT})`);
  let time: CronTime;
  try {
    time = new (cronLib.CronTime)(expr, tz ?? null);
    time.sendAt();
  } catch (e) {
    throw new UsageError(`cron expression '${expression}' never matches: ${message(e).split('\n')[0]}`);
  }
  return { expression: expr, tz, next: () => time.sendAt().toMillis() };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
