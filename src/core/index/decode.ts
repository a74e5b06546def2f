import { crc32 } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { StringColumn } from '../table/strings.js';
import { F64_COLUMNS, UnitTable, type F64Column } from '../table/table.js';
import { DIR_COLUMNS, HEAD, INDEX_VERSION, MAGIC, pad8, type IndexMeta, type StoredMeta } from './format.js';
import { recordsOf } from './records.js';

/**
 * A loaded index's meta also holds the records' numeric columns (DIR_COLUMNS order) that
 * `dirs` read from, and the paths their `path` column names by id: verify's requests are
 * filled from them without a getter per directory (reuseNative.ts).
 */
export type LoadedMeta = IndexMeta & { readonly dirColumns: readonly Float64Array[]; readonly dirPaths: readonly string[] };
type DecodeResult = { ok: true; meta: LoadedMeta; table: UnitTable } | { ok: false; reason: string };

/**
 * Reads (and checks) the index file, whole: the table's columns are views into it. In one
 * synchronous read: nothing else runs while the index loads, and fs.promises.readFile
 * would read it in 512 KiB pieces, each a round trip through the thread pool.
 */
export async function readIndexFile(path: string): Promise<DecodeResult> {
  const read = readFileSync(path);
  // Typed-array views need 8-byte aligned offsets; a fresh read normally starts at 0.
  const b = read.byteOffset % 8 === 0 ? read : Buffer.from(new Uint8Array(read).buffer);
  if (b.length < 6 || !b.subarray(0, 5).equals(MAGIC)) return { ok: false, reason: 'not a cachectl index' };
  if (b[5] !== INDEX_VERSION) return { ok: false, reason: `index version ${b[5]}, expected ${INDEX_VERSION}` };
  if (b.length < HEAD) return { ok: false, reason: 'truncated index' };
  const jsonLen = b.readUInt32LE(8);
  const count = b.readUInt32LE(12);
  const bodyLength = b.readDoubleLE(16);
  if (HEAD + bodyLength !== b.length) return { ok: false, reason: `truncated index (${b.length} of ${HEAD + bodyLength} bytes)` };
  if (crc32(b.subarray(HEAD)) !== b.readUInt32LE(24)) return { ok: false, reason: 'index checksum mismatch (corrupt)' };
  let meta: StoredMeta;
  try {
    meta = JSON.parse(b.toString('utf8', HEAD, HEAD + jsonLen));
  } catch {
    return { ok: false, reason: 'corrupt index header' };
  }
  // Past the checksum the file is ours as written; the checks below guard a bug, not a disk.
  let at = HEAD + pad8(jsonLen);
  const lens = new Float64Array(b.buffer, b.byteOffset + at, count);
  at += count * 8;
  let next = 0;
  type View = Float64Array | Uint32Array | Uint16Array | Uint8Array;
  const take = <T extends View>(Type: { new (buf: ArrayBuffer, off: number, len: number): T; BYTES_PER_ELEMENT: number }): T => {
    const len = lens[next++];
    const v = new Type(b.buffer as ArrayBuffer, b.byteOffset + at, len / Type.BYTES_PER_ELEMENT);
    at += pad8(len);
    return v;
  };
  const bytes = (): Buffer => {
    const u = take(Uint8Array);
    return Buffer.from(u.buffer, u.byteOffset, u.length);
  };
  const n = meta.rows;
  const cols = {
    f64: Object.fromEntries(F64_COLUMNS.map((c) => [c, take(Float64Array)])) as Record<F64Column, Float64Array>,
    dir: take(Uint32Array), status: take(Uint16Array), kind: take(Uint8Array), reason: take(Uint8Array), flags: take(Uint8Array),
  };
  // Row sections hold `capacity` rows (spare room after the rows), byte sections spare bytes.
  const name = StringColumn.fromParts('utf8', false, { bytes: bytes(), start: take(Uint32Array), len: take(Uint32Array), prefixes: [], rows: n, used: meta.nameBytes });
  const key = StringColumn.fromParts('latin1', true, { bytes: bytes(), start: take(Uint32Array), len: take(Uint32Array), pre: take(Uint32Array), prefixes: meta.keyPrefixes, rows: n, used: meta.keyBytes });
  const recCols = DIR_COLUMNS.map(() => take(Float64Array));
  const cap = meta.capacity;
  if (next !== count || !(cap >= n) || cols.dir.length !== cap || cols.kind.length !== cap || name.length !== n || key.length !== n ||
      recCols[0].length !== meta.records) return { ok: false, reason: 'index layout mismatch' };
  const table = UnitTable.fromColumns(n, meta.paths.slice(0, meta.tableDirs), cols, name, key);
  const { paths: _p, tableDirs: _t, keyPrefixes: _k, records: _r, extraSubdirs: _e, foreignSamples: _f, capacity: _c, nameBytes: _nb, keyBytes: _kb, ...rest } = meta;
  return { ok: true, meta: { ...rest, dirs: recordsOf(meta, recCols), dirColumns: recCols, dirPaths: meta.paths }, table };
}
