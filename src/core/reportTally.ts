import { lastUse } from './table/recency.js';
import { Flag, Kind, type UnitTable } from './table/table.js';
import type { AgeBucket, SizeBucket, Tally } from './reportTypes.js';
import { LargestList } from './largestList.js';

const DAY = 86400e3;
const AGE_BUCKETS: [string, number][] = [['< 1h', 3600e3], ['< 1d', DAY], ['< 7d', 7 * DAY], ['< 30d', 30 * DAY], ['< 90d', 90 * DAY], ['< 1y', 365 * DAY], ['older', Infinity]];
/** How long entries were fresh for (expire - date): shows httpd's CacheMaxExpire cap. */
const LIFETIME_BUCKETS: [string, number][] = [['<= 1h', 3600e3], ['<= 1d', DAY + 1000], ['<= 30d', 30 * DAY], ['> 30d', Infinity]];

/** Entry sizes in powers of 4 from 1 KiB: a distfiles mirror holds bytes to gigabytes. */
const SIZE_BUCKETS: [string, number][] = [
  ...['1 KiB', '4 KiB', '16 KiB', '64 KiB', '256 KiB', '1 MiB', '4 MiB', '16 MiB', '64 MiB', '256 MiB', '1 GiB', '4 GiB'].map((l, k): [string, number] => [`< ${l}`, 1024 * 4 ** k]),
  ['>= 4 GiB', Infinity],
];

/** The buckets' upper bounds; the last is Infinity, so a scan for the first bound above a value always stops. */
const AGE_MAX = Float64Array.from(AGE_BUCKETS, ([, max]) => max);
const LIFE_MAX = Float64Array.from(LIFETIME_BUCKETS, ([, max]) => max);
const SIZE_MAX = Float64Array.from(SIZE_BUCKETS, ([, max]) => max);

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
 * (a mirror's keys share a handful of prefixes; decoding every key would be most of the work).
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
  private readonly ageCount = new Float64Array(AGE_BUCKETS.length);
  private readonly ageBytes = new Float64Array(AGE_BUCKETS.length);
  private readonly lifeCount = new Float64Array(LIFETIME_BUCKETS.length);
  private readonly sizeCount = new Float64Array(SIZE_BUCKETS.length);
  private readonly sizeBytes = new Float64Array(SIZE_BUCKETS.length);
  /** Last use of the least recently used entry (ms since the epoch): the cache's tail. */
  private oldestUse = Infinity;
  /** Per key prefix id of the table's key column: its place (null: decided per key), and its sums. */
  private readonly places: (Place | null)[] = [null];
  private readonly byPrefix: Tally[] = [tally()];
  private readonly largest: LargestList;
  private entries = 0;
  private entryBytes = 0;
  private bytes = 0;
  private diskBytes = 0;
  private varyGroups = 0;
  private variants = 0;
  private headerOnly = 0;

  constructor(private readonly now: number, private readonly top: number) {
    this.largest = new LargestList(top);
  }

  private place(p: Place, v: Tally): void {
    for (const [m, k] of [[this.hosts, p.host], [this.segs, p.segment]] as const) {
      const x = m.get(k) ?? tally();
      x.count += v.count; x.bytes += v.bytes; x.diskBytes += v.diskBytes;
      m.set(k, x);
    }
  }

  /**
   * Adds every row of `t` (prefix ids must stay those of one key column across calls);
   * `apache`: header-only entries are counted. One pass over the columns with the sums in
   * locals: per-row method calls and closures (and their garbage) would be most of an
   * indexed re-run's report.
   */
  add(t: UnitTable, apache: boolean): void {
    for (let id = this.places.length; id <= t.key.prefixCount; id++) {
      this.places.push(placeOfPrefix(t.key.prefix(id)));
      this.byPrefix.push(tally());
    }
    const { hdrSize, dataSize, hdrDisk, dataDisk, expire, date } = t.f64;
    const { kind, flags } = t;
    const now = this.now, ageCount = this.ageCount, ageBytes = this.ageBytes, lifeCount = this.lifeCount;
    const sizeCount = this.sizeCount, sizeBytes = this.sizeBytes;
    let oldest = this.oldestUse;
    let bytes = 0, diskBytes = 0, entries = 0, entryBytes = 0, variants = 0, headerOnly = 0;
    for (let i = 0; i < t.length; i++) {
      const b = hdrSize[i] + dataSize[i], d = hdrDisk[i] + dataDisk[i];
      bytes += b; diskBytes += d;
      switch (kind[i]) {
        case Kind.Temp: add(this.temp, b, d); continue;
        case Kind.Orphan: add(this.orphans, b, d); continue;
        case Kind.Unusable: add(this.unusable, b, d); continue;
        case Kind.VaryIndex: this.varyGroups++; continue;
      }
      entries++; entryBytes += b;
      const f = flags[i];
      if (f & Flag.Variant) variants++;
      if (apache && !(f & Flag.HasData)) headerOnly++;
      const exp = expire[i] / 1000;
      if (exp > 0) {
        if (exp < now) add(this.expired, b, d);
        const life = exp - date[i] / 1000;
        let k = 0;
        while (life > LIFE_MAX[k]) k++;
        lifeCount[k]++;
      }
      const used = lastUse(t, i);
      const age = now - used;
      let k = 0;
      while (age >= AGE_MAX[k]) k++;
      ageCount[k]++; ageBytes[k] += b;
      if (used < oldest) oldest = used;
      k = 0;
      while (b >= SIZE_MAX[k]) k++;
      sizeCount[k]++; sizeBytes[k] += b;
      const pre = t.key.prefixId(i);
      if (this.places[pre]) add(this.byPrefix[pre], b, d);
      else this.place(splitUrl(t.key.get(i)), { count: 1, bytes: b, diskBytes: d });
      if (this.largest.admits(b)) this.largest.offer(t.key.get(i), t.files(i).at(-1)!, b, d, () => lastUse(t, i));
    }
    this.bytes += bytes; this.diskBytes += diskBytes; this.entries += entries; this.entryBytes += entryBytes;
    this.variants += variants; this.headerOnly += headerOnly; this.oldestUse = oldest;
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
      expired: { ...this.expired, profile: LIFETIME_BUCKETS.map(([label], k) => ({ label, count: this.lifeCount[k] })) },
      largest: this.largest.list, byHost: sortTally(this.hosts, 'host'), byPath: sortTally(this.segs, 'segment'),
      ageHistogram: AGE_BUCKETS.map(([label, maxAgeMs], k): AgeBucket => ({ label, maxAgeMs, count: this.ageCount[k], bytes: this.ageBytes[k] })),
      sizeHistogram: SIZE_BUCKETS.map(([label, maxBytes], k): SizeBucket => ({ label, maxBytes, count: this.sizeCount[k], bytes: this.sizeBytes[k] })),
      oldestAccess: Number.isFinite(this.oldestUse) ? new Date(this.oldestUse).toISOString() : null,
    };
  }
}
