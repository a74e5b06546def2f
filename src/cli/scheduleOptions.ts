import { Option, type Command } from 'commander';
import { ageArg, sizeOrPercentArg } from './options.js';
import { addPruneOptions, htmlFileOption, type PruneCliOptions } from './pruneOptions.js';
import type { LogFormat } from '../api/schedule.js';
import type { SizeOrPercent } from '../api/common.js';
import { dropPrivilegesOption } from './rootGuard.js';

/** The schedule command's options: shared by its registration (commands/schedule.ts) and its run (commands/scheduleRun.ts). */
export interface ScheduleCliOptions extends PruneCliOptions {
  cron?: string; every?: number; tz?: string; runNow?: boolean; watchFree?: SizeOrPercent; watchInterval: number;
  ifChanged?: boolean; logFormat: LogFormat; promFile?: string; html?: string; config?: string; check?: boolean;
}

/** The settings in force, and the environment they came from: re-resolved on SIGHUP. */
export interface Settings { readonly dir: string; readonly o: ScheduleCliOptions; readonly env: NodeJS.ProcessEnv }

export function addScheduleOptions(cmd: Command): Command {
  return addPruneOptions(cmd)
    .addOption(new Option('--cron <expr>', 'cron expression: 5 fields, or 6 with seconds first ("0 3 * * *")').env('CACHECTL_CRON'))
    .addOption(new Option('--every <age>', 'run at this interval (30m, 2h), counted from start').argParser(ageArg).env('CACHECTL_EVERY'))
    .addOption(new Option('--tz <zone>', 'IANA time zone for --cron (default: local)').env('CACHECTL_TZ'))
    .addOption(new Option('--run-now', 'also run once at start').env('CACHECTL_RUN_NOW'))
    .addOption(new Option('--watch-free <size|pct>', 'between runs, prune at once when free space falls below this (20G, 10%)').argParser(sizeOrPercentArg).env('CACHECTL_WATCH_FREE'))
    .addOption(new Option('--watch-interval <age>', 'how often --watch-free looks (one statfs)').argParser(ageArg).default(30_000, '30s').env('CACHECTL_WATCH_INTERVAL'))
    .addOption(new Option('--if-changed', "skip a tick when the cache root's mtime is unchanged since the last run (htcacheclean -i)").env('CACHECTL_IF_CHANGED'))
    .addOption(new Option('--log-format <format>', 'log lines on stderr').choices(['text', 'json']).default('text').env('CACHECTL_LOG_FORMAT'))
    .addOption(new Option('--prom-file <path>', 'after each run, write node_exporter textfile metrics here (atomically)').env('CACHECTL_PROM_FILE'))
    .addOption(htmlFileOption('after each run, write the HTML report (as report --html) here (atomically)'))
    .addOption(new Option('--config <file>', 'KEY=VALUE file of CACHECTL_* settings, read at start and on SIGHUP (-FILE: may be missing)').env('CACHECTL_CONFIG'))
    .addOption(new Option('--check', 'check the settings, print them as JSON on stdout and exit'))
    .addOption(dropPrivilegesOption());
}

