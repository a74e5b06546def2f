import { constants } from 'node:os';
import { parseHeader } from '../format/header.js';
import type { FileStat, WalkedFile } from '../scan/walkTypes.js';
import { DIR_HEAD, ENTRY, EntryType, HEADER_BYTES, HeaderState, STAT, viewsOf } from './abi.js';

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
  /** The directory's own stat (zeros unless status is 0). */
  readonly stat: FileStat;
  readonly files: WalkedFile[];
  readonly subdirs: { name: string; stat: FileStat }[];
  readonly errors: { name: string; code: string }[];
  /** Headers longer than one read (keys over ~3.5 KiB): the caller reads them itself. */
  readonly longHeaders: number[];
  readonly others: number;
  readonly vanished: number;
}

/** The stat at byte `at` (STAT layout). */
function statAt(f64: Float64Array, at: number): FileStat {
  const w = at >>> 3;
  return {
    size: f64[w + STAT.fileSize / 8], blocks: f64[w + STAT.blocks / 8], atimeMs: f64[w + STAT.atimeMs / 8], mtimeMs: f64[w + STAT.mtimeMs / 8],
    ctimeMs: f64[w + STAT.ctimeMs / 8], ino: f64[w + STAT.ino / 8], dev: f64[w + STAT.dev / 8],
  };
}

/** Decodes one directory's pack (native/abi.h), parsing the headers it carries. */
export function decodeDir(pack: Buffer): DecodedDir {
  const { buf, f64 } = viewsOf(pack);
  const status = buf.readInt32LE(DIR_HEAD.status);
  const entries = buf.readUInt32LE(DIR_HEAD.entries);
  const headerArea = DIR_HEAD.size + buf.readUInt32LE(DIR_HEAD.entryBytes);
  const out: DecodedDir = {
    status, stat: statAt(f64, DIR_HEAD.dir),
    files: [], subdirs: [], errors: [], longHeaders: [],
    others: buf.readUInt32LE(DIR_HEAD.others), vanished: buf.readUInt32LE(DIR_HEAD.vanished),
  };
  let at = DIR_HEAD.size;
  for (let r = 0; r < entries; r++) {
    const type = buf[at + ENTRY.type];
    const nameLen = buf.readUInt16LE(at + ENTRY.nameLen);
    const nameAt = at + ENTRY.size;
    // Names are bytes; UTF-8 is what the rest of cachectl (and the portable walker) assumes.
    const name = buf.toString('utf8', nameAt, nameAt + nameLen);
    // Only a name holding U+FFFD can be invalid UTF-8: the byte view is made for those alone.
    const raw = name.includes('\ufffd') ? buf.subarray(nameAt, nameAt + nameLen) : null;
    if (type !== EntryType.File && type !== EntryType.Dir) {
      out.errors.push({ name, code: codeOf(buf.readInt32LE(at + ENTRY.err)) });
    } else if (raw && notUtf8(raw, name)) {
      out.errors.push({ name: escapeBytes(raw), code: 'EILSEQ' });
    } else if (type === EntryType.Dir) {
      out.subdirs.push({ name, stat: statAt(f64, at + ENTRY.stat) });
    } else {
      const stat = statAt(f64, at + ENTRY.stat);
      const state = buf[at + ENTRY.header];
      if (state === HeaderState.None) out.files.push({ name, stat });
      else if (state === HeaderState.Failed) out.files.push({ name, stat, header: { ok: false, code: codeOf(buf.readInt32LE(at + ENTRY.err)) } });
      else {
        const off = headerArea + buf.readUInt32LE(at + ENTRY.headerOff);
        const len = buf.readUInt32LE(at + ENTRY.headerLen);
        const full = len < HEADER_BYTES;
        const header = parseHeader(buf.subarray(off, off + len), full);
        if (header.kind === 'bad' && header.needBytes !== undefined && !full) out.longHeaders.push(out.files.length);
        out.files.push({ name, stat, header: { ok: true, header } });
      }
    }
    at += (nameAt + nameLen - at + 7) & ~7;
  }
  return out;
}
