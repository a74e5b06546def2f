import type { Snapshot } from '../scan/scan.js';
import { Flag, Kind } from '../table/table.js';
import { lastUse, type RecencyOrder } from '../table/recency.js';
import type { EvictReason } from './types.js';
import { LruQueue } from './lruQueue.js';
import { DistClass } from '../gentoo/types.js';

/** How far past the scan a time may lie before it counts as dated in the future (clock steps, slow hits). */
export const FUTURE_SLACK_MS = 60e3;

export interface PlanInput {
  readonly usage: 'disk' | 'apparent';
  readonly order: RecencyOrder;
  readonly now: number;
  /** Bytes (in `usage` units) the cache must lose; 0 = no size pressure. */
  readonly needBytes: number;
  readonly needEntries: number;
  /** Disk bytes that must be freed on the filesystem. */
  readonly needFree: number;
  readonly expiredFirst: boolean;
  readonly keepNewerThan: number;
  readonly tempMaxAge: number;
  readonly orphanMinAge: number;
  /** Round each file up to this many bytes (htcacheclean -R); 0/1 = off. */
  readonly round: number;
  /** Per row, its DistClass (core/gentoo/judge.ts): mismatch goes with the dead weight, retired before the LRU pass. */
  readonly classes?: Uint8Array;
  /** Per row, 1 = protected (--protect, protect.ts): never a victim. */
  readonly protect?: Uint8Array;
  /** Every retired entry goes, not only while a target is missed. */
  readonly evictRetired?: boolean;
}

export interface PlanStep { readonly row: number; readonly reason: EvictReason; readonly bytes: number; readonly diskBytes: number }

export interface Plan {
  readonly steps: PlanStep[];
  readonly met: boolean;
  /** Entries kept only because of --keep-newer-than while the target was missed. */
  readonly guarded: number;
  /** Protected entries (--protect) while the target was missed. */
  readonly protectedKept: number;
  /** Entries written or revalidated after the scan started: never victims. */
  readonly changedDuringScan: number;
  /** Last use of the least recently used entry that stays, or null. */
  readonly tailLastUse: number | null;
}

/** Size of one unit in the chosen accounting, each file rounded up separately. */
export function unitSize(s: Snapshot, i: number, usage: 'disk' | 'apparent', round: number): number {
  const t = s.table;
  if (usage === 'disk' || round <= 1) return t.size(i, usage);
  const up = (n: number) => (n > 0 ? Math.ceil(n / round) * round : 0);
  return up(t.f64.hdrSize[i]) + up(t.f64.dataSize[i]);
}

/** `dir/X.header.vary/...` -> the row of the vary index `dir/X.header`, for each variant. */
function varyGroups(s: Snapshot): { indexOf: Map<number, number>; remaining: Map<number, number> } {
  const t = s.table;
  const indexRow = new Map<string, number>();
  for (let i = 0; i < t.length; i++) {
    if (t.kind[i] === Kind.VaryIndex) indexRow.set(t.files(i)[0], i);
  }
  const indexOf = new Map<number, number>();
  const remaining = new Map<number, number>();
  if (indexRow.size === 0) return { indexOf, remaining };
  for (let i = 0; i < t.length; i++) {
    if (!(t.flags[i] & Flag.Variant) || t.kind[i] !== Kind.Entry) continue;
    const dir = t.dirs[t.dir[i]];
    const at = dir.toLowerCase().indexOf('.header.vary');
    const idx = at < 0 ? undefined : indexRow.get(dir.slice(0, at + '.header'.length));
    if (idx === undefined) continue;
    indexOf.set(i, idx);
    remaining.set(idx, (remaining.get(idx) ?? 0) + 1);
  }
  return { indexOf, remaining };
}

/**
 * Orders what goes: dead weight first (old temp files, old orphans, unusable entries,
 * then distfiles whose size no Manifest gives), then retired distfiles, oldest first
 * (while a target is missed, or all with evictRetired), then, while a target is still
 * missed, expired entries (only with expiredFirst) and least recently used entries,
 * oldest first, larger first on ties. One sort: O(n log n). Protected entries never go.
 * Entries changed after the scan started are never victims (htcacheclean's "future"
 * phase evicts exactly those first).
 */
export function buildPlan(s: Snapshot, p: PlanInput): Plan {
  const t = s.table;
  const steps: PlanStep[] = [];
  let needBytes = p.needBytes, needEntries = p.needEntries, needFree = p.needFree;
  const take = (row: number, reason: EvictReason): void => {
    const bytes = unitSize(s, row, p.usage, p.round);
    const diskBytes = t.size(row, 'disk');
    steps.push({ row, reason, bytes, diskBytes });
    needBytes -= bytes;
    needFree -= diskBytes;
    if (t.kind[row] === Kind.Entry) needEntries--;
  };
  const pressure = () => needBytes > 0 || needEntries > 0 || needFree > 0;
  // ctime has sub-ms precision and Date.now() floors: a file written in the scan's first
  // millisecond is not "during". Later changes are also caught by evict's re-check. A
  // ctime past the scan's end is a clock that was ahead, not a change during the scan:
  // such an entry is judged (dated in the future), not spared forever.
  const futureLine = Math.max(p.now, s.finishedAt) + FUTURE_SLACK_MS;
  const changedDuringScan = (i: number) => t.f64.changed[i] > s.startedAt + 1 && t.f64.changed[i] <= s.finishedAt + FUTURE_SLACK_MS;
  // htcacheclean's "future" phase: an entry used or written after now has no believable
  // recency (a restore, `touch -d`, a clock set back); under pressure it goes first.
  const isFuture = (i: number) => use[i] > futureLine || t.f64.changed[i] > futureLine;


  // 1. Dead weight, whatever the targets: none of it is ever served. In path order, so the
  // plan does not depend on the order directories were read in.
  const dead: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const k = t.kind[i];
    if (k === Kind.Entry || k === Kind.VaryIndex || changedDuringScan(i)) continue;
    // Age by mtime, as htcacheclean does (ctime cannot be set back, mtime can by restores).
    const age = p.now - Math.max(t.f64.hdrMtime[i], t.f64.dataMtime[i]);
    if ((k === Kind.Temp && age >= p.tempMaxAge) || ((k === Kind.Orphan || k === Kind.Unusable) && age >= p.orphanMinAge)) dead.push(i);
  }
  const pathOf = (i: number) => t.files(i)[0];
  // Each path built once, not in the comparator.
  const deadPaths = new Map(dead.map((i) => [i, pathOf(i)]));
  dead.sort((a, b) => (deadPaths.get(a)! < deadPaths.get(b)! ? -1 : deadPaths.get(a)! > deadPaths.get(b)! ? 1 : 0));
  for (const i of dead) take(i, t.kind[i] === Kind.Temp ? 'temp' : t.kind[i] === Kind.Orphan ? 'orphan' : 'unusable');

  const { indexOf, remaining } = varyGroups(s);
  const evicted = new Uint8Array(t.length);
  const takeEntry = (i: number, reason: EvictReason): void => {
    take(i, reason);
    evicted[i] = 1;
    // The index goes with its last variant (never on its stored expiry: httpd bug 53767).
    const idx = indexOf.get(i);
    if (idx !== undefined) {
      const left = remaining.get(idx)! - 1;
      remaining.set(idx, left);
      if (left === 0) take(idx, reason);
    }
  };
  const cls = p.classes, prot = p.protect;

  // Distfiles whose body no Manifest's size fits: every client's checksum check rejects
  // them, so they are dead weight too (protected ones stay). In path order, as above.
  if (cls) {
    const broken: number[] = [];
    for (let i = 0; i < t.length; i++) {
      if (cls[i] === DistClass.Mismatch && t.kind[i] === Kind.Entry && !prot?.[i] && !changedDuringScan(i)) broken.push(i);
    }
    const paths = new Map(broken.map((i) => [i, pathOf(i)]));
    broken.sort((a, b) => (paths.get(a)! < paths.get(b)! ? -1 : paths.get(a)! > paths.get(b)! ? 1 : 0));
    for (const i of broken) takeEntry(i, 'mismatch');
  }

  // 2. Candidates: entries, by recency; retired distfiles apart.
  const cand: number[] = [];
  const retired: number[] = [];
  const use = new Float64Array(t.length);
  let guarded = 0, changed = 0, protectedKept = 0;
  const guardLine = p.keepNewerThan > 0 ? p.now - p.keepNewerThan : Infinity;
  for (let i = 0; i < t.length; i++) {
    if (t.kind[i] !== Kind.Entry) continue;
    use[i] = lastUse(t, i, p.order);
    if (changedDuringScan(i)) { changed++; continue; }
    if (evicted[i]) continue;
    if (prot?.[i]) { protectedKept++; continue; }
    if (use[i] > guardLine && !isFuture(i)) { guarded++; continue; }
    if (cls?.[i] === DistClass.Retired) retired.push(i);
    else cand.push(i);
  }
  // Sizes once, not in the comparator: the sort calls it n log n times.
  const size = new Float64Array(t.length);
  for (const i of cand) size[i] = unitSize(s, i, p.usage, p.round);
  for (const i of retired) size[i] = unitSize(s, i, p.usage, p.round);
  const isExpired = (i: number) => t.f64.expire[i] > 0 && t.f64.expire[i] / 1000 < p.now;
  // Full ties go by path: rows come in the order directories were read, which varies
  // between runs, and a dry run must name what the real run then removes.
  const byPath = (a: number, b: number): number => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0);

  // Retired distfiles (named by no Manifest, unused for the grace), oldest first.
  retired.sort((a, b) => use[a] - use[b] || size[b] - size[a] || byPath(a, b));
  let r = 0;
  for (; r < retired.length && (p.evictRetired || pressure()); r++) takeEntry(retired[r], 'retired');

  const future = new Uint8Array(t.length);
  for (const i of cand) future[i] = isFuture(i) ? 1 : 0;
  const before = (a: number, b: number): boolean =>
    (future[b] - future[a] || (p.expiredFirst ? Number(isExpired(b)) - Number(isExpired(a)) : 0) || use[a] - use[b] || size[b] - size[a] || byPath(a, b)) < 0;
  const queue = new LruQueue(cand, before);

  while (pressure()) {
    const i = queue.next();
    if (i === null) break;
    takeEntry(i, future[i] ? 'future' : p.expiredFirst && isExpired(i) ? 'expired' : 'lru');
  }

  // The tail: the oldest retired entry left, the next row the queue would give (exact),
  // or an entry that was never a candidate (guarded, protected or changed) if none is left.
  const next = queue.peek();
  let tail: number | null = next === null ? null : use[next];
  if (r < retired.length && (tail === null || use[retired[r]] < tail)) tail = use[retired[r]];
  const none = tail === null;
  for (let i = 0; none && i < t.length; i++) {
    if (t.kind[i] === Kind.Entry && !evicted[i] && (tail === null || use[i] < tail)) tail = use[i];
  }
  const met = !pressure();
  return { steps, met, guarded: met ? 0 : guarded, protectedKept: met ? 0 : protectedKept, changedDuringScan: changed, tailLastUse: tail };
}
