import { Command, CommanderError } from 'commander';
import type { CliContext } from '../context.js';
import { pruneOptionsFrom } from '../pruneOptions.js';
import { parseFromEnv } from '../envOptions.js';
import { processLockOwner } from '../lockOwner.js';
import { UsageError, requireTarget, formatAge, formatSize } from '../../api/common.js';
import { prune, readLastSuccess, renderPromText, runSucceeded, writePromFile } from '../../api/prune.js';
import { checkCacheRoot, checkCacheShape, resolveRoot } from '../../api/safety.js';
import { Scheduler, lineLog, parseCron, readEnvFile, withoutOffFlags, type LineLog, type SchedulerOptions } from '../../api/schedule.js';
import { prepareRoot, type IndexPlace } from '../rootGuard.js';
import { packageVersion } from '../version.js';
import { checkPathOptions, missingDirError } from '../pathOptions.js';
import { vouchesForTree } from '../options.js';
import { addScheduleOptions, type ScheduleCliOptions, type Settings } from '../scheduleOptions.js';
import { checkRepoOptions } from '../gentooOptions.js';

/** The schedule command's run (loaded only when it runs: schedule.ts registers it). */

/** Flags given on the command line: they keep winning over the environment after SIGHUP. */
function cliValues(c: Command): Record<string, unknown> {
  const keys = c.options.map((o) => o.attributeName()).filter((k) => c.getOptionValueSource(k) === 'cli');
  return Object.fromEntries(keys.map((k) => [k, c.getOptionValue(k)]));
}

/**
 * Parses the options again from the environment plus the config file (which wins over
 * the environment the process was started with), then applies the command-line flags.
 */
async function resolveSettings(ctx: CliContext, fromCli: Record<string, unknown>, cliDir: string | undefined, config: string | undefined): Promise<Settings> {
  const file = config ? await readEnvFile(config) : {};
  const fresh = addScheduleOptions(new Command('schedule')).exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  const flags = fresh.options.filter((o) => o.envVar && !o.required && !o.optional).map((o) => o.envVar!);
  const env = withoutOffFlags({ ...ctx.env, ...file }, flags);
  try {
    parseFromEnv(fresh, env);
  } catch (e) {
    throw new UsageError(e instanceof CommanderError ? e.message.replace(/^error: /, '') : String(e));
  }
  const o = { ...fresh.opts(), ...fromCli } as ScheduleCliOptions;
  const dir = cliDir ?? env.CACHECTL_PATH;
  if (!dir) throw missingDirError('schedule', o, 'argument or CACHECTL_PATH');
  if (o.cron === undefined && o.every === undefined && o.watchFree === undefined) {
    throw new UsageError('schedule needs --cron EXPR, --every AGE or --watch-free SIZE|PCT% (for a single run use cachectl prune)');
  }
  // A free-space watch alone has its target (the watched free space); timed runs need one.
  if (o.cron !== undefined || o.every !== undefined) requireTarget(o, 'scheduled runs need');
  await checkRepoOptions(o);
  await resolveRoot(dir);
  return { dir, o, env };
}

/** Last-success time for the textfile, carried over runs (and over restarts, from the file). */
interface Metrics { lastSuccess: number | null }

function schedulerOptions(ctx: CliContext, s: Settings, log: LineLog, metrics: Metrics): SchedulerOptions {
  const { o, dir, env } = s;
  const { promFile, html } = o;
  const index = pruneOptionsFrom(dir, o, env);
  return {
    root: dir, cron: o.cron, tz: o.tz, every: o.every, runNow: o.runNow, ifChanged: o.ifChanged,
    watchFree: o.watchFree, watchIntervalMs: o.watchInterval, log,
    // A low-space run must free space even when the cache is within --limit.
    runOnce: (reason) => prune({
      ...pruneOptionsFrom(dir, o, env), minFree: reason === 'low-space' ? (o.minFree ?? o.watchFree) : o.minFree,
      signal: ctx.signal, log, lockOwner: processLockOwner,
    }),
    afterRun: promFile || html ? async (r, info) => {
      if (promFile) {
        await writePromFile(promFile, renderPromText(r, { now: info.endedAt, previousSuccess: metrics.lastSuccess }));
        if (runSucceeded(r)) metrics.lastSuccess = info.endedAt;
      }
      if (html && !r.interrupted) {
        const { writePageAfterRun } = await import('../../api/html.js');
        await writePageAfterRun({
          file: html, root: r.root, format: r.format, stateDir: index.stateDir, accessLogs: index.accessLogs, logFormat: index.logFormat,
          limit: o.limit, signal: ctx.signal, log, generator: `cachectl ${packageVersion()}`,
        });
      }
    } : undefined,
  };
}

function summary(s: Settings): Record<string, unknown> {
  const { o } = s;
  const next = o.cron === undefined ? null : new Date(parseCron(o.cron, o.tz).next()).toISOString();
  return {
    dir: s.dir, cron: o.cron ?? null, tz: o.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone, nextCron: next,
    everyMs: o.every ?? null, runNow: o.runNow ?? false, watchFree: o.watchFree ?? null, watchIntervalMs: o.watchInterval,
    ifChanged: o.ifChanged ?? false, promFile: o.promFile ?? null, html: o.html ?? null, config: o.config ?? null, logFormat: o.logFormat,
    prune: pruneOptionsFrom(s.dir, o, s.env),
  };
}

export async function runSchedule(ctx: CliContext, c: Command, cliDir: string | undefined): Promise<void> {
  const fromCli = cliValues(c);
  const config = c.getOptionValue('config') as string | undefined;
  let settings = await resolveSettings(ctx, fromCli, cliDir, config);
  const startStateDir = settings.o.stateDir;
  // The paths the options name, before the first run instead of after it (--check too).
  await checkPathOptions(settings.o, 'shape');
  const log = lineLog((line) => ctx.err(line), { format: settings.o.logFormat });
  // The settings are judged before the directory (a bad cron expression is reported as such,
  // whatever DIR is): the constructor validates them and has no other effect.
  new Scheduler(schedulerOptions(ctx, settings, log, { lastSuccess: null }));
  // Once, for the life of the process: a SIGHUP cannot regain root (it is gone).
  const use = { format: settings.o.format, changes: true, iKnowThisIsACache: vouchesForTree(settings.o, settings.env) };
  /** Where the guard put the index (STATE/uid-N as root): kept over reloads, which cannot redo it. */
  let place: IndexPlace = {};
  if (!settings.o.check) {
    const prepared = await prepareRoot(ctx, settings.dir, settings.o, use, (m) => log.info(m, { event: 'privileges' }));
    place = prepared.place;
    settings = { ...settings, dir: prepared.root, o: prepared.o };
    await checkPathOptions(settings.o, 'access');
  } else {
    // --check judges the directory as a run would, without changing privileges.
    const root = await resolveRoot(settings.dir);
    await checkCacheRoot(root);
    await checkCacheShape(root, use);
  }
  const metrics: Metrics = { lastSuccess: settings.o.promFile ? await readLastSuccess(settings.o.promFile) : null };
  const scheduler = new Scheduler(schedulerOptions(ctx, settings, log, metrics));
  if (settings.o.check) {
    ctx.out(JSON.stringify(summary(settings), null, 2) + '\n');
    return;
  }

  // SIGHUP: systemd's ExecReload and OpenRC's reload. A bad new setting keeps the old ones.
  const onHup = () => {
    void resolveSettings(ctx, fromCli, cliDir, config).then(async (loaded) => {
      // The root guard ran (and root was given up) for this directory only: a new one needs a restart.
      const dir = await resolveRoot(loaded.dir);
      await checkPathOptions(loaded.o, 'shape');
      if (dir !== settings.dir) throw new UsageError(`the cache directory changed to ${loaded.dir}: restart to switch caches`);
      // The guard's index place holds while the state dir setting is the one it was made from.
      const o = loaded.o.stateDir === startStateDir && loaded.o.index !== false ? { ...loaded.o, ...place } : loaded.o;
      await checkPathOptions(o, 'access');
      const next = { ...loaded, dir, o };
      scheduler.reconfigure(schedulerOptions(ctx, next, log, metrics));
      settings = next;
      log.format = next.o.logFormat;
      const from = config ? `the environment and ${config}` : 'the environment';
      log.info(`SIGHUP: re-read the options from ${from}; next run ${iso(scheduler.nextRunAt())}`, { event: 'reload', ...summary(next) });
    }).catch((e: unknown) => {
      log.warn(`SIGHUP: keeping the current options: ${e instanceof Error ? e.message : String(e)}`, { event: 'reload-failed' });
    });
  };
  process.on('SIGHUP', onHup);
  try {
    const stopped = new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    scheduler.start();
    log.info(`scheduler started on ${settings.dir}: ${triggers(settings.o)}; next run ${iso(scheduler.nextRunAt())}`, { event: 'start', pid: process.pid, ...summary(settings) });
    await stopped;
    log.info(`${ctx.signalName ?? 'stop'}: finishing the current run, then exiting`, { event: 'stopping', running: scheduler.running });
    await scheduler.stop();
    log.info('scheduler stopped', { event: 'stopped' });
  } finally {
    process.off('SIGHUP', onHup);
  }
  // Being stopped is how a resident scheduler ends: a success for systemd and OpenRC.
  ctx.exitCode = 0;
}

function triggers(o: ScheduleCliOptions): string {
  const t: string[] = [];
  if (o.cron !== undefined) t.push(`cron "${o.cron}" (${o.tz ?? 'local time'})`);
  if (o.every !== undefined) t.push(`every ${formatAge(o.every)}`);
  if (o.watchFree) t.push(`when free space < ${'percent' in o.watchFree ? `${o.watchFree.percent}%` : formatSize(o.watchFree.bytes)} (checked every ${formatAge(o.watchInterval)})`);
  if (o.ifChanged) t.push('only if the cache changed');
  return t.join(', ');
}

function iso(ms: number | null): string {
  return ms === null ? 'none scheduled (watching free space)' : new Date(ms).toISOString();
}
