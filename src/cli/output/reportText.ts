import type { Report } from '../../api/report.js';
import { formatAge, formatCount, formatSize } from '../../api/common.js';
import { bar, columns } from './style.js';
import { renderGentooReport } from './gentooText.js';

type Style = { bold(s: string): string; dim(s: string): string; yellow(s: string): string; red(s: string): string };

const n = formatCount;
const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '-');

/** The human report: sections an admin reads top to bottom, numbers right-aligned. */
export function renderReport(r: Report, s: Style, now: number): string {
  const out: string[] = [];
  const fs = r.filesystem;
  out.push(s.bold(`${r.root}`) + s.dim(`  (${r.format}${r.layout ? `, CacheDirLevels ${r.layout.levels} x CacheDirLength ${r.layout.length}` : ''}; scanned in ${(r.scanMs / 1000).toFixed(2)} s${r.reader === 'native' ? '' : `, ${r.reader}`})`) + '\n\n');
  const rows: string[][] = [
    ['entries', n(r.entries), formatSize(r.entryBytes), r.variants ? `${n(r.variants)} vary variants in ${n(r.varyGroups)} groups` : ''],
    ['total on disk', n(r.files) + ' files', formatSize(r.diskBytes), `${formatSize(r.bytes)} apparent, ${n(r.directories)} directories`],
  ];
  if (r.format === 'apache') {
    rows.push(['temp files', n(r.tempFiles.count), formatSize(r.tempFiles.bytes), r.tempFiles.count ? 'left by killed httpd children if old' : '']);
    rows.push(['orphans', n(r.orphans.count), formatSize(r.orphans.bytes), r.orphans.count ? 'body or header missing: never served' : '']);
    rows.push(['unusable', n(r.unusable.count), formatSize(r.unusable.bytes), r.unusable.count ? 'inode mismatch or corrupt: never served' : '']);
    rows.push(['expired', n(r.expired.count), formatSize(r.expired.bytes), `${pct(r.expired.count, r.entries)} of entries (still served after a 304)`]);
  } else {
    rows.push(['partial/temp', n(r.tempFiles.count), formatSize(r.tempFiles.bytes), '']);
  }
  if (r.foreign.count) rows.push(['other files', n(r.foreign.count), formatSize(r.foreign.bytes), 'never touched']);
  if (fs) rows.push(['filesystem', formatSize(fs.size), `${formatSize(fs.available)} free`, `${pct(fs.available, fs.size)} available`]);
  out.push(columns(rows, ['l', 'r', 'r', 'l']));

  const lifetimes = r.expired.profile.filter((p) => p.count > 0);
  if (r.format === 'apache' && lifetimes.length) {
    out.push('\n' + s.bold('Freshness lifetime (expire - date)') + '\n');
    out.push(columns(lifetimes.map((p) => ['  ' + p.label, n(p.count), pct(p.count, r.entries)]), ['l', 'r', 'r']));
    const capped = r.expired.profile[1].count;
    if (capped > r.entries / 2) {
      out.push(s.yellow('  Most entries are fresh for at most a day: httpd caps expiry at CacheMaxExpire (default 86400 s)\n  even when CacheDefaultExpire/CacheMinExpire are larger. Expired here does not mean unused.\n'));
    }
  }

  const maxBytes = Math.max(...r.ageHistogram.map((b) => b.bytes));
  out.push('\n' + s.bold('Last access') + '\n');
  out.push(columns(r.ageHistogram.map((b) => ['  ' + b.label, n(b.count), formatSize(b.bytes), bar(b.bytes, maxBytes)]), ['l', 'r', 'r', 'l']));

  if (r.largest.length) {
    out.push('\n' + s.bold(`Largest ${r.largest.length} entries`) + '\n');
    out.push(columns(r.largest.map((e) => ['  ' + formatSize(e.bytes), formatAge(now - Date.parse(e.lastAccess)) + ' ago', e.url]), ['r', 'r', 'l']));
  }
  if (r.byHost.length > 1 || r.format === 'apache') {
    out.push('\n' + s.bold('By host') + '\n');
    out.push(columns(r.byHost.map((h) => ['  ' + (h.host || '(none)'), n(h.count), formatSize(h.bytes)]), ['l', 'r', 'r']));
  }
  out.push('\n' + s.bold(r.format === 'apache' ? 'By first path segment' : 'By top directory') + '\n');
  out.push(columns(r.byPath.map((h) => ['  ' + h.segment, n(h.count), formatSize(h.bytes)]), ['l', 'r', 'r']));
  out.push(renderGentooReport(r, s, now));

  if (r.vanished) out.push(s.dim(`\n${n(r.vanished)} files vanished while scanning (httpd at work).\n`));
  // Unreadable paths are not part of the report: the command lists them on stderr.
  return out.join('');
}
