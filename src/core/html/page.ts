import { contentSecurityPolicy } from './csp.js';
import { escapeHtml } from './escape.js';
import { age, count, share, size, utc } from './fmt.js';
import type { PageModel } from './modelTypes.js';
import { historyPanel } from './panels/history.js';
import { note, panel } from './panels/panel.js';
import { sizingPanel } from './panels/sizing.js';
import { deadWeightPanel, spacePanel } from './panels/space.js';
import { agePanel, gentooPanel, hostsPanel, largestPanel, pathsPanel, sizesPanel } from './panels/usage.js';
import { table } from './table.js';
import { SCRIPT } from './script.js';
import { CSS } from './theme.js';

let csp: string | undefined;

/**
 * The HTML report: one self-contained page (inline stylesheet, inline SVG charts, one
 * small inline script for sorting), readable without script and on paper. A pure
 * function of the model; every string in it is escaped on the way in.
 */
export function renderPage(m: PageModel, opts: { generator?: string } = {}): string {
  csp ??= contentSecurityPolicy(CSS, SCRIPT);
  const panels = [
    spacePanel(m), deadWeightPanel(m), agePanel(m), sizesPanel(m),
    // A plain file cache has no hosts (the text report leaves them out too).
    ...(m.cache.format === 'apache' || m.hosts.rows.length > 1 ? [hostsPanel(m)] : []), pathsPanel(m), largestPanel(m),
    ...(m.gentoo.length ? [gentooPanel(m)] : []),
    historyPanel(m.history), sizingPanel(m.sizing),
    ...(m.errors.count ? [errorsPanel(m)] : []),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
${opts.generator ? `<meta name="generator" content="${escapeHtml(opts.generator)}">\n` : ''}<title>${escapeHtml(`Cache report: ${m.cache.root}`)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
${header(m)}
<main>
${panels.join('\n')}
</main>
<footer><p>${escapeHtml(`Generated ${utc(Date.parse(m.generatedAt))} by cachectl report. Sizes are IEC (1 GiB = 1024³ bytes); times are UTC. Without script the tables keep their order; printed, every panel is shown.`)}</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function header(m: PageModel): string {
  const c = m.cache, s = m.space, fs = s.filesystem;
  const last = m.history?.points.at(-1);
  const dead = m.deadWeight.filter((d) => d.dead).reduce((a, d) => a + d.bytes, 0);
  const kpi = (k: string, v: string, sub: string) => `<li class="kpi"><span class="k">${escapeHtml(k)}</span><span class="v">${escapeHtml(v)}</span><span class="s">${escapeHtml(sub)}</span></li>`;
  const kpis = [
    kpi('Cache size', size(s.size), s.limit !== null ? `${share(s.size, s.limit)} of the ${size(s.limit)} limit` : 'no limit known'),
    kpi('Entries', count(c.entries), `${size(c.entryBytes)}`),
    kpi('Filesystem available', fs ? size(fs.available) : '–', fs ? `${share(fs.available, fs.size)} of ${size(fs.size)}` : 'statfs failed'),
    kpi('Tail age', age(m.age.tailAgeMs), 'since the least recently used entry was used'),
    kpi('Dead weight', size(dead), 'temp files, orphans, unusable' + (m.gentoo.some((g) => g.key === 'mismatch') ? ', mismatches' : '')),
    kpi('Last prune', last ? utc(last.time) : '–', last ? `${last.targetMet ? 'target met' : 'target missed'}, ${size(last.evicted)} evicted` : 'none recorded'),
  ];
  const meta = `${c.format === 'apache' ? 'Apache mod_cache_disk cache' : 'plain file cache'}${c.layout ? ` (${c.layout})` : ''}; scanned ${utc(Date.parse(c.scannedAt))} in ${(c.scanMs / 1000).toFixed(2)} s (${c.reader} reader)${c.vanished ? `; ${count(c.vanished)} files vanished while scanning` : ''}.`;
  return `<header><h1>Cache report: <span class="mono">${escapeHtml(c.root)}</span></h1><p class="meta">${escapeHtml(meta)}</p><ul class="kpis">${kpis.join('')}</ul></header>`;
}

function errorsPanel(m: PageModel): string {
  const t = table({ caption: `The first ${m.errors.samples.length} of ${count(m.errors.count)}`, cls: 'keys', cols: [{ head: 'Path' }, { head: 'Error' }], rows: m.errors.samples.map((e) => [{ text: e.path, cls: 'key' }, e.code]) });
  return panel('errors', 'Not read', note(`${count(m.errors.count)} paths could not be read; their entries are not counted.`) + t, { wide: true });
}
