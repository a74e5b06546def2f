import { statfs } from 'node:fs/promises';
import type { Snapshot } from './scan/scan.js';
import { Flag, Kind, KIND_NAMES } from './scan/table.js';
import { lastUse } from './recency.js';

export interface Tally { count: number; bytes: number; diskBytes: number }
export interface LargestEntry { url: string; bytes: number; diskBytes: number; lastAccess: string; path: string }
export interface AgeBucket { label: string; maxAgeMs: number; count: number; bytes: number }
export interface Filesystem { size: number; free: number; available: number }

export interface Report {
  root: string;
  format: 'apache' | 'files';
  layout: { levels: number; length: number } | null;
  scannedAt: string;
  scanMs: number;
  /** 'native', or 'portable' with the reason the native reader was not used. */
  reader: string;
  entries: number;
  files: number;
  directories: number;
  bytes: number;
  diskBytes: number;
  entryBytes: number;
  varyGroups: number;
  variants: number;
  headerOnly: number;
  tempFiles: Tally;
  orphans: Tally;
  unusable: Tally;
  foreign: Tally & { samples: string[] };
  expired: Tally & { profile: { label: string; count: number }[] };
  vanished: number;
  errors: { path: string; code: string }[];
  filesystem: Filesystem | null;
  largest: LargestEntry[];
  byHost: (Tally & { host: string })[];
  byPath: (Tally & { segment: string })[];
  ageHistogram: AgeBucket[];
}

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

/** Summarises a snapshot; pure apart from one statfs of the root. */
export async function buildReport(snap: Snapshot, opts: { now: number; top?: number }): Promise<Report> {
  const t = snap.table;
  const now = opts.now;
  const top = opts.top ?? 10;
  const temp = tally(), orphans = tally(), unusable = tally(), expired = tally();
  const hosts = new Map<string, Tally>(), segs = new Map<string, Tally>();
  const buckets = AGE_BUCKETS.map(([label, maxAgeMs]) => ({ label, maxAgeMs, count: 0, bytes: 0 }));
  const lifetimes = LIFETIME_BUCKETS.map(([label]) => ({ label, count: 0 }));
  let entries = 0, entryBytes = 0, bytes = snap.foreign.bytes, diskBytes = snap.foreign.disk + snap.dirDisk;
  let varyGroups = 0, variants = 0, headerOnly = 0;
  const largest: number[] = [];
  const places = Array.from({ length: t.key.prefixCount + 1 }, (_, id) => (id === 0 ? null : placeOfPrefix(t.key.prefix(id))));
  const byPrefix = places.map(tally);
  const place = (p: Place, v: Tally): void => {
    for (const [m, k] of [[hosts, p.host], [segs, p.segment]] as const) {
      const x = m.get(k) ?? tally();
      x.count += v.count; x.bytes += v.bytes; x.diskBytes += v.diskBytes;
      m.set(k, x);
    }
  };

  for (let i = 0; i < t.length; i++) {
    const b = t.size(i, 'apparent'), d = t.size(i, 'disk');
    bytes += b; diskBytes += d;
    switch (t.kind[i]) {
      case Kind.Temp: add(temp, b, d); continue;
      case Kind.Orphan: add(orphans, b, d); continue;
      case Kind.Unusable: add(unusable, b, d); continue;
      case Kind.VaryIndex: varyGroups++; continue;
    }
    entries++; entryBytes += b;
    if (t.flags[i] & Flag.Variant) variants++;
    if (snap.format === 'apache' && !(t.flags[i] & Flag.HasData)) headerOnly++;
    const expire = t.f64.expire[i] / 1000;
    if (expire > 0 && expire < now) add(expired, b, d);
    if (expire > 0) {
      const life = expire - t.f64.date[i] / 1000;
      lifetimes[LIFETIME_BUCKETS.findIndex(([, max]) => life <= max)].count++;
    }
    const age = now - lastUse(t, i);
    const bucket = buckets[buckets.findIndex((x) => age < x.maxAgeMs)];
    bucket.count++; bucket.bytes += b;
    const pre = t.key.prefixId(i);
    if (places[pre]) add(byPrefix[pre], b, d);
    else place(splitUrl(t.key.get(i)), { count: 1, bytes: b, diskBytes: d });
    // Keep the top-N row ids sorted by size (N is small: insertion is cheaper than a sort of n).
    if (largest.length < top || b > t.size(largest[largest.length - 1], 'apparent')) {
      let at = largest.findIndex((j) => t.size(j, 'apparent') < b);
      if (at < 0) at = largest.length;
      largest.splice(at, 0, i);
      if (largest.length > top) largest.pop();
    }
  }

  places.forEach((p, id) => { if (p && byPrefix[id].count > 0) place(p, byPrefix[id]); });
  const sortTally = <K extends string>(m: Map<string, Tally>, k: K) =>
    [...m].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top).map(([name, v]) => ({ [k]: name, ...v }) as Tally & Record<K, string>);

  return {
    root: snap.root, format: snap.format, layout: snap.layout,
    scannedAt: new Date(snap.startedAt).toISOString(), scanMs: snap.finishedAt - snap.startedAt, reader: snap.reader,
    entries, files: snap.files, directories: snap.directories, bytes, diskBytes, entryBytes,
    varyGroups, variants, headerOnly,
    tempFiles: temp, orphans, unusable,
    foreign: { count: snap.foreign.files, bytes: snap.foreign.bytes, diskBytes: snap.foreign.disk, samples: snap.foreign.samples },
    expired: { ...expired, profile: lifetimes },
    vanished: snap.vanished, errors: snap.errors,
    filesystem: await filesystemOf(snap.root),
    largest: largest.map((i) => ({
      url: t.key.get(i), bytes: t.size(i, 'apparent'), diskBytes: t.size(i, 'disk'),
      lastAccess: new Date(lastUse(t, i)).toISOString(), path: t.files(i).at(-1)!,
    })),
    byHost: sortTally(hosts, 'host'),
    byPath: sortTally(segs, 'segment'),
    ageHistogram: buckets,
  };
}

export async function filesystemOf(root: string): Promise<Filesystem | null> {
  try {
    const s = await statfs(root);
    return { size: s.blocks * s.bsize, free: s.bfree * s.bsize, available: s.bavail * s.bsize };
  } catch {
    return null;
  }
}

export { KIND_NAMES };
