import { pickNative } from '../scan/scan.js';
import { resolveRoot } from '../scan/root.js';
import { scanWithIndex, type IndexInfo } from '../index/indexedScan.js';
import type { Snapshot } from '../scan/scan.js';
import { lastUse } from '../table/recency.js';
import { Kind } from '../table/table.js';
import { filesystemOf } from '../report.js';
import { acquireLock, type Lock, type LockOwner } from '../lock.js';
import { noopLog } from '../log.js';
import { buildPlan, unitSize } from './plan.js';
import { evict } from './evict.js';
import { EVICT_REASONS, type EvictReason, type PruneOptions, type PruneResult, type ReasonTally, type Victim } from './types.js';
import { requireTarget } from './target.js';
import { UsageError } from '../errors.js';
import { judgeOutcome } from './outcome.js';
import { checkCacheShape } from '../safety/cacheShape.js';
import { journalEvictions } from './ghostJournal.js';
import { recordRun } from '../runLog/runLog.js';
import { loadManifests, type ManifestSet } from '../gentoo/loadManifests.js';
import { prunePasses } from '../gentoo/prunePasses.js';

export const DEFAULT_TEMP_MAX_AGE = 6 * 3600e3;
export const DEFAULT_ORPHAN_MIN_AGE = 3600e3;

const REASONS = EVICT_REASONS;
/** Reasons whose units are not entries (dead weight): counted as units. */
const DEAD_WEIGHT: ReadonlySet<EvictReason> = new Set(['temp', 'orphan', 'unusable']);

/**
 * One prune run: lock -> scan -> plan -> evict -> summary. The dry run takes the same
 * path and skips only the unlinks (evict.ts), so its plan is what a real run does.
 */
export async function prune(o: PruneOptions & { lockOwner?: LockOwner }): Promise<PruneResult> {
  requireTarget(o);
  const log = o.log ?? noopLog;
  const t0 = Date.now();
  const root = await resolveRoot(o.root);
  // Before the lock: a tree that is refused must not even get a lock file.
  const format = await checkCacheShape(root, { format: o.format, changes: true, iKnowThisIsACache: o.iKnowThisIsACache });
  // Before the lock and the scan too: a repository that is not one is a usage error.
  const manifests = o.gentoo?.repos.length ? await loadManifests({ repos: o.gentoo.repos, stateDir: o.stateDir, log }) : undefined;
  let lock: Lock | undefined;
  if (o.lock !== false && !o.dryRun) {
    if (!o.lockOwner) throw new Error('prune: lockOwner is required when locking');
    lock = await acquireLock(root, o.lockOwner, { waitMs: o.waitLock, signal: o.signal });
  }
  try {
    return await run({ ...o, root, format }, t0, log, manifests);
  } finally {
    await lock?.release();
  }
}

async function run(o: PruneOptions, t0: number, log: NonNullable<PruneOptions['log']>, manifests: ManifestSet | undefined): Promise<PruneResult> {
  const { snapshot: snap, commit } = await scanWithIndex({
    root: o.root, format: o.format, signal: o.signal, onProgress: o.onProgress, now: o.now, log, walker: o.walker,
    stateDir: o.stateDir, full: o.full, accessLogs: o.accessLogs, logFormat: o.logFormat,
  });
  const scanMs = Date.now() - t0;
  // The index is saved while the plan is made and its victims re-checked (native threads):
  // a first run then costs little more than one without an index.
  const saved = commit();
  try {
    return await planAndEvict(o, snap, saved, t0, scanMs, log, manifests);
  } finally {
    await saved;
  }
}

/** Plan, evict (or re-check only, in a dry run) and sum up; `saved`: the index being saved meanwhile. */
async function planAndEvict(
  o: PruneOptions, snap: Snapshot, saved: Promise<IndexInfo>, t0: number, scanMs: number,
  log: NonNullable<PruneOptions['log']>, manifests: ManifestSet | undefined,
): Promise<PruneResult> {
  const usage = o.usage ?? 'disk';
  const now = o.now ?? Date.now();
  const t = snap.table;
  const round = o.round ?? 0;

  // What the cache weighs: every file we account for (entries, indexes, dead weight),
  // plus, for disk usage, what du also counts (directories, files we never touch).
  let bytes = usage === 'disk' ? snap.dirDisk + snap.foreign.disk : snap.foreign.bytes;
  let entries = 0;
  for (let i = 0; i < t.length; i++) {
    bytes += unitSize(snap, i, usage, round);
    if (t.kind[i] === Kind.Entry) entries++;
  }
  const fs = await filesystemOf(snap.root);
  let minFreeBytes: number | undefined;
  if (o.minFree) {
    if (!fs) throw new UsageError(`--min-free needs statfs, which failed on ${snap.root}`);
    minFreeBytes = 'percent' in o.minFree ? Math.ceil((o.minFree.percent / 100) * fs.size) : o.minFree.bytes;
  }
  const native = pickNative(o.walker);
  const passes = prunePasses(snap, { manifests, gentoo: o.gentoo, protect: o.protect, now, order: o.order ?? 'atime', usage, round });
  const plan = buildPlan(snap, {
    classes: passes.classes, protect: passes.protect, evictRetired: passes.evictRetired,
    usage, order: o.order ?? 'atime', now, round,
    needBytes: o.limit === undefined ? 0 : Math.max(0, bytes - o.limit),
    needEntries: o.maxEntries === undefined ? 0 : Math.max(0, entries - o.maxEntries),
    needFree: minFreeBytes === undefined || !fs ? 0 : Math.max(0, minFreeBytes - fs.available),
    expiredFirst: o.expiredFirst ?? false,
    keepNewerThan: o.keepNewerThan ?? 0,
    tempMaxAge: o.tempMaxAge ?? DEFAULT_TEMP_MAX_AGE,
    orphanMinAge: o.orphanMinAge ?? DEFAULT_ORPHAN_MIN_AGE,
  });
  log.debug?.(`plan: ${plan.steps.length} units, target ${plan.met ? 'reachable' : 'not reachable'}`);

  const firstDeletionMs = Date.now() - t0;
  const done = snap.interrupted
    ? { done: [], files: 0, alreadyGone: 0, skippedChanged: 0, emptyDirsRemoved: 0, errors: [], interrupted: true }
    : await evict(snap, plan.steps, {
      dryRun: o.dryRun ?? false, nice: o.nice ?? false, removeEmptyDirs: o.removeEmptyDirs ?? false, signal: o.signal,
      native,
    });
  const evictMs = Date.now() - t0 - firstDeletionMs;

  // One count for every figure: an LRU step that takes a vary index along adds its bytes,
  // not an entry, so before - after = the entries by reason.
  const byReason = Object.fromEntries(REASONS.map((r) => [r, { entries: 0, bytes: 0 }])) as Record<EvictReason, ReasonTally>;
  let removedBytes = 0, removedEntries = 0, removedDisk = 0;
  const removed = new Uint8Array(t.length);
  for (const s of done.done) {
    const entry = t.kind[s.row] === Kind.Entry;
    if (entry || DEAD_WEIGHT.has(s.reason)) byReason[s.reason].entries++;
    byReason[s.reason].bytes += s.bytes;
    removedBytes += s.bytes;
    removedDisk += s.diskBytes;
    removed[s.row] = 1;
    if (entry) removedEntries++;
  }
  // The tail is measured on what stays, not on what the plan meant to leave: an
  // interrupted run keeps victims the plan counted as gone.
  let tail: number | null = null;
  for (let i = 0; !snap.interrupted && i < t.length; i++) {
    if (t.kind[i] !== Kind.Entry || removed[i]) continue;
    const u = lastUse(t, i, o.order ?? 'atime');
    if (tail === null || u < tail) tail = u;
  }
  const victims = plan.steps.map((s): Victim => {
    const files = t.files(s.row);
    return { url: t.key.get(s.row) || files[0], files, bytes: s.bytes, reason: s.reason, lastAccess: lastUse(t, s.row, o.order ?? 'atime') };
  });
  const after = { bytes: bytes - removedBytes, entries: entries - removedEntries };
  if (!o.dryRun) await journalEvictions(o.stateDir, snap, done.done, now, log);
  const interrupted = done.interrupted || snap.interrupted;
  const targets = { limit: o.limit, maxEntries: o.maxEntries, minFree: o.minFree, minFreeBytes };
  const outcome = judgeOutcome({
    dryRun: o.dryRun ?? false, usage, targets, after, interrupted, skippedChanged: done.skippedChanged, errors: done.errors, filesystem: fs,
    removedDisk, guarded: plan.guarded, protectedKept: plan.protectedKept, changedDuringScan: plan.changedDuringScan,
  });
  const index = await saved;
  const result: PruneResult = {
    root: snap.root, format: snap.format, dryRun: o.dryRun ?? false, usage,
    targets, before: { bytes, entries }, after, plan: victims,
    removed: { entries: removedEntries, bytes: removedBytes, files: done.files, byReason },
    tailAgeMs: tail === null ? null : Math.max(0, now - tail),
    targetMet: outcome.targetMet,
    miss: outcome.miss,
    blockedByGuard: outcome.miss?.reason === 'keep-newer-than',
    alreadyGone: done.alreadyGone, skippedChanged: done.skippedChanged, emptyDirsRemoved: done.emptyDirsRemoved,
    errors: [...snap.errors, ...done.errors],
    interrupted,
    filesystem: fs, scanMs, firstDeletionMs, evictMs, durationMs: Date.now() - t0, index,
    ...(passes.protected ? { protected: passes.protected } : {}),
    ...(passes.gentoo ? { gentoo: passes.gentoo } : {}),
  };
  // The history a report plots (core/runLog): one record per real run.
  await recordRun(o.stateDir, result, now, log);
  return result;
}
