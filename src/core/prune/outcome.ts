import { formatSize, formatCount } from '../units.js';
import type { Miss, MissReason, PruneResult } from './types.js';

export type { Miss, MissReason };

/** What the outcome is judged on: the result's figures, before the verdict is added. */
/** `errors`: the unlink errors (read errors do not keep a target from being met). */
export type OutcomeInput = Pick<PruneResult, 'dryRun' | 'usage' | 'targets' | 'after' | 'interrupted' | 'skippedChanged' | 'errors' | 'filesystem'> & {
  /** Disk bytes removed (or, in a dry run, that would be). */
  readonly removedDisk: number;
  /** Entries kept only because of --keep-newer-than. */
  readonly guarded: number;
  /** Entries kept only because --protect names them. */
  readonly protectedKept?: number;
  /** Entries written while the scan ran (never victims). */
  readonly changedDuringScan: number;
};

/**
 * The one rule for every front end (prune, schedule, the htcacheclean drop-in): a target
 * is met only if the figures after the run say so, whatever the plan expected; if not,
 * the result says why. Exit 0 with an unmet target is then impossible (cli/exitCode.ts).
 */
export function judgeOutcome(r: OutcomeInput): { targetMet: boolean; miss?: Miss } {
  const short: string[] = [];
  const t = r.targets;
  if (t.limit !== undefined && r.after.bytes > t.limit) {
    short.push(`limit ${formatSize(t.limit)} not met: ${formatSize(r.after.bytes)} left`);
  }
  if (t.maxEntries !== undefined && r.after.entries > t.maxEntries) {
    short.push(`at most ${formatCount(t.maxEntries)} entries not met: ${formatCount(r.after.entries)} left`);
  }
  if (t.minFreeBytes !== undefined && r.filesystem) {
    const free = r.filesystem.available + r.removedDisk;
    if (free < t.minFreeBytes) short.push(`${formatSize(t.minFreeBytes)} free not met: ${formatSize(free)} free`);
  }
  if (short.length === 0 && !r.interrupted) return { targetMet: true };
  const what = short.length ? short.join('; ') : 'target not known to be met';
  const would = r.dryRun ? ' (dry run)' : '';
  const spared = r.changedDuringScan + r.skippedChanged;
  const [reason, why]: [MissReason, string] =
    r.interrupted ? ['interrupted', 'the run was interrupted; run again']
    : r.guarded > 0 ? ['keep-newer-than', `${formatCount(r.guarded)} entries were used within --keep-newer-than and were kept; lower it or raise the limit`]
    : (r.protectedKept ?? 0) > 0 ? ['protected', `${formatCount(r.protectedKept!)} entries match --protect and were kept; protect less or raise the limit`]
    : spared > 0 ? ['changed-during-run', `${formatCount(spared)} entries changed during the run and were spared; run again`]
    : r.errors.length > 0 ? ['delete-errors', `${formatCount(r.errors.length)} files could not be deleted (listed below)`]
    : ['nothing-left-to-evict', 'nothing evictable is left (the rest is files cachectl never deletes: unknown files, directories, young temp files and orphans)'];
  return { targetMet: false, miss: { reason, message: `${what}${would}; ${why}` } };
}
