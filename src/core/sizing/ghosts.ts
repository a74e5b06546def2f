import { createHash } from 'node:crypto';
import { appendBounded, readBounded } from '../files/boundedLog.js';
import { join } from 'node:path';

/**
 * The eviction journal ("ghosts"): what prune evicted from a cache, kept in the state dir
 * beside the index, so that `sizing` can count later requests for those entries: each is
 * a full download a larger limit would have saved (ccache #1637 and synapse #6400 ask for
 * exactly this signal). One JSON line per eviction, bounded by MAX_BYTES.
 */
export interface Ghost {
  /** As access logs name it: `/path?query` (`/path` when the query is empty). */
  key: string;
  bytes: number;
  /** When prune evicted it (ms since the epoch). */
  time: number;
}

/**
 * The journal's bound: past MAX_BYTES it is rewritten with its newest lines up to half of
 * that, so appending stays cheap (a prune that evicts a few entries must not read
 * megabytes) and the file stays under 16 MiB: over 100k evictions, far more than a
 * night's prune of a distfiles mirror.
 */
export const MAX_BYTES = 16 * 2 ** 20;

export function ghostPath(stateDir: string, root: string): string {
  return join(stateDir, `evicted-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.jsonl`);
}

/** A cache key (`http://host:80/path?query`) or a files-mode relative path, as a log names it. */
export function requestKey(key: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)$/i.exec(key);
  const target = m ? m[1] : `/${key}`;
  return target.endsWith('?') ? target.slice(0, -1) : target;
}

/** The journal for `root`; a missing or unreadable one is empty, a damaged line skipped. */
export async function readGhosts(stateDir: string, root: string): Promise<Ghost[]> {
  return readBounded(ghostPath(stateDir, root), (line) => {
    try {
      const g = JSON.parse(line) as Ghost;
      return typeof g.key === 'string' && Number.isFinite(g.bytes) && Number.isFinite(g.time) ? { key: g.key, bytes: g.bytes, time: g.time } : null;
    } catch {
      return null;
    }
  });
}

/** Adds evictions to the journal (O_APPEND), trimming it to its newest half past `maxBytes`. */
export async function appendGhosts(stateDir: string, root: string, ghosts: readonly Ghost[], maxBytes = MAX_BYTES): Promise<void> {
  if (ghosts.length === 0) return;
  await appendBounded(ghostPath(stateDir, root), ghosts.map((g) => JSON.stringify(g) + '\n').join(''), maxBytes);
}

export interface GhostTally {
  /** Evictions in the journal, and the oldest one's time. */
  journaled: number;
  since: string | null;
  /** Requests (full-body GETs) for an entry after prune had evicted it: the first after each eviction. */
  requests: number;
  bytes: number;
}

/**
 * Counts, during a replay, the first request for each journaled entry after its
 * eviction. Later requests are not counted: the refetch stored the entry again.
 */
export class GhostCounter {
  /** Per key: its eviction times, oldest first, and how many a request has already answered. */
  private readonly evicted = new Map<string, { times: number[]; used: number }>();
  readonly tally: GhostTally;

  constructor(ghosts: readonly Ghost[]) {
    let since = Infinity;
    for (const g of ghosts) {
      const e = this.evicted.get(g.key);
      if (e) e.times.push(g.time);
      else this.evicted.set(g.key, { times: [g.time], used: 0 });
      since = Math.min(since, g.time);
    }
    for (const e of this.evicted.values()) e.times.sort((a, b) => a - b);
    this.tally = { journaled: ghosts.length, since: Number.isFinite(since) ? new Date(since).toISOString() : null, requests: 0, bytes: 0 };
  }

  /** A full-body request (log order). Evictions it follows are answered by it, counted once. */
  see(key: string, time: number, bytes: number): void {
    const e = this.evicted.get(key);
    if (!e || e.used === e.times.length || e.times[e.used] > time) return;
    while (e.used < e.times.length && e.times[e.used] <= time) e.used++;
    this.tally.requests++;
    this.tally.bytes += bytes;
  }
}
