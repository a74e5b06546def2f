import type { DirRecord } from '../index/format.js';
import type { EntryHeader } from '../format/header.js';
import type { HeaderReadResult } from './readHeader.js';
import { Flag, Kind, REASONS, type UnitTable } from './table.js';
import type { FileStat, WalkedFile } from './walk.js';

const INODE_MISMATCH = REASONS.indexOf('inode-mismatch');
const NO_VARIANTS = REASONS.indexOf('vary-without-variants');
const HEADER_WITHOUT_DATA = REASONS.indexOf('header-without-data');
const HEADER = Buffer.from('.header');
const DATA = Buffer.from('.data');
const NONE = Buffer.alloc(0);
/** f64 per slot of native/pack.h: stat x7, seen. */
const SLOT = 8;

/** A changed directory, diffed against its index rows (walkNative.ts). */
export interface KnownDiff {
  /** Index rows still true of the directory: kept in place, access times refreshed. */
  kept: number[];
  /** Files left to classify: new and changed ones, and unchanged ones of rows not kept. */
  rest: WalkedFile[];
  /** Indexes into `rest` of headers to read from disk (the index cannot vouch for them). */
  slow: number[];
}

/** The files of a changed directory that the index knows, and the diff against what the native reader found. */
export interface KnownFiles {
  /** The directory's index rows: the native reader reads their files from the columns (native/known.c). */
  readonly rowStart: number;
  readonly rowCount: number;
  /** `subdirs`: the directory's subdirectory names as just read (a vary index's `.vary` directory). */
  diff(files: readonly WalkedFile[], slots: Float64Array | null, subdirs: readonly string[]): KnownDiff;
}

/**
 * A directory changed since the index (one entry of 240 stored, say). The native reader
 * gets every file of its rows (name, size, mtime, latest ctime); a file still the same
 * gets no record, only its stat in a slot, and a header is not read again. Then each row
 * whose files are all unchanged, with no partner file new beside them, is kept as it is:
 * only new and changed files cost JS work (measured at 500k entries, 1% changed: decoding
 * and classifying every file of the 4096 changed directories was ~5 s of an 8 s run).
 * Slots are numbered as native/known.c numbers them: per row, its raw name, or its
 * header then its body.
 */
export function knownFilesOf(t: UnitTable, d: DirRecord): KnownFiles | undefined {
  if (d.rowCount === 0) return undefined;
  const { rowStart, rowCount } = d;
  const diff = (files: readonly WalkedFile[], slots: Float64Array | null, subdirs: readonly string[]): KnownDiff => {
    const rows: number[] = [];
    const suffixes: Buffer[] = [];
    for (let i = rowStart; i < rowStart + rowCount; i++) {
      const f = t.flags[i];
      if (f & Flag.RawName) { rows.push(i); suffixes.push(NONE); continue; }
      if (f & Flag.HasHeader) { rows.push(i); suffixes.push(HEADER); }
      if (f & Flag.HasData) { rows.push(i); suffixes.push(DATA); }
    }
    return diffRows(t, rows, suffixes, files, slots, subdirs);
  };
  return { rowStart, rowCount, diff };
}

const statOf = (s: Float64Array, k: number): FileStat => ({
  size: s[k], blocks: s[k + 1], atimeMs: s[k + 2], mtimeMs: s[k + 3], ctimeMs: s[k + 4], ino: s[k + 5], dev: s[k + 6],
});

function diffRows(t: UnitTable, rows: number[], suffixes: Buffer[], files: readonly WalkedFile[], slots: Float64Array | null, subdirs: readonly string[]): KnownDiff {
  const rest: WalkedFile[] = [...files];
  const kept: number[] = [];
  let varyDirs: Set<string> | undefined;
  /** Unchanged files of rows not kept, with their row (no name-to-row map: ~0.2 s at 1% changed of 500k). */
  const unchanged: { f: WalkedFile; row: number }[] = [];
  for (let slot = 0; slot < rows.length; ) {
    const i = rows[slot];
    let end = slot;
    while (end < rows.length && rows[end] === i) end++;
    // Slot bits (native/pack.h): 1 = unchanged, 2 = a new or changed file beside it
    // shares its stem (a body stored for a header-only orphan, say: that changes what the
    // row is, so it is classified again). Marked by the reader (known.c, touch_stem): a
    // set of stems and a decoded name per row here cost ~0.2 s at 1% changed of 500k.
    let all = slots !== null;
    let touched = false;
    for (let k = slot; k < end && slots; k++) {
      const bits = slots[k * SLOT + 7];
      if ((bits & 1) === 0) all = false;
      if (bits & 2) touched = true;
    }
    const kind = t.kind[i];
    // A vary index is what its `.vary` directory makes it (classify.ts: variants or not):
    // kept only while that directory is still there, or still absent, as the row says.
    // (Re-classifying every vary index of a changed directory was 12k of the 18k new rows
    // at 1% changed of 500k entries.)
    const vary = kind === Kind.VaryIndex || (kind === Kind.Orphan && t.reason[i] === NO_VARIANTS);
    const varyMoved = vary && all && !touched && (kind === Kind.VaryIndex) !== (varyDirs ??= new Set(subdirs)).has(`${t.name.get(i)}.header.vary`);
    if (all && !touched && !varyMoved) {
      kept.push(i);
      for (let k = slot; k < end; k++) {
        const atime = slots![k * SLOT + 2];
        if (suffixes[k] === HEADER) t.f64.hdrAtime[i] = atime; else t.f64.dataAtime[i] = atime;
      }
    } else if (slots) {
      const stem = t.name.get(i);
      for (let k = slot; k < end; k++) {
        if (slots[k * SLOT + 7] & 1) unchanged.push({ f: { name: stem + suffixes[k].toString('latin1'), stat: statOf(slots, k * SLOT) }, row: i });
      }
    }
    slot = end;
  }
  // Unchanged files of rows not kept: classified with the rest; their headers rebuilt from the index.
  const slow: number[] = [];
  let byName: Map<string, WalkedFile> | undefined;
  for (const { f, row } of unchanged) {
    if (!f.name.endsWith('.header')) { rest.push(f); continue; }
    byName ??= new Map([...files, ...unchanged.map((u) => u.f)].map((x) => [x.name, x]));
    const header = resolve(t, row, f.name, byName);
    if (!header) slow.push(rest.length);
    rest.push(header ? { name: f.name, stat: f.stat, header } : f);
  }
  return { kept, rest, slow };
}

/** The file is the one the row describes: same size and mtime, nothing written since. */
const sameFile = (f: WalkedFile | undefined, size: number, mtime: number, changed: number): boolean =>
  f !== undefined && f.stat.size === size && f.stat.mtimeMs === mtime && Math.max(f.stat.ctimeMs, f.stat.mtimeMs) <= changed;

/**
 * An unchanged header rebuilt from its index row, only where the row says all classify
 * needs: entries and vary indexes. An entry's body must be unchanged too (its inode is
 * what the header claims; the index does not keep the claim itself). Anything else (a
 * corrupt header, a changed body) returns null and is read from disk as before.
 */
function resolve(t: UnitTable, i: number, name: string, files: Map<string, WalkedFile>): HeaderReadResult | null {
  const kind = t.kind[i];
  const v = t.f64;
  if (kind === Kind.VaryIndex || (kind === Kind.Orphan && t.reason[i] === NO_VARIANTS)) {
    return { ok: true as const, header: { kind: 'vary' as const, expire: v.expire[i], names: [] } };
  }
  const mismatch = kind === Kind.Unusable && t.reason[i] === INODE_MISMATCH;
  if (kind !== Kind.Entry && !mismatch && !(kind === Kind.Orphan && t.reason[i] === HEADER_WITHOUT_DATA)) return null;
  const hasBody = (t.flags[i] & Flag.HasBody) !== 0;
  const data = files.get(`${name.slice(0, -'.header'.length)}.data`);
  let inode = 0;
  let device = 0;
  if (hasBody && data) {
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
