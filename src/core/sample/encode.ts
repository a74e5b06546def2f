import { DISK_FORMAT_VERSION, ENTRY_STRUCT_SIZE, VARY_FORMAT_VERSION } from '../format/header.js';

export interface EntryHeaderFields {
  key: string;
  status?: number;
  /** apr_time_t µs. */
  date: number;
  expire: number;
  requestTime: number;
  responseTime: number;
  inode: bigint;
  device: bigint;
  hasBody: boolean;
  headerOnly?: boolean;
  responseHeaders?: Record<string, string>;
  requestHeaders?: Record<string, string>;
}

const crlfBlock = (h: Record<string, string> = {}): string =>
  Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';

/** Bytes of a format 6 .header exactly as mod_cache_disk's write_headers lays them out. */
export function encodeEntryHeader(f: EntryHeaderFields): Buffer {
  const key = Buffer.from(f.key, 'latin1');
  const s = Buffer.alloc(ENTRY_STRUCT_SIZE);
  s.writeUInt32LE(DISK_FORMAT_VERSION, 0);
  s.writeInt32LE(f.status ?? 200, 4);
  s.writeBigUInt64LE(BigInt(key.length), 8);
  s.writeBigUInt64LE(0n, 16); // entity_version: always 0 in practice
  s.writeBigInt64LE(BigInt(f.date), 24);
  s.writeBigInt64LE(BigInt(f.expire), 32);
  s.writeBigInt64LE(BigInt(f.requestTime), 40);
  s.writeBigInt64LE(BigInt(f.responseTime), 48);
  s.writeBigUInt64LE(f.inode, 56);
  s.writeBigUInt64LE(f.device, 64);
  s.writeUInt32LE((f.hasBody ? 1 : 0) | (f.headerOnly ? 2 : 0), 72);
  s.writeUInt32LE(1, 80); // control: parsed
  for (let off = 88; off < 120; off += 8) s.writeBigInt64LE(-1n, off);
  return Buffer.concat([s, key, Buffer.from(crlfBlock(f.responseHeaders) + crlfBlock(f.requestHeaders), 'latin1')]);
}

/** Bytes of a format 5 vary index: no padding, names lowercased and sorted. */
export function encodeVaryIndex(expire: number, names: readonly string[]): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(VARY_FORMAT_VERSION, 0);
  head.writeBigInt64LE(BigInt(expire), 4);
  const sorted = names.map((n) => n.toLowerCase()).sort();
  return Buffer.concat([head, Buffer.from(sorted.map((n) => `${n}\r\n`).join('') + '\r\n', 'latin1')]);
}
