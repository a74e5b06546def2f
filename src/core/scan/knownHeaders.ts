import type { DirRecord } from '../index/format.js';
import type { EntryHeader } from '../format/header.js';
import { Flag, Kind, REASONS, type UnitTable } from './table.js';
import type { WalkedFile } from './walk.js';
import type { KnownHeaders } from './walkNative.js';

const INODE_MISMATCH = REASONS.indexOf('inode-mismatch');
const NO_VARIANTS = REASONS.indexOf('vary-without-variants');
const HEADER_WITHOUT_DATA = REASONS.indexOf('header-without-data');

/** The file is the one the row describes: same size and mtime, nothing written since. */
const sameFile = (f: WalkedFile | undefined, size: number, mtime: number, changed: number): boolean =>
  f !== undefined && f.stat.size === size && f.stat.mtimeMs === mtime && Math.max(f.stat.ctimeMs, f.stat.mtimeMs) <= changed;

/**
 * A directory changed since the index (one entry of 200 stored, say): its other headers
 * need not be read again. The native reader skips a header whose size, mtime and ctime
 * say it is the file the index saw, and the header is rebuilt here from the index row.
 *
 * Only where the row says all classify needs: entries and vary indexes. An entry's body
 * must be unchanged too (its inode is what the header claims; the index does not keep the
 * claim itself). Anything else (a corrupt header, a changed body) returns null and is
 * read from disk as before.
 */
export function knownHeadersOf(t: UnitTable, d: DirRecord): KnownHeaders | undefined {
  const rows = new Map<string, number>();
  for (let i = d.rowStart; i < d.rowStart + d.rowCount; i++) {
    const f = t.flags[i];
    if (f & Flag.HasHeader && !(f & Flag.RawName)) rows.set(`${t.name.get(i)}.header`, i);
  }
  if (rows.size === 0) return undefined;
  let size = 8;
  for (const name of rows.keys()) size += (32 + Buffer.byteLength(name) + 7) & ~7;
  const request = Buffer.alloc(size);
  request.writeUInt32LE(rows.size, 0);
  let at = 8;
  for (const [name, i] of rows) {
    request.writeDoubleLE(t.f64.hdrSize[i], at);
    request.writeDoubleLE(t.f64.hdrMtime[i], at + 8);
    request.writeDoubleLE(t.f64.changed[i], at + 16);
    const n = request.write(name, at + 32);
    request.writeUInt16LE(n, at + 24);
    at = (at + 32 + n + 7) & ~7;
  }
  return { request, resolve: (name, files) => resolve(t, rows.get(name), name, files) };
}

function resolve(t: UnitTable, i: number | undefined, name: string, files: readonly WalkedFile[]) {
  if (i === undefined) return null;
  const kind = t.kind[i];
  const v = t.f64;
  if (kind === Kind.VaryIndex || (kind === Kind.Orphan && t.reason[i] === NO_VARIANTS)) {
    return { ok: true as const, header: { kind: 'vary' as const, expire: v.expire[i], names: [] } };
  }
  const mismatch = kind === Kind.Unusable && t.reason[i] === INODE_MISMATCH;
  if (kind !== Kind.Entry && !mismatch && !(kind === Kind.Orphan && t.reason[i] === HEADER_WITHOUT_DATA)) return null;
  const hasBody = (t.flags[i] & Flag.HasBody) !== 0;
  const dataName = `${name.slice(0, -'.header'.length)}.data`;
  const data = files.find((f) => f.name === dataName);
  let inode = 0;
  let device = 0;
  if (hasBody && data) {
    // The header's claim is only known through the body the index saw.
    if (!(t.flags[i] & Flag.HasData) || !sameFile(data, v.dataSize[i], v.dataMtime[i], v.changed[i])) return null;
    inode = mismatch ? -1 : data.stat.ino;
    device = data.stat.dev;
  }
  const header: EntryHeader = {
    kind: 'entry', status: t.status[i], nameLen: 0, entityVersion: 0,
    date: v.date[i], expire: v.expire[i], requestTime: v.requestTime[i], responseTime: v.responseTime[i],
    inode, device, hasBody, headerOnly: (t.flags[i] & Flag.HeaderOnly) !== 0, control: 0, key: t.key.get(i),
  };
  return { ok: true as const, header };
}
