import { Option, type Command } from 'commander';
import { ageArg, countArg, formatOption, notACacheOverrideOption, parser, sizeArg, sizeOrPercentArg, vouchesForTree } from './options.js';
import type { PruneOptions } from '../api/prune.js';
import type { SizeOrPercent } from '../api/common.js';
import { addIndexOptions, indexOptionsFrom, type IndexCliOptions } from './indexOptions.js';
import { interruptedExitCode } from './exitCode.js';
import { addGentooPruneOptions, gentooOptionsFrom, type GentooPruneCliOptions } from './gentooOptions.js';

/** Flags shared by `prune` and `schedule`; every one can also come from CACHECTL_* env vars. */
export interface PruneCliOptions extends IndexCliOptions, GentooPruneCliOptions {
  limit?: number;
  maxEntries?: number;
  minFree?: SizeOrPercent;
  usage: 'disk' | 'apparent';
  order: 'atime' | 'mtime';
  expiredFirst?: boolean;
  keepNewerThan?: number;
  tempMaxAge: number;
  removeEmptyDirs?: boolean;
  nice?: boolean;
  format: 'auto' | 'apache' | 'files';
  waitLock?: number;
  iKnowThisIsACache?: boolean;
}

export function addPruneOptions(cmd: Command): Command {
  addIndexOptions(cmd)
    .addOption(new Option('-l, --limit <size>', 'keep the cache at or below this size (50G, 500M, 1.5G, 50GiB, bytes)').argParser(sizeArg).env('CACHECTL_LIMIT'))
    .addOption(new Option('-L, --max-entries <n>', 'keep at most this many entries').argParser(countArg).env('CACHECTL_MAX_ENTRIES'))
    .addOption(new Option('--min-free <size|pct>', 'keep this much of the filesystem free (20G or 10%)').argParser(sizeOrPercentArg).env('CACHECTL_MIN_FREE'))
    .addOption(new Option('--usage <kind>', 'which size counts: disk (blocks, as du) or apparent (st_size, as htcacheclean)').choices(['disk', 'apparent']).default('disk').env('CACHECTL_USAGE'))
    .addOption(new Option('--order <time>', 'recency: atime (last hit, revalidation or write) or mtime (writes only, for noatime mounts)').choices(['atime', 'mtime']).default('atime').env('CACHECTL_ORDER'))
    .addOption(new Option('--expired-first', "evict expired entries before the LRU pass (htcacheclean's order)").env('CACHECTL_EXPIRED_FIRST'))
    .addOption(new Option('--keep-newer-than <age>', 'never evict entries used or written within AGE (2h, 3d)').argParser(ageArg).env('CACHECTL_KEEP_NEWER_THAN'))
    .addOption(new Option('--temp-max-age <age>', 'temp files left by killed httpd children go after AGE').argParser(ageArg).default(6 * 3600e3, '6h').env('CACHECTL_TEMP_MAX_AGE'))
    .addOption(new Option('-t, --remove-empty-dirs', 'remove directories left empty').env('CACHECTL_REMOVE_EMPTY_DIRS'))
    .addOption(new Option('-n, --nice', 'pause between batches of deletions so a busy server keeps its I/O').env('CACHECTL_NICE'))
    .addOption(new Option('--wait-lock <age>', 'wait up to AGE for another cachectl to finish instead of exiting 3').argParser(ageArg).env('CACHECTL_WAIT_LOCK'))
    .addOption(formatOption())
    .addOption(notACacheOverrideOption());
  return addGentooPruneOptions(cmd);
}

/** CLI values -> core options (the core never sees commander). */
export function pruneOptionsFrom(root: string, o: PruneCliOptions, env: NodeJS.ProcessEnv): PruneOptions {
  return {
    ...indexOptionsFrom(o, env),
    root, limit: o.limit, maxEntries: o.maxEntries, minFree: o.minFree, usage: o.usage, order: o.order,
    expiredFirst: o.expiredFirst, keepNewerThan: o.keepNewerThan, tempMaxAge: o.tempMaxAge,
    removeEmptyDirs: o.removeEmptyDirs, nice: o.nice, format: o.format, waitLock: o.waitLock,
    iKnowThisIsACache: vouchesForTree(o, env),
    protect: o.protect, gentoo: gentooOptionsFrom(o),
  };
}

/** 0 done, 1 some deletions failed, 4 target unreachable (guard), 130/143 interrupted. */
/** The exit status of a prune: an unmet target is never 0 (core/prune/outcome.ts says why). */
export function pruneExitCode(r: { errors: unknown[]; targetMet: boolean; interrupted: boolean }, signalName?: string): number {
  if (r.interrupted) return interruptedExitCode(signalName);
  if (!r.targetMet) return 4;
  if (r.errors.length > 0) return 1;
  return 0;
}

export const positiveInt = parser((s: string) => {
  const v = Number(s);
  if (!Number.isInteger(v) || v < 1) throw new Error(`invalid number '${s}' (expected a whole number >= 1)`);
  return v;
});

/** --html FILE for prune and schedule (a file: their stdout is their own output). */
export const htmlFileOption = (description: string) => new Option('--html <file>', description).env('CACHECTL_HTML_FILE').argParser(parser((v: string) => {
  if (v === '-') throw new Error('--html needs a file here (stdout is the command\'s own output); report --html - writes to stdout');
  return v;
}));
