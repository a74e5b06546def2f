import { crc32 } from 'node:zlib';
import { F64_COLUMNS, type RowColumns, type UnitTable } from '../table/table.js';
import type { DirRecord } from '../scan/walkTypes.js';

/**
 * The persisted index: one binary file per cache root, laid out so that loading it is a
 * map (or one read) and views, with no per-row work (decode.ts). Little-endian:
 *   head (48 B): "CCIDX" | u8 version | u16 0 | u32 meta length | u32 sections | f64 body length | u32 CRC-32 of the body, 20 B 0
 *   body: meta JSON, pad to 8 | f64 byte length per section | sections, each padded to 8.
 * Sections, in order: the table's row columns (F64_COLUMNS, dir, status, kind, reason,
 * flags), names (bytes, start, len), keys (bytes, start, len, prefix ids), then the
 * directory records' columns (DIR_COLUMNS). Any mismatch (magic, version, length,
 * checksum) = corrupt: the caller rebuilds from a full scan.
 *
 * Row and string sections end in spare room (zeros: `capacity` rows, `nameBytes` and
 * `keyBytes` in use), so a run's new rows go into the mapped file's pages instead of a
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
const spareBytes = (bytes: number): number => pad8(Math.ceil(bytes / 16) + 4096);
export const MAGIC = Buffer.from('CCIDX');
export const HEAD = 48;

/** Numeric fields of a DirRecord, stored as f64 columns (plus `path`: its id in meta.paths). */
export const DIR_COLUMNS = [
  'path', 'mtimeMs', 'ctimeMs', 'ino', 'rowStart', 'rowCount', 'files', 'bytes', 'dirDisk',
  'foreignFiles', 'foreignBytes', 'foreignDisk', 'others',
] as const;

export type LogPositions = Record<string, { path: string; offset: number; size: number; head?: string; headLen?: number }>;

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
  /** Latest request time per requested URL from every log line read (accessLog.ts). */
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

export type MetaInput = Omit<IndexMeta, 'version' | 'rows'>;

export const pad8 = (n: number) => (n + 7) & ~7;
export const raw = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Row columns in file order. */
export function rowSections(c: RowColumns): (Float64Array | Uint32Array | Uint16Array | Uint8Array)[] {
  return [...F64_COLUMNS.map((k) => c.f64[k]), c.dir, c.status, c.kind, c.reason, c.flags];
}

const parentOf = (rel: string) => rel.slice(0, Math.max(0, rel.lastIndexOf('/')));
const baseOf = (rel: string) => rel.slice(rel.lastIndexOf('/') + 1);

/**
 * The file's body, in order, without concatenating it (views of the table's columns), and
 * `head(body)`, the 48 bytes that go before it (the body's length and CRC-32). Split so a
 * writer can hash the body while the body is being written (store.ts).
 */
export function encodeIndex(input: MetaInput, t: UnitTable): { body: Buffer[]; head: (body: Buffer[]) => Buffer } {
  const names = t.name.parts();
  const keys = t.key.parts();
  const paths = t.dirs.slice();
  /** Paths of records that hold no rows (not in the table's list): their ids follow its. */
  const moreIds = new Map<string, number>();
  // By path: the native reuser checks them in that order (neighbours share open ancestors).
  // Each path read once (a loaded record computes it), not twice per comparison.
  const recs = input.dirs.map((d) => ({ rel: d.rel, d })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const cols = DIR_COLUMNS.map(() => new Float64Array(recs.length));
  let hasRecord: Set<string> | undefined;
  const extraSubdirs: Record<number, string[]> = {};
  const foreignSamples: Record<number, string[]> = {};
  const [path, mtimeMs, ctimeMs, ino, rowStart, rowCount, files, bytes, dirDisk, foreignFiles, foreignBytes, foreignDisk, others] = cols;
  recs.forEach(({ rel, d }, r) => {
    let id = t.dirIdOf(rel) ?? moreIds.get(rel);
    if (id === undefined) moreIds.set(rel, (id = paths.push(rel) - 1));
    // Field by field (DIR_COLUMNS order): a keyed d[c] per column is megamorphic.
    path[r] = id; mtimeMs[r] = d.mtimeMs; ctimeMs[r] = d.ctimeMs; ino[r] = d.ino; rowStart[r] = d.rowStart; rowCount[r] = d.rowCount;
    files[r] = d.files; bytes[r] = d.bytes; dirDisk[r] = d.dirDisk;
    foreignFiles[r] = d.foreignFiles; foreignBytes[r] = d.foreignBytes; foreignDisk[r] = d.foreignDisk; others[r] = d.others;
    // Only records read in this run list their subdirs; loaded ones carry extraSubdirs.
    const extra = d.subdirs?.filter((s) => !(hasRecord ??= new Set(recs.map((x) => x.rel))).has(rel === '' ? s : `${rel}/${s}`)) ?? d.extraSubdirs ?? [];
    if (extra.length > 0) extraSubdirs[r] = extra;
    if (d.foreignSamples.length > 0) foreignSamples[r] = d.foreignSamples;
  });
  const { dirs: _dirs, ...rest } = input;
  const meta: StoredMeta = {
    ...rest, version: INDEX_VERSION, rows: t.length, paths, tableDirs: t.dirs.length,
    keyPrefixes: [...keys.prefixes], records: recs.length, extraSubdirs, foreignSamples,
    capacity: t.length + spareRows(t.length), nameBytes: names.bytes.length, keyBytes: keys.bytes.length,
  };
  // [section, spare bytes after it]: row arrays get spare rows, byte buffers spare bytes.
  const rowsOf = (a: ArrayBufferView & { BYTES_PER_ELEMENT: number }): [Buffer, number] => [raw(a), spareRows(t.length) * a.BYTES_PER_ELEMENT];
  const bytesOf = (b: Buffer): [Buffer, number] => [b, spareBytes(b.length)];
  const sections: [Buffer, number][] = [
    ...rowSections(t.rowColumns()).map(rowsOf), bytesOf(names.bytes), rowsOf(names.start), rowsOf(names.len),
    bytesOf(keys.bytes), rowsOf(keys.start), rowsOf(keys.len), rowsOf(keys.pre ?? new Uint32Array(t.length)),
    ...cols.map((c): [Buffer, number] => [raw(c), 0]),
  ];
  const json = Buffer.from(JSON.stringify(meta));
  const table = new Float64Array(sections.length);
  sections.forEach(([s, spare], i) => { table[i] = s.length + spare; });
  const zeros = Buffer.alloc(Math.max(8, ...sections.map(([s, spare]) => spare + pad8(s.length) - s.length)));
  const body: Buffer[] = [json, zeros.subarray(0, pad8(json.length) - json.length), raw(table)];
  for (const [s, spare] of sections) body.push(s, zeros.subarray(0, pad8(s.length + spare) - s.length));
  return { body, head: (parts) => headOf(parts, json.length, sections.length) };
}

function headOf(body: Buffer[], jsonLength: number, sections: number): Buffer {
  let sum = 0;
  let bodyLength = 0;
  for (const b of body) { sum = crc32(b, sum); bodyLength += b.length; }
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt8(INDEX_VERSION, 5);
  head.writeUInt32LE(jsonLength, 8);
  head.writeUInt32LE(sections, 12);
  head.writeDoubleLE(bodyLength, 16);
  head.writeUInt32LE(sum, 24);
  return head;
}

/** Each record's subdirectories: those with a record of their own, plus its extraSubdirs. */
export function childrenOf(dirs: readonly DirRecord[]): Map<string, string[]> {
  const m = new Map<string, string[]>(dirs.map((d) => [d.rel, d.subdirs?.slice() ?? d.extraSubdirs?.slice() ?? []]));
  for (const d of dirs) {
    if (d.rel === '' || d.subdirs) continue;
    m.get(parentOf(d.rel))?.push(baseOf(d.rel));
  }
  return m;
}
