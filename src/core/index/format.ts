import type { LogPositions } from '../accessLog/recency.js';
import type { DirRecord } from '../scan/walkTypes.js';

/**
 * The persisted index: one binary file per cache root, laid out so that loading it is one
 * read and views, with no per-row work (decode.ts). Little-endian:
 *   head (48 B): "CCIDX" | u8 version | u16 0 | u32 meta length | u32 sections | f64 body length | u32 CRC-32 of the body, 20 B 0
 *   body: meta JSON, pad to 8 | f64 byte length per section | sections, each padded to 8.
 * Sections, in order: the table's row columns (F64_COLUMNS, dir, status, kind, reason,
 * flags), names (bytes, start, len), keys (bytes, start, len, prefix ids), then the
 * directory records' columns (DIR_COLUMNS). Any mismatch (magic, version, length,
 * checksum) = corrupt: the caller rebuilds from a full scan.
 *
 * Row and string sections end in spare room (zeros: `capacity` rows, `nameBytes` and
 * `keyBytes` in use), so a run's new rows go into the loaded file's memory instead of a
 * copy of every column. The CRC-32 guards against a damaged disk or a bug, not an
 * adversary: the state dir is root's.
 */
export const INDEX_VERSION = 5;
/**
 * Spare rows saved after the table's rows: 1/16 of them, at least 1024. A re-read
 * directory appends all of its rows again, vary indexes included, so a change to 1% of
 * the entries appends several times 1% of the rows.
 */
export const spareRows = (rows: number): number => Math.max(1024, Math.ceil(rows / 16));
export const spareBytes = (bytes: number): number => pad8(Math.ceil(bytes / 16) + 4096);
export const MAGIC = Buffer.from('CCIDX');
export const HEAD = 48;

/** Numeric fields of a DirRecord, stored as f64 columns (plus `path`: its id in meta.paths). */
export const DIR_COLUMNS = [
  'path', 'mtimeMs', 'ctimeMs', 'ino', 'rowStart', 'rowCount', 'files', 'bytes', 'dirDisk',
  'foreignFiles', 'foreignBytes', 'foreignDisk', 'others',
] as const;

export interface IndexMeta {
  version: number;
  root: string;
  rootIno: number;
  format: 'apache' | 'files';
  savedAt: number;
  rows: number;
  dirs: DirRecord[];
  /** Read positions in access logs, by "dev:ino". */
  logs?: LogPositions;
  /** Latest request time per requested URL from every log line read (accessLog/recency.ts). */
  logUse?: Record<string, number>;
}

/** The JSON part of the file. */
export interface StoredMeta extends Omit<IndexMeta, 'dirs'> {
  /** Directory paths: the table's interned list first (row `dir` ids), then records' others. */
  paths: string[];
  tableDirs: number;
  /** Rows each row section has room for (rows + spare), and the string bytes in use. */
  capacity: number;
  nameBytes: number;
  keyBytes: number;
  keyPrefixes: string[];
  records: number;
  /** Per record index: subdirectories that have no record of their own (unreadable ones). */
  extraSubdirs: Record<number, string[]>;
  foreignSamples: Record<number, string[]>;
}

/** What the file's meta holds besides the rows and records (the writer has those). */
export type MetaInput = Omit<IndexMeta, 'version' | 'rows' | 'dirs'>;

/** What records are read from besides their numeric columns (DIR_COLUMNS order; `path` is an id into `paths`). */
export type RecordSource = Pick<StoredMeta, 'paths' | 'foreignSamples' | 'extraSubdirs' | 'records'> & {
  /** Subdirectories as read, where there are any (a loaded index has none: see DirRecord.subdirs). */
  readonly subdirs?: Record<number, string[]>;
};

export const pad8 = (n: number) => (n + 7) & ~7;
export const raw = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * The directory records as the file stores them: their numeric columns in path order
 * (the native reuser checks them in that order: neighbours share open ancestors), and
 * the paths they name by id: `tableDirs` (the rows' directories) first, then those of
 * records that hold no row. `column(k)` makes column k when it is written, one at a time.
 */
export function recordSections(recs: RecordSource & { readonly cols: Float64Array[] }, tableDirs: readonly string[], tableDirIds: ReadonlyMap<string, number>) {
  const n = recs.records;
  const byPath = (a: number, b: number) => (recs.paths[a] < recs.paths[b] ? -1 : recs.paths[a] > recs.paths[b] ? 1 : 0);
  const order = Int32Array.from({ length: n }, (_, r) => r).sort(byPath);
  const hasRecord = (rel: string): boolean => sortedIndexOf(n, (i) => recs.paths[order[i]], rel) >= 0;
  const paths = tableDirs.slice();
  const moreIds = new Map<string, number>();
  const ids = new Float64Array(n);
  const extraSubdirs: Record<number, string[]> = {};
  const foreignSamples: Record<number, string[]> = {};
  order.forEach((from, r) => {
    const rel = recs.paths[from];
    let id = tableDirIds.get(rel) ?? moreIds.get(rel);
    if (id === undefined) moreIds.set(rel, (id = paths.push(rel) - 1));
    ids[r] = id;
    // Records read in this run list their subdirs; loaded ones carry extraSubdirs.
    const read = recs.subdirs?.[from];
    const extra = read ? read.filter((s) => !hasRecord(rel === '' ? s : `${rel}/${s}`)) : recs.extraSubdirs[from];
    if (extra?.length) extraSubdirs[r] = extra;
    if (recs.foreignSamples[from]) foreignSamples[r] = recs.foreignSamples[from];
  });
  const column = (k: number): Float64Array => {
    if (k === 0) return ids;
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[r] = recs.cols[k][order[r]];
    return out;
  };
  return { paths, records: n, column, extraSubdirs, foreignSamples };
}

/** Where `rel` is among `n` paths sorted by `<` (`at(i)`: the i-th), or -1: a binary search. */
export function sortedIndexOf(n: number, at: (i: number) => string, rel: string): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(mid) < rel) lo = mid + 1; else hi = mid;
  }
  return lo < n && at(lo) === rel ? lo : -1;
}

/** Each record's subdirectories: those with a record of their own, plus its extraSubdirs. */
export function childrenOf(dirs: readonly DirRecord[]): Map<string, string[]> {
  const m = new Map<string, string[]>(dirs.map((d) => [d.rel, d.subdirs?.slice() ?? d.extraSubdirs?.slice() ?? []]));
  for (const d of dirs) {
    if (d.rel === '' || d.subdirs) continue;
    const cut = d.rel.lastIndexOf('/');
    m.get(d.rel.slice(0, Math.max(0, cut)))?.push(d.rel.slice(cut + 1));
  }
  return m;
}
