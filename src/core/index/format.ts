import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { F64_COLUMNS, UnitTable, type F64Column } from '../scan/table.js';

/**
 * The persisted index: one binary file per cache root. Layout:
 *   "CCIDX" u8 version | u32 json length | json meta | pad to 8 | u32 crc32 of the body, u32 0 |
 *   body: columns (raw typed arrays) | pad to 8 | string lengths (u32) | strings.
 * Columns are read straight into their typed arrays and strings in 8 MiB chunks, so
 * loading a 1M-entry index needs no second copy of the file in memory. Any mismatch
 * (magic, version, length, CRC) = corrupt: the caller rebuilds from a full scan.
 */
export const INDEX_VERSION = 1;
const MAGIC = Buffer.from('CCIDX');
const CHUNK = 8 << 20;

/** What a directory looked like when it was read, and where its rows are. */
export interface DirRecord {
  rel: string;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  rowStart: number;
  rowCount: number;
  subdirs: string[];
  /** Totals of the directory's own files (all of them, and those that have no row). */
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

export type MetaInput = Omit<IndexMeta, 'version' | 'rows' | 'dirNames'>;

const pad8 = (n: number) => (n + 7) & ~7;
const raw = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function columnsOf(t: UnitTable, n: number): ArrayBufferView[] {
  return [...F64_COLUMNS.map((c) => t.f64[c].subarray(0, n)), t.dir.subarray(0, n), t.status.subarray(0, n), t.kind.subarray(0, n), t.reason.subarray(0, n), t.flags.subarray(0, n)];
}

/** The file's parts, in order, without concatenating them (the strings part can be 100 MB). */
export function encodeIndex(meta: MetaInput, t: UnitTable): Buffer[] {
  const n = t.length;
  // Names (UTF-8) and keys (latin1, the raw header bytes) are stored as their columns hold them.
  const lens = new Uint32Array(2 * n);
  let total = 0;
  for (let i = 0; i < n; i++) total += lens[i] = t.name.lengthOf(i);
  for (let i = 0; i < n; i++) total += lens[n + i] = t.key.lengthOf(i);
  const strings = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < n; i++) at += t.name.copyTo(i, strings, at);
  for (let i = 0; i < n; i++) at += t.key.copyTo(i, strings, at);
  const cols = columnsOf(t, n).map(raw);
  const colBytes = cols.reduce((a, b) => a + b.length, 0);
  const body = [...cols, Buffer.alloc(pad8(colBytes) - colBytes), raw(lens), strings];
  let crc = 0;
  for (const b of body) crc = crc32(b, crc);
  const json = Buffer.from(JSON.stringify({ ...meta, version: INDEX_VERSION, rows: n, dirNames: t.dirs }));
  const head = Buffer.alloc(pad8(10 + json.length) + 8);
  MAGIC.copy(head, 0);
  head.writeUInt8(INDEX_VERSION, 5);
  head.writeUInt32LE(json.length, 6);
  json.copy(head, 10);
  head.writeUInt32LE(crc, head.length - 8);
  return [head, ...body];
}

export type DecodeResult = { ok: true; meta: IndexMeta; table: UnitTable } | { ok: false; reason: string };

class Reader {
  pos = 0;
  crc = 0;
  constructor(readonly fh: FileHandle) {}
  /** Reads exactly into `target` (from the current position); false at end of file. */
  async fill(target: Buffer, check = true): Promise<boolean> {
    let got = 0;
    while (got < target.length) {
      const { bytesRead } = await this.fh.read(target, got, target.length - got, this.pos + got);
      if (bytesRead === 0) return false;
      got += bytesRead;
    }
    this.pos += got;
    if (check) this.crc = crc32(target, this.crc);
    return true;
  }
}

export async function readIndexFile(path: string): Promise<DecodeResult> {
  const fh = await open(path, 'r');
  try {
    return await decode(new Reader(fh), (await fh.stat()).size);
  } finally {
    await fh.close();
  }
}

async function decode(r: Reader, size: number): Promise<DecodeResult> {
  const start = Buffer.alloc(10);
  if (!(await r.fill(start, false)) || !start.subarray(0, 5).equals(MAGIC)) return { ok: false, reason: 'not a cachectl index' };
  if (start[5] !== INDEX_VERSION) return { ok: false, reason: `index version ${start[5]}, expected ${INDEX_VERSION}` };
  const jsonLen = start.readUInt32LE(6);
  const rest = Buffer.alloc(pad8(10 + jsonLen) + 8 - 10);
  if (jsonLen > size || !(await r.fill(rest, false))) return { ok: false, reason: 'truncated index' };
  let meta: IndexMeta;
  try {
    meta = JSON.parse(rest.toString('utf8', 0, jsonLen));
  } catch {
    return { ok: false, reason: 'corrupt index header' };
  }
  const want = rest.readUInt32LE(rest.length - 8);
  const n = meta.rows;
  if (!Number.isSafeInteger(n) || n < 0 || n * 113 > size) return { ok: false, reason: 'truncated index' };
  const t = UnitTable.restore(n, meta.dirNames);
  const cols = columnsOf(t, n);
  for (const c of cols) if (!(await r.fill(raw(c)))) return { ok: false, reason: 'truncated index' };
  const colBytes = cols.reduce((a, c) => a + c.byteLength, 0);
  if (!(await r.fill(Buffer.alloc(pad8(colBytes) - colBytes)))) return { ok: false, reason: 'truncated index' };
  const lens = new Uint32Array(2 * n);
  if (!(await r.fill(raw(lens)))) return { ok: false, reason: 'truncated index' };
  // Strings, chunk by chunk: a string never straddles what has been decoded.
  let buf = Buffer.alloc(0);
  let off = 0;
  for (let i = 0; i < 2 * n; i++) {
    const len = lens[i];
    if (buf.length - off < len) {
      const fresh = Buffer.allocUnsafe(Math.max(CHUNK, len));
      const carry = buf.subarray(off);
      const need = Math.min(fresh.length - carry.length, size - r.pos);
      carry.copy(fresh);
      const chunk = fresh.subarray(carry.length, carry.length + need);
      if (need <= 0 || !(await r.fill(chunk))) return { ok: false, reason: 'truncated index' };
      buf = fresh.subarray(0, carry.length + need);
      off = 0;
      if (buf.length < len) return { ok: false, reason: 'truncated index' };
    }
    (i < n ? t.name : t.key).pushRaw(buf.subarray(off, off + len));
    off += len;
  }
  if (off !== buf.length || r.pos !== size) return { ok: false, reason: 'index length mismatch' };
  if (r.crc !== want) return { ok: false, reason: 'index checksum mismatch (truncated or corrupt)' };
  return { ok: true, meta, table: t };
}

export type { F64Column };
