import { lastUse } from './recency.js';
import { Flag, Kind, type UnitTable } from './scan/table.js';
import type { AgeBucket, LargestEntry, Tally } from './report.js';

const DAY = 86400e3;
const AGE_BUCKETS: [string, number][] = [['< 1h', 3600e3], ['< 1d', DAY], ['< 7d', 7 * DAY], ['< 30d', 30 * DAY], ['< 90d', 90 * DAY], ['< 1y', 365 * DAY], ['older', Infinity]];
/** How long entries were fresh for (expire - date): shows httpd's CacheMaxExpire cap. */
const LIFETIME_BUCKETS: [string, number][] = [['<= 1h', 3600e3], ['<= 1d', DAY + 1000], ['<= 30d', 30 * DAY], ['> 30d', Infinity]];

const tally = (): Tally => ({ count: 0, bytes: 0, diskBytes: 0 });
const add = (t: Tally, b: number, d: number): void => { t.count++; t.bytes += b; t.diskBytes += d; };

type Place = { host: string; segment: string };

function splitUrl(key: string): Place {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(\/[^/?#]*)?/i.exec(key);
  if (!m) { const seg = key.split('/')[0]; return { host: '', segment: seg || '/' }; }
  return { host: m[1], segment: m[2] ?? '/' };
}

/**
 * Host and first path segment of a key prefix (everything up to a key's last '/'), when
 * the prefix alone decides them: it goes past the segment (keys are `scheme://host/seg/...`).
 * Then every row sharing the prefix is counted once per prefix, without decoding its key
 * (a mirror's 500k keys share a handful of prefixes; decoding each cost ~0.6 s).
 */
function placeOfPrefix(prefix: string): Place | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(\/[^/?#]*)?/i.exec(prefix);
  return !m || m[0].length < prefix.length ? splitUrl(prefix) : null;
}

/**
 * The report's sums over rows, added table by table: the whole table of a snapshot at
 * once, or one directory's rows at a time (streamReport, which then drops them). The
 * largest entries are kept as strings, so rows need not outlive `add`.
 */
export class ReportTally {
  private readonly temp = tally();
  private readonly orphans = tally();
  private readonly unusable = tally();
  private readonly expired = tally();
  private readonly hosts = new Map<string, Tally>();
  private readonly segs = new Map<string, Tally>();
  private readonly buckets = AGE_BUCKETS.map(([label, maxAgeMs]) => ({ label, maxAgeMs, count: 0, bytes: 0 }));
  private readonly lifetimes = LIFETIME_BUCKETS.map(([label]) => ({ label, count: 0 }));
  /** Per key prefix id of the table's key column: its place (null: decided per key), and its sums. */
  private readonly places: (Place | null)[] = [null];
  private readonly byPrefix: Tally[] = [tally()];
  private readonly largest: LargestEntry[] = [];
  private entries = 0;
  private entryBytes = 0;
  private bytes = 0;
  private diskBytes = 0;
  private varyGroups = 0;
  private variants = 0;
  private headerOnly = 0;

  constructor(private readonly now: number, private readonly top: number) {}

  private place(p: Place, v: Tally): void {
    for (const [m, k] of [[this.hosts, p.host], [this.segs, p.segment]] as const) {
      const x = m.get(k) ?? tally();
      x.count += v.count; x.bytes += v.bytes; x.diskBytes += v.diskBytes;
      m.set(k, x);
    }
  }

  /** Adds every row of `t` (prefix ids must stay those of one key column across calls); `apache`: header-only entries are counted. */
  add(t: UnitTable, apache: boolean): void {
    for (let id = this.places.length; id <= t.key.prefixCount; id++) {
      this.places.push(placeOfPrefix(t.key.prefix(id)));
      this.byPrefix.push(tally());
    }
    for (let i = 0; i < t.length; i++) {
      const b = t.size(i, 'apparent'), d = t.size(i, 'disk');
      this.bytes += b; this.diskBytes += d;
      switch (t.kind[i]) {
        case Kind.Temp: add(this.temp, b, d); continue;
        case Kind.Orphan: add(this.orphans, b, d); continue;
        case Kind.Unusable: add(this.unusable, b, d); continue;
        case Kind.VaryIndex: this.varyGroups++; continue;
      }
      this.entries++; this.entryBytes += b;
      if (t.flags[i] & Flag.Variant) this.variants++;
      if (apache && !(t.flags[i] & Flag.HasData)) this.headerOnly++;
      const expire = t.f64.expire[i] / 1000;
      if (expire > 0 && expire < this.now) add(this.expired, b, d);
      if (expire > 0) {
        const life = expire - t.f64.date[i] / 1000;
        this.lifetimes[LIFETIME_BUCKETS.findIndex(([, max]) => life <= max)].count++;
      }
      const age = this.now - lastUse(t, i);
      const bucket = this.buckets[this.buckets.findIndex((x) => age < x.maxAgeMs)];
      bucket.count++; bucket.bytes += b;
      const pre = t.key.prefixId(i);
      if (this.places[pre]) add(this.byPrefix[pre], b, d);
      else this.place(splitUrl(t.key.get(i)), { count: 1, bytes: b, diskBytes: d });
      // The top N by size, kept sorted (N is small: insertion is cheaper than a sort of n).
      // Equal sizes go by URL, then path (variants share a URL): directories are read in
      // no fixed order, and the report must not depend on it.
      const l = this.largest;
      const last = l[l.length - 1];
      if (l.length < this.top || b >= last.bytes) {
        const e = { url: t.key.get(i), bytes: b, diskBytes: d, lastAccess: '', path: t.files(i).at(-1)! };
        const first = (x: LargestEntry) => x.bytes < b || (x.bytes === b && (x.url > e.url || (x.url === e.url && x.path > e.path)));
        let at = l.findIndex(first);
        if (at < 0) at = l.length;
        if (at >= this.top) continue;
        e.lastAccess = new Date(lastUse(t, i)).toISOString();
        l.splice(at, 0, e);
        if (l.length > this.top) l.pop();
      }
    }
  }

  totals() {
    this.places.forEach((p, id) => { if (p && this.byPrefix[id].count > 0) this.place(p, this.byPrefix[id]); });
    this.byPrefix.forEach((x) => { x.count = 0; x.bytes = 0; x.diskBytes = 0; });
    const sortTally = <K extends string>(m: Map<string, Tally>, k: K) =>
      [...m].sort((a, b) => b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, this.top).map(([name, v]) => ({ [k]: name, ...v }) as Tally & Record<K, string>);
    return {
      entries: this.entries, bytes: this.bytes, diskBytes: this.diskBytes, entryBytes: this.entryBytes,
      varyGroups: this.varyGroups, variants: this.variants, headerOnly: this.headerOnly,
      tempFiles: this.temp, orphans: this.orphans, unusable: this.unusable,
      expired: { ...this.expired, profile: this.lifetimes },
      largest: this.largest, byHost: sortTally(this.hosts, 'host'), byPath: sortTally(this.segs, 'segment'),
      ageHistogram: this.buckets as AgeBucket[],
    };
  }
}
