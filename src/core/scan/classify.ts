import type { Stats } from 'node:fs';
import type { WalkedDir, WalkedFile } from './walk.js';
import { Flag, Kind, REASONS, type Reason, type UnitRow, type UnitTable } from './table.js';

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

const reasonCode = (r: Reason): number => REASONS.indexOf(r);
const disk = (st: Stats): number => st.blocks * 512;
const changedAt = (...sts: (Stats | undefined)[]): number =>
  Math.max(0, ...sts.map((s) => (s ? Math.max(s.ctimeMs, s.mtimeMs) : 0)));

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
  const inVary = dir.rel.includes('.header.vary');
  const pairs = new Map<string, { header?: WalkedFile; data?: WalkedFile }>();
  const varyDirs = new Set(dir.subdirs.filter((d) => d.toLowerCase().endsWith('.header.vary')));

  for (const f of dir.files) {
    const [stem, ext] = splitExt(f.name);
    if (ext === '' && dir.rel === '' && APACHE_TEMP.test(f.name)) {
      table.add({ kind: Kind.Temp, flags: Flag.RawName | Flag.HasData, dir: dirId, name: f.name, values: dataValues(f.stat) });
    } else if (stem !== '' && (ext === '.header' || ext === '.data')) {
      const p = pairs.get(stem) ?? {};
      if (ext === '.header') p.header = f; else p.data = f;
      pairs.set(stem, p);
    } else {
      addForeign(totals, dir.rel, f);
    }
  }

  for (const [stem, { header, data }] of pairs) {
    const variant = inVary ? Flag.Variant : 0;
    if (!header) {
      addRow(table, dirId, stem, Kind.Orphan, 'data-without-header', variant, undefined, data);
      continue;
    }
    const r = header.header!;
    if (!r.ok) {
      if (r.code === 'ENOENT') { totals.vanished++; if (data) addRow(table, dirId, stem, Kind.Orphan, 'data-without-header', variant, undefined, data); continue; }
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
      if (data) addRow(table, dirId, stem, Kind.Orphan, 'stray-data', variant | Flag.HasData, undefined, data, true);
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
    else if (h.hasBody && data && (BigInt(data.stat.ino) !== h.inode || BigInt(data.stat.dev) !== h.device)) {
      kind = Kind.Unusable; reason = 'inode-mismatch';
    } else if (!h.hasBody && data) {
      // A body next to a body-less header is never served: its own unit, so it can go alone.
      addRow(table, dirId, stem, Kind.Orphan, 'stray-data', variant, undefined, data, true);
      body = undefined;
    }
    const row = addRow(table, dirId, stem, kind, reason, variant | (h.hasBody ? Flag.HasBody : 0) | (h.headerOnly ? Flag.HeaderOnly : 0), header, body);
    table.key.set(row, h.key);
    table.status[row] = h.status & 0xffff;
    const v = table.f64;
    v.expire[row] = h.expire;
    v.date[row] = h.date;
    v.requestTime[row] = h.requestTime;
    v.responseTime[row] = h.responseTime;
  }
}

function addRow(
  table: UnitTable, dir: number, stem: string, kind: Kind, reason: Reason, flags: number,
  header: WalkedFile | undefined, data: WalkedFile | undefined, dataOnly = false,
): number {
  const row: UnitRow = {
    kind, reason: reasonCode(reason), dir, name: stem,
    flags: (flags & ~(Flag.HasHeader | Flag.HasData)) | (header && !dataOnly ? Flag.HasHeader : 0) | (data ? Flag.HasData : 0),
    values: {
      ...(header && !dataOnly ? headerValues(header.stat) : {}),
      ...(data ? dataValues(data.stat) : {}),
      changed: changedAt(dataOnly ? undefined : header?.stat, data?.stat),
    },
  };
  return table.add(row);
}

const headerValues = (st: Stats) => ({ hdrSize: st.size, hdrDisk: disk(st), hdrMtime: st.mtimeMs, hdrAtime: st.atimeMs });
const dataValues = (st: Stats) => ({ dataSize: st.size, dataDisk: disk(st), dataMtime: st.mtimeMs, dataAtime: st.atimeMs, changed: changedAt(st) });

/** Files mode (a distfiles directory): every regular file is an entry keyed by its path. */
export function classifyFilesDir(dir: WalkedDir, table: UnitTable): void {
  const dirId = table.internDir(dir.rel);
  for (const f of dir.files) {
    const temp = FILES_TEMP.test(f.name);
    const row = table.add({ kind: temp ? Kind.Temp : Kind.Entry, flags: Flag.RawName | Flag.HasData, dir: dirId, name: f.name, values: dataValues(f.stat) });
    table.key.set(row, dir.rel === '' ? f.name : `${dir.rel}/${f.name}`);
  }
}
