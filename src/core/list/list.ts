import type { Snapshot } from '../scan/scan.js';
import { Flag, Kind } from '../table/table.js';
import type { Matcher } from '../match.js';
import { lastUse } from '../table/recency.js';

/** One servable entry, as `htcacheclean -A` describes it (times in µs, apr_time_t). */
export interface ListedEntry {
  readonly url: string;
  /** Header and body sizes (st_size), each rounded up to `round` when given. */
  readonly hdrSize: number;
  readonly bodySize: number;
  readonly status: number;
  /** httpd 2.4 always stores 0 (write_headers post-increments it after copying). */
  readonly entityVersion: number;
  readonly date: number;
  readonly expire: number;
  readonly requestTime: number;
  readonly responseTime: number;
  readonly hasBody: boolean;
  readonly headerOnly: boolean;
  /** A variant of a Vary group (`url` is then the group's base URL). */
  readonly variant: boolean;
  /** Header path relative to the cache root. */
  readonly path: string;
  /** Last use in ms, as LRU eviction sees it (table/recency.ts). */
  readonly lastAccess: number;
}

export interface ListOptions {
  /** Only URLs this matcher accepts (see match.ts). */
  readonly match?: Matcher;
  /** htcacheclean -R: round each file's size up to a multiple of this; 0/1 = off. */
  readonly round?: number;
  /** Sort by URL (then path); otherwise walk order, as htcacheclean prints. */
  readonly sorted?: boolean;
}

const roundUp = (n: number, r: number): number => (r > 1 && n > 0 ? Math.ceil(n / r) * r : n);

/**
 * The entries httpd can serve: a format 6 header whose body (if it has one) is present
 * with the inode/device the header recorded, i.e. exactly the set `htcacheclean -a`
 * prints. Vary variants are listed each under the base URL.
 */
export function listEntries(snap: Snapshot, o: ListOptions = {}): ListedEntry[] {
  const t = snap.table;
  const v = t.f64;
  const round = o.round ?? 0;
  const rows: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t.kind[i] !== Kind.Entry) continue;
    if (o.match && !o.match(t.key.get(i))) continue;
    rows.push(i);
  }
  const out = rows.map((i): ListedEntry => {
    const f = t.flags[i];
    const hasData = (f & Flag.HasData) !== 0;
    return {
      url: t.key.get(i),
      hdrSize: roundUp(v.hdrSize[i], round),
      bodySize: roundUp(hasData ? v.dataSize[i] : 0, round),
      status: t.status[i],
      entityVersion: 0,
      date: v.date[i],
      expire: v.expire[i],
      requestTime: v.requestTime[i],
      responseTime: v.responseTime[i],
      hasBody: (f & Flag.HasBody) !== 0,
      headerOnly: (f & Flag.HeaderOnly) !== 0,
      variant: (f & Flag.Variant) !== 0,
      path: t.files(i)[0],
      lastAccess: lastUse(t, i),
    };
  });
  if (o.sorted) out.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}
