import { crc32 } from 'node:zlib';
import { F64_COLUMNS, UnitTable } from '../scan/table.js';

/**
 * The persisted index: one binary file per cache root. Layout:
 *   "CCIDX" u8 version | u32 json length | json meta | u32 crc32 of everything after it |
 *   columns (raw typed arrays, 8-byte aligned) | string lengths (u32) | strings.
 * Raw columns load with one copy each, no parsing per row: a 1M-entry index loads in
 * well under a second. Any mismatch (magic, version, length, CRC) = corrupt: rebuild.
 */
export const INDEX_VERSION = 1;
const MAGIC = Buffer.from('CCIDX');

/** What a directory looked like when it was read, and where its rows are. */
export interface DirRecord {
  rel: string;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  rowStart: number;
  rowCount: number;
  subdirs: string[];
  /** Totals of the directory's own files that have no row (foreign files, others). */
  files: number;
  bytes: number;
  dirDisk: number;
  foreignFiles: number;
  foreignBytes: number;
  foreignDisk: number;
  foreignSamples: string[];
  others: number;
}

export interface IndexMeta {
  version: number;
  root: string;
  rootIno: number;
  format: 'apache' | 'files';
  savedAt: number;
  rows: number;
  /** The table's interned directory list: row `dir` columns index into it. */
  dirNames: string[];
  dirs: DirRecord[];
  /** Read positions in access logs, by "dev:ino". */
  logs?: Record<string, { path: string; offset: number; size: number }>;
}

const pad8 = (n: number) => (n + 7) & ~7;

export function encodeIndex(meta: Omit<IndexMeta, 'version' | 'rows' | 'dirNames'>, t: UnitTable): Buffer {
  const n = t.length;
  const json = Buffer.from(JSON.stringify({ ...meta, version: INDEX_VERSION, rows: n, dirNames: t.dirs }));
  // File names as UTF-8 (files mode can hold any name); keys as latin1, the raw header bytes.
  const strings = [...t.name.slice(0, n).map((s) => Buffer.from(s, 'utf8')), ...t.key.slice(0, n).map((s) => Buffer.from(s, 'latin1'))];
  const lens = Uint32Array.from(strings, (b) => b.length);
  const parts: Buffer[] = [];
  const raw = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (const c of F64_COLUMNS) parts.push(raw(t.f64[c].subarray(0, n)));
  parts.push(raw(t.dir.subarray(0, n)), raw(t.status.subarray(0, n)), raw(t.kind.subarray(0, n)), raw(t.reason.subarray(0, n)), raw(t.flags.subarray(0, n)));
  const colBytes = parts.reduce((a, b) => a + b.length, 0);
  parts.push(Buffer.alloc(pad8(colBytes) - colBytes), raw(lens), ...strings);
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(pad8(MAGIC.length + 1 + 4 + json.length + 4));
  MAGIC.copy(head, 0);
  head.writeUInt8(INDEX_VERSION, 5);
  head.writeUInt32LE(json.length, 6);
  json.copy(head, 10);
  head.writeUInt32LE(crc32(body), head.length - 4);
  return Buffer.concat([head, body]);
}

export type DecodeResult = { ok: true; meta: IndexMeta; table: UnitTable } | { ok: false; reason: string };

export function decodeIndex(buf: Buffer): DecodeResult {
  if (buf.length < 14 || !buf.subarray(0, 5).equals(MAGIC)) return { ok: false, reason: 'not a cachectl index' };
  if (buf.readUInt8(5) !== INDEX_VERSION) return { ok: false, reason: `index version ${buf.readUInt8(5)}, expected ${INDEX_VERSION}` };
  const jsonLen = buf.readUInt32LE(6);
  const headLen = pad8(10 + jsonLen + 4);
  if (buf.length < headLen) return { ok: false, reason: 'truncated index' };
  let meta: IndexMeta;
  try {
    meta = JSON.parse(buf.toString('utf8', 10, 10 + jsonLen));
  } catch {
    return { ok: false, reason: 'corrupt index header' };
  }
  const body = buf.subarray(headLen);
  if (crc32(body) !== buf.readUInt32LE(headLen - 4)) return { ok: false, reason: 'index checksum mismatch (truncated or corrupt)' };
  const n = meta.rows;
  // Copy into fresh, aligned arrays (the file buffer's offsets are not aligned for f64).
  let at = 0;
  const take = <T extends ArrayBufferView>(Ctor: { new (len: number): T; BYTES_PER_ELEMENT: number }, count: number): T => {
    const out = new Ctor(count);
    const bytes = count * Ctor.BYTES_PER_ELEMENT;
    Buffer.from(out.buffer).set(body.subarray(at, at + bytes));
    at += bytes;
    return out;
  };
  const f64 = Object.fromEntries(F64_COLUMNS.map((c) => [c, take(Float64Array, n)])) as Record<(typeof F64_COLUMNS)[number], Float64Array>;
  const dir = take(Uint32Array, n), status = take(Uint16Array, n), kind = take(Uint8Array, n), reason = take(Uint8Array, n), flags = take(Uint8Array, n);
  at = pad8(at);
  const lens = take(Uint32Array, 2 * n);
  const strs: string[] = new Array(2 * n);
  for (let i = 0; i < 2 * n; i++) {
    strs[i] = body.toString(i < n ? 'utf8' : 'latin1', at, at + lens[i]);
    at += lens[i];
  }
  if (at !== body.length) return { ok: false, reason: 'index length mismatch' };
  const table = UnitTable.restore(n, { kind, reason, flags, status, dir, f64 }, strs.slice(0, n), strs.slice(n), meta.dirNames);
  return { ok: true, meta, table };
}
