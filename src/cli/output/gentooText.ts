import type { Report } from '../../api/report.js';
import type { PruneResult } from '../../api/prune.js';
import type { RepoInfo } from '../../api/gentoo.js';
import { formatAge, formatCount, formatSize } from '../../api/common.js';
import { columns, escapeControl } from './style.js';

type Style = { bold(s: string): string; dim(s: string): string; yellow(s: string): string };
const n = formatCount;

/** `2 repositories, 20,000 Manifests, 62,000 names (read from the saved copy)`. */
function reposLine(repos: RepoInfo[], names: number): string {
  const manifests = repos.reduce((k, r) => k + r.manifests, 0);
  const cached = repos.filter((r) => r.cached).length;
  const from = cached === repos.length ? 'the saved copy' : cached === 0 ? 'the Manifests' : `the saved copy for ${cached}, the Manifests for ${repos.length - cached}`;
  return `${n(repos.length)} ${repos.length === 1 ? 'repository' : 'repositories'}, ${n(manifests)} Manifests, ${n(names)} distfile names, read from ${from}`;
}

/** Said when --repo judged nothing: the likely cause is the pattern (a flat DISTDIR, another mirror path). */
const noneMatch = (glob: string) => `no entry's URL path matches --distfiles-match ${escapeControl(glob)} (a plain distfiles directory needs --distfiles-match '*')`;

/** The report's Gentoo section (only with --repo). */
export function renderGentooReport(r: Report, s: Style, now: number): string {
  const g = r.gentoo;
  if (!g || !r.retired || !r.mismatch || !r.duplicates) return '';
  const grace = formatAge(g.retiredGraceMs);
  const rows = [
    ['  distfiles', n(g.distfiles.count), formatSize(g.distfiles.bytes), `URL path matches ${escapeControl(g.distfilesMatch)}`],
    ['  live', n(g.live.count), formatSize(g.live.bytes), 'named by a Manifest'],
    ['  retired', n(r.retired.count), formatSize(r.retired.bytes), `named by no Manifest, unused for ${grace}`],
    ['  unlisted', n(g.unlisted.count), formatSize(g.unlisted.bytes), `named by no Manifest, used within ${grace}`],
    ['  mismatch', n(r.mismatch.count), formatSize(r.mismatch.bytes), r.mismatch.count ? 'size differs from every Manifest\'s: every client rejects it' : ''],
    ['  duplicates', n(r.duplicates.count), formatSize(r.duplicates.bytes), r.duplicates.count ? 'copies of a name under another URL (one copy each would save this)' : ''],
  ];
  let out = '\n' + s.bold('Gentoo distfiles') + s.dim(`  (${reposLine(g.repos, g.names)})`) + '\n' + columns(rows, ['l', 'r', 'r', 'l']);
  if (g.distfiles.count === 0 && r.entries > 0) out += s.yellow(`  ${noneMatch(g.distfilesMatch)}\n`);
  if (r.mismatch.largest.length) {
    out += s.yellow(`  mismatch (prune removes these on every run):\n`);
    out += columns(r.mismatch.largest.map((e) => ['    ' + formatSize(e.bytes), formatAge(now - Date.parse(e.lastAccess)) + ' ago', escapeControl(e.url)]), ['r', 'r', 'l']);
  }
  return out;
}

/** The prune summary's rows for --protect and --repo. */
export function gentooPruneRows(r: PruneResult): string[][] {
  const rows: string[][] = [];
  if (r.protected) rows.push(['protected', formatSize(r.protected.bytes), `${n(r.protected.entries)} entries kept out of every pass (--protect)`]);
  const g = r.gentoo;
  if (g) {
    rows.push(['distfiles', formatSize(g.distfiles.bytes), g.distfiles.entries === 0 && r.before.entries > 0 ? noneMatch(g.distfilesMatch) : `${n(g.distfiles.entries)} entries; ${reposLine(g.repos, g.names)}`]);
    rows.push(['mismatch', formatSize(g.mismatch.bytes), `${n(g.mismatch.entries)} distfiles whose size no Manifest gives (dead weight)`]);
    const grace = formatAge(g.retiredGraceMs);
    rows.push(['retired', formatSize(g.retired.bytes), `${n(g.retired.entries)} distfiles no Manifest names, unused for ${grace}${g.evictRetired ? ' (--evict-retired)' : ''}; ${n(g.unlisted.entries)} more used within it`]);
  }
  return rows;
}
