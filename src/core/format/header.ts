/**
 * Parsers for mod_cache_disk's .header files (httpd 2.4, LP64 little-endian Linux).
 * Format 6 = entry header (a 120-byte disk_cache_info_t, then the key, then CRLF
 * header blocks); format 5 = vary index (uint32 5, int64 expire, CRLF names).
 * Parsing never throws: anything that does not fit is returned as a classified failure.
 */

export const DISK_FORMAT_VERSION = 6;
export const VARY_FORMAT_VERSION = 5;
export const ENTRY_STRUCT_SIZE = 120;
/** Keys longer than this are not plausible (httpd lines are 8 KiB); treat as corrupt. */
export const MAX_KEY_LENGTH = 64 * 1024;

export interface EntryHeader {
  readonly kind: 'entry';
  readonly status: number;
  readonly nameLen: number;
  readonly entityVersion: number;
  /** apr_time_t values: microseconds since the epoch. */
  readonly date: number;
  readonly expire: number;
  readonly requestTime: number;
  readonly responseTime: number;
  /** The body's inode and device, as numbers the way node's Stats#ino/#dev are. */
  readonly inode: number;
  readonly device: number;
  readonly hasBody: boolean;
  readonly headerOnly: boolean;
  readonly control: number;
  readonly key: string;
}

export interface VaryIndex {
  readonly kind: 'vary';
  readonly expire: number;
  readonly names: readonly string[];
}

export interface BadHeader {
  readonly kind: 'bad';
  /** 'short': fewer bytes than the format needs; 'format': an unknown version number. */
  readonly reason: 'short' | 'format' | 'key';
  readonly format?: number;
  /** For an entry header whose key was cut off: how many bytes a full read needs. */
  readonly needBytes?: number;
}

export type ParsedHeader = EntryHeader | VaryIndex | BadHeader;

/**
 * int64 µs -> number. Real values are < 2^53; out-of-range garbage is clamped, never
 * thrown. Two 32-bit reads, not readBigInt64LE: a BigInt per field cost ~1 µs per header.
 */
function i64(buf: Buffer, off: number): number {
  // Exact below 2^53 in magnitude; beyond, rounded, then clamped like the BigInt version.
  const v = buf.readInt32LE(off + 4) * 4294967296 + buf.readUInt32LE(off);
  return v > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : v < Number.MIN_SAFE_INTEGER ? Number.MIN_SAFE_INTEGER : v;
}

/** uint64 -> number, rounded exactly as C's (double) cast, which is how node and the native reader give st_ino. */
function u64(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off + 4) * 4294967296 + buf.readUInt32LE(off);
}

/**
 * Parses the first bytes of a .header file. `buf` may be a prefix; when the key does
 * not fit, the result is `{kind:'bad', reason:'short', needBytes}` and the caller may
 * read more (only when `complete` is false, i.e. the file is longer than `buf`).
 */
export function parseHeader(buf: Buffer, complete = true): ParsedHeader {
  if (buf.length < 4) return { kind: 'bad', reason: 'short' };
  const format = buf.readUInt32LE(0);
  if (format === VARY_FORMAT_VERSION) return parseVary(buf);
  if (format !== DISK_FORMAT_VERSION) return { kind: 'bad', reason: 'format', format };
  if (buf.length < ENTRY_STRUCT_SIZE) return { kind: 'bad', reason: 'short', format };
  const nameLen = u64(buf, 8);
  if (nameLen === 0 || nameLen > MAX_KEY_LENGTH) return { kind: 'bad', reason: 'key', format };
  const end = ENTRY_STRUCT_SIZE + nameLen;
  if (buf.length < end) {
    return complete ? { kind: 'bad', reason: 'short', format } : { kind: 'bad', reason: 'short', format, needBytes: end };
  }
  const bits = buf.readUInt32LE(72);
  return {
    kind: 'entry',
    status: buf.readInt32LE(4),
    nameLen,
    entityVersion: buf.readUInt32LE(16),
    date: i64(buf, 24),
    expire: i64(buf, 32),
    requestTime: i64(buf, 40),
    responseTime: i64(buf, 48),
    inode: u64(buf, 56),
    device: u64(buf, 64),
    hasBody: (bits & 1) !== 0,
    headerOnly: (bits & 2) !== 0,
    control: buf.readUInt32LE(80),
    // latin1 keeps every byte of a key that is not valid UTF-8 (httpd stores raw bytes).
    key: buf.toString('latin1', ENTRY_STRUCT_SIZE, end),
  };
}

function parseVary(buf: Buffer): ParsedHeader {
  if (buf.length < 12) return { kind: 'bad', reason: 'short', format: VARY_FORMAT_VERSION };
  const text = buf.toString('latin1', 12);
  const names: string[] = [];
  for (const line of text.split('\r\n')) {
    if (line === '') break;
    names.push(line);
  }
  return { kind: 'vary', expire: i64(buf, 4), names };
}

/** Splits the CRLF header blocks after the key (response, then request headers). */
export function parseHeaderBlocks(buf: Buffer, nameLen: number): { response: Record<string, string>; request: Record<string, string> } {
  const text = buf.toString('latin1', ENTRY_STRUCT_SIZE + nameLen);
  const blocks: Record<string, string>[] = [{}, {}];
  let b = 0;
  for (const line of text.split('\r\n')) {
    if (b > 1) break;
    if (line === '') { b++; continue; }
    const colon = line.indexOf(':');
    if (colon > 0) blocks[b][line.slice(0, colon)] = line.slice(colon + 1).trimStart();
  }
  return { response: blocks[0], request: blocks[1] };
}
