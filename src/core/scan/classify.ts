import type { FileStat as Stats, WalkedDir, WalkedFile } from './walkTypes.js';
import { Flag, Kind, REASONS, type Reason, type UnitTable } from '../table/table.js';

/** mod_cache_disk temp files: `aptmp` + 6 mkstemp chars, only ever in CacheRoot. */
export const APACHE_TEMP = /^aptmp[A-Za-z0-9_-]{6}$/i;
/** Partial downloads of common fetchers (portage `.__download__`, wget/curl/browsers). */
const FILES_TEMP = /(\.__download__|\.part|\.partial|\.crdownload|\.tmp)$|^\./;

export interface ClassifyTotals {
  foreignFiles: number;
  foreignBytes: number;
  foreignDisk: number;
  foreignSamples: string[];
  headerErrors: { path: string; code: string }[];
  vanished: number;
}

const disk = (st: Stats): number => st.blocks * 512;
/**
 * Latest ctime of up to two files (no rest arguments or arrays: called per row). The
 * kernel sets ctime on every write, rename, link, chmod, chown and utime, and nobody can
 * set it back: a file whose ctime has not moved is the file that was read. (mtime can be
 * set to anything, even the future, by a restore or `touch -d`.)
 */
const changedAt = (a?: Stats, b?: Stats): number => Math.max(0, a ? a.ctimeMs : 0, b ? b.ctimeMs : 0);

/** Splits a name at its first dot, as htcacheclean does: `X.header` -> ['X', '.header']. */
function splitExt(name: string): [string, string] {
  const dot = name.indexOf('.');
  return dot <= 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot).toLowerCase()];
}

function addForeign(t: ClassifyTotals, rel: string, f: WalkedFile): void {
  t.foreignFiles++;
  t.foreignBytes += f.stat.size;
  t.foreignDisk += disk(f.stat);
  if (t.foreignSamples.length < 10) t.foreignSamples.push(rel === '' ? f.name : `${rel}/${f.name}`);
}

/**
 * Classifies one directory of a mod_cache_disk tree. `.header` and `.data` of one entry
 * always share a directory, so pairing needs nothing outside `dir`.
 */
export function classifyApacheDir(dir: WalkedDir, table: UnitTable, totals: ClassifyTotals): void {
  const dirId = table.internDir(dir.rel);
  const variant = dir.rel.includes('.header.vary') ? Flag.Variant : 0;
  const pairs = new Map<string, { header?: WalkedFile; data?: WalkedFile }>();
  const varyDirs = new Set(dir.subdirs.filter((d) => d.toLowerCase().endsWith('.header.vary')));

  for (const f of dir.files) {
    const [stem, ext] = splitExt(f.name);
    if (ext === '' && dir.rel === '' && APACHE_TEMP.test(f.name)) {
      addRow(table, dirId, f.name, Kind.Temp, '', Flag.RawName, undefined, f);
    } else if (stem !== '' && (ext === '.header' || ext === '.data')) {
      const p = pairs.get(stem) ?? {};
      if (ext === '.header') p.header = f; else p.data = f;
      pairs.set(stem, p);
    } else {
      addForeign(totals, dir.rel, f);
    }
  }

  for (const [stem, { header, data }] of pairs) {
    const r = header?.header;
    if (!header || !r || (!r.ok && r.code === 'ENOENT')) {
      // No header, or it vanished after the walk saw it.
      if (header) totals.vanished++;
      if (data) addRow(table, dirId, stem, Kind.Orphan, 'data-without-header', variant, undefined, data);
      continue;
    }
    if (!r.ok) {
      // Unreadable: we cannot know what it is, so it is reported and never touched.
      totals.headerErrors.push({ path: `${dir.rel}/${header.name}`, code: r.code });
      addForeign(totals, dir.rel, header);
      if (data) addForeign(totals, dir.rel, data);
      continue;
    }
    const h = r.header;
    if (h.kind === 'vary') {
      const hasVariants = varyDirs.has(`${header.name}.vary`) || varyDirs.has(`${stem}.header.vary`);
      const row = addRow(table, dirId, stem, hasVariants ? Kind.VaryIndex : Kind.Orphan, hasVariants ? '' : 'vary-without-variants', variant, header, undefined);
      table.f64.expire[row] = h.expire;
      if (data) addRow(table, dirId, stem, Kind.Orphan, 'stray-data', variant, undefined, data);
      continue;
    }
    if (h.kind === 'bad') {
      addRow(table, dirId, stem, Kind.Unusable, h.reason === 'format' ? 'unknown-format' : 'corrupt-header', variant, header, data);
      continue;
    }
    let kind = Kind.Entry;
    let reason: Reason = '';
    let body = data;
    if (h.hasBody && !data) { kind = Kind.Orphan; reason = 'header-without-data'; }
    else if (h.hasBody && data && (data.stat.ino !== h.inode || data.stat.dev !== h.device)) {
      kind = Kind.Unusable; reason = 'inode-mismatch';
    } else if (!h.hasBody && data) {
      // A body next to a body-less header is never served: its own unit, so it can go alone.
      addRow(table, dirId, stem, Kind.Orphan, 'stray-data', variant, undefined, data);
      body = undefined;
    }
    const row = addRow(table, dirId, stem, kind, reason, variant | (h.hasBody ? Flag.HasBody : 0) | (h.headerOnly ? Flag.HeaderOnly : 0), header, body, h.key);
    table.status[row] = h.status & 0xffff;
    const v = table.f64;
    v.expire[row] = h.expire;
    v.date[row] = h.date;
    v.requestTime[row] = h.requestTime;
    v.responseTime[row] = h.responseTime;
  }
}

/** A row for a header and/or body (either may be absent); flags HasHeader/HasData are set from them. */
function addRow(
  table: UnitTable, dir: number, name: string, kind: Kind, reason: Reason, flags: number,
  header: WalkedFile | undefined, data: WalkedFile | undefined, key = '',
): number {
  const h = header?.stat;
  const d = data?.stat;
  const i = table.append(kind, REASONS.indexOf(reason), flags | (h ? Flag.HasHeader : 0) | (d ? Flag.HasData : 0), dir, name, key);
  const v = table.f64;
  if (h) { v.hdrSize[i] = h.size; v.hdrDisk[i] = disk(h); v.hdrMtime[i] = h.mtimeMs; v.hdrAtime[i] = h.atimeMs; }
  if (d) { v.dataSize[i] = d.size; v.dataDisk[i] = disk(d); v.dataMtime[i] = d.mtimeMs; v.dataAtime[i] = d.atimeMs; }
  v.changed[i] = changedAt(h, d);
  return i;
}

/** Files mode (a distfiles directory): every regular file is an entry keyed by its path. */
export function classifyFilesDir(dir: WalkedDir, table: UnitTable): void {
  const dirId = table.internDir(dir.rel);
  for (const f of dir.files) {
    addRow(table, dirId, f.name, FILES_TEMP.test(f.name) ? Kind.Temp : Kind.Entry, '', Flag.RawName, undefined, f, dir.rel === '' ? f.name : `${dir.rel}/${f.name}`);
  }
}
