import { scan } from '../scan/scan.js';
import { prune } from '../prune/prune.js';
import type { PruneResult } from '../prune/types.js';
import { removeEmptyDirs } from '../delete/emptyDirs.js';
import type { LockOwner } from '../lock.js';
import { htcAccounting, type HtcAccounting } from './accounting.js';

/** htcacheclean's options, as a cleaning run needs them (the CLI's -p, -l, -L, -R, -n, -t, -r, -D, -v). */
export interface HtcCleanOptions {
  /** Real path of the cache root. */
  readonly root: string;
  /** -l in bytes: 0 = none, negative = "always over" (htcacheclean deletes everything). */
  readonly limit: number;
  /** -L in inodes, same conventions. */
  readonly inodes: number;
  readonly round: number;
  readonly dryRun: boolean;
  readonly nice: boolean;
  readonly removeEmptyDirs: boolean;
  readonly verbose: boolean;
  readonly realclean: boolean;
  readonly iKnowThisIsACache?: boolean;
  readonly lockOwner: LockOwner;
  readonly signal?: AbortSignal;
}

export interface CleanOutcome {
  readonly result: PruneResult;
  /** Empty directories removed by the -t sweep. */
  readonly swept: number;
  /** The figures of the -v block, when asked for. */
  readonly stats?: HtcStats;
}

/**
 * One htcacheclean cleaning run, done by cachectl's prune: LRU by last access, dead
 * weight (old orphans, unusable entries, temp files older than the temp age) first,
 * sizes counted as htcacheclean does (st_size, each file rounded up by -R).
 *
 * `-L` (inodes) has no direct counterpart: prune counts entries. It is converted with
 * the cache's own ratio of files per entry, treating directories and other files as
 * fixed, so an inode limit is met up to the directories that -t removes afterwards.
 *
 * `-v` and `-L` need htcacheclean's own figures, so they cost one more scan before the
 * prune (which scans again, under the lock).
 */
export async function cleanOnce(o: HtcCleanOptions): Promise<CleanOutcome> {
  const signal = o.signal;
  let acct: HtcAccounting | undefined;
  if (o.verbose || o.inodes !== 0) {
    const snap = await scan({ root: o.root, format: 'apache', signal });
    acct = htcAccounting(snap, { now: snap.startedAt, round: o.round, realclean: o.realclean });
  }
  const result = await prune({
    root: o.root, format: 'apache', usage: 'apparent', round: o.round,
    // 0 = no limit; a negative limit means "always over", as in htcacheclean.
    limit: o.limit !== 0 ? o.limit : undefined,
    maxEntries: o.inodes !== 0 && acct ? entryTarget(acct, o.inodes) : undefined,
    dryRun: o.dryRun, removeEmptyDirs: o.removeEmptyDirs, nice: o.nice,
    // -r: httpd is stopped, so lone files of any age are dead. Temp files keep their age guard.
    orphanMinAge: o.realclean ? 0 : undefined,
    lockOwner: o.lockOwner, signal, iKnowThisIsACache: o.iKnowThisIsACache,
  });
  let swept = 0;
  if (o.removeEmptyDirs && !o.dryRun && !result.interrupted) swept = (await removeEmptyDirs(result.root, signal)).removed;
  const stats = o.verbose && acct && !result.interrupted ? statsAfter(o, acct, result, swept) : undefined;
  return { result, swept, stats };
}

/** -L inodes -> the entry count prune should keep (see cleanOnce). */
export function entryTarget(a: HtcAccounting, inodes: number): number {
  if (inodes < 0) return 0;
  if (a.inodes <= inodes) return Number.MAX_SAFE_INTEGER;
  const perEntry = a.entries > 0 ? a.entryFiles / a.entries : 2;
  const drop = Math.ceil((a.inodes - inodes) / perEntry);
  return Math.max(0, a.servable - drop);
}

/**
 * "was" figures are htcacheclean's (accounting.ts); "now" figures are what is left
 * after our run: the victims' share of the htcacheclean sizes, and every file and
 * directory we removed. Victims skipped at unlink time (changed since the scan) are
 * counted as gone; that is rare and only ever makes "now" slightly low.
 */
function statsAfter(o: HtcCleanOptions, a: HtcAccounting, r: PruneResult, swept: number): HtcStats {
  let sizeNow = a.size, entriesNow = a.entries, expired = 0;
  for (const v of r.plan) {
    for (const f of v.files) {
      const s = a.sizeOf.get(f);
      if (!s) continue;
      sizeNow -= s.bytes;
      if (!s.entry) continue;
      entriesNow--;
      if (v.reason === 'expired') expired++;
    }
  }
  return {
    root: r.root, limit: o.limit, inodesLimit: o.inodes,
    unsolicited: r.removed.byReason.orphan.bytes + r.removed.byReason.temp.bytes + r.removed.byReason.unusable.bytes,
    sizeWas: a.size, sizeNow, inodesWas: a.inodes,
    inodesNow: a.allNodes - r.removed.files - r.emptyDirsRemoved - swept,
    estimated: o.dryRun && o.removeEmptyDirs,
    entriesWas: a.entries, entriesNow, expired,
  };
}

export interface HtcStats {
  root: string;
  limit: number;
  inodesLimit: number;
  unsolicited: number;
  sizeWas: number;
  sizeNow: number;
  inodesWas: number;
  inodesNow: number;
  estimated: boolean;
  entriesWas: number;
  entriesNow: number;
  expired: number;
}

