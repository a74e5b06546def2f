import { constants } from 'node:os';
import { parseHeader } from '../format/header.js';
import type { FileStat, WalkedFile } from '../scan/walkTypes.js';

/** Offsets of native/pack.h. */
const PACK_HEAD = 96;
const REC_HEAD = 72;
const REC_FILE = 1;
const REC_DIR = 2;
const HEADER_BYTES = 4096;

const errnoName = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v, k]));
export const codeOf = (errno: number): string => errnoName.get(errno) ?? `E${errno}`;

/** A file name's bytes for people: printable ASCII as is, anything else as \xNN. */
export function escapeBytes(b: Buffer): string {
  let out = '';
  for (const c of b) out += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return out;
}

/**
 * A name whose bytes are not valid UTF-8 cannot be named again through node's string
 * paths (it would come back as U+FFFD and "vanish"): it is reported, never touched.
 */
export function notUtf8(raw: Buffer, name: string): boolean {
  return !Buffer.from(name, 'utf8').equals(raw);
}

export interface DecodedDir {
  /** 0, or the errno that kept the directory from being listed (ELOOP: swapped). */
  readonly status: number;
  readonly stat: FileStat | null;
  readonly files: WalkedFile[];
  readonly subdirs: { name: string; stat: FileStat }[];
  readonly errors: { name: string; code: string }[];
  /** Headers longer than one read (keys over ~3.5 KiB): the caller reads them itself. */
  readonly longHeaders: number[];
  readonly others: number;
  readonly vanished: number;
  readonly noatimeDenied: boolean;
}

function statAt(v: Float64Array, i: number): FileStat {
  return { size: v[i], blocks: v[i + 1], atimeMs: v[i + 2], mtimeMs: v[i + 3], ctimeMs: v[i + 4], ino: v[i + 5], dev: v[i + 6] };
}

/** Decodes one native readDir result (native/pack.h), parsing the headers it carries. */
export function decodeDir(buf: Buffer): DecodedDir {
  // Packs are 8-byte aligned within a fresh buffer; copy if a runtime ever hands us less.
  if (buf.byteOffset % 8 !== 0) buf = Buffer.from(buf);
  const f64 = new Float64Array(buf.buffer, buf.byteOffset, buf.length >>> 3);
  const status = buf.readInt32LE(0);
  const records = buf.readUInt32LE(12);
  const headerArea = PACK_HEAD + buf.readUInt32LE(20);
  const out: DecodedDir = {
    status, stat: status === 0 ? statAt(f64, 3) : null,
    files: [], subdirs: [], errors: [], longHeaders: [],
    others: buf.readUInt32LE(4), vanished: buf.readUInt32LE(8), noatimeDenied: buf.readUInt32LE(16) === 1,
  };
  let at = PACK_HEAD;
  for (let r = 0; r < records; r++) {
    const type = buf[at];
    const nameLen = buf.readUInt16LE(at + 2);
    // Names are bytes; UTF-8 is what the rest of cachectl (and the JS walker) assumes.
    const name = buf.toString('utf8', at + REC_HEAD, at + REC_HEAD + nameLen);
    // Only a name holding U+FFFD can be invalid UTF-8: the byte view is made for those alone.
    const raw = name.includes('\ufffd') ? buf.subarray(at + REC_HEAD, at + REC_HEAD + nameLen) : null;
    if (type !== REC_FILE && type !== REC_DIR) {
      out.errors.push({ name, code: codeOf(buf.readInt32LE(at + 4)) });
    } else if (raw && notUtf8(raw, name)) {
      out.errors.push({ name: escapeBytes(raw), code: 'EILSEQ' });
    } else if (type === REC_DIR) {
      out.subdirs.push({ name, stat: statAt(f64, (at + 16) >>> 3) });
    } else if (type === REC_FILE) {
      const stat = statAt(f64, (at + 16) >>> 3);
      const hstate = buf[at + 1];
      if (hstate === 0) out.files.push({ name, stat });
      else if (hstate === 2) out.files.push({ name, stat, header: { ok: false, code: codeOf(buf.readInt32LE(at + 4)) } });
      else {
        const off = headerArea + buf.readUInt32LE(at + 8);
        const len = buf.readUInt32LE(at + 12);
        const full = len < HEADER_BYTES;
        const header = parseHeader(buf.subarray(off, off + len), full);
        if (header.kind === 'bad' && header.needBytes !== undefined && !full) out.longHeaders.push(out.files.length);
        out.files.push({ name, stat, header: { ok: true, header } });
      }
    }
    at += (REC_HEAD + nameLen + 7) & ~7;
  }
  return out;
}

/**
 * Walks a native readTree result (native/pack.h, "tree"): each directory of the subtree,
 * depth first, with its path below the subtree's top ('' = the top itself).
 */
export function forEachTreeDir(buf: Buffer, each: (rel: string, dir: DecodedDir) => void): void {
  let at = 0;
  while (at < buf.length) {
    const seg = buf.readUInt32LE(at);
    const relLen = buf.readUInt32LE(at + 4);
    const rel = buf.toString('utf8', at + 8, at + 8 + relLen);
    const head = (8 + relLen + 7) & ~7;
    each(rel, decodeDir(buf.subarray(at + head, at + 4 + seg)));
    at += 4 + seg;
  }
}
