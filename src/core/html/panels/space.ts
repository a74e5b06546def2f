import { barChart } from '../chart/bars.js';
import { gaugeChart, type GaugeRow } from '../chart/gauge.js';
import { count, share, size } from '../fmt.js';
import type { PageModel } from '../modelTypes.js';
import { table } from '../table.js';
import { legend, note, panel } from './panel.js';

/** The cache against its limit and its filesystem. */
export function spacePanel(m: PageModel): string {
  const s = m.space;
  const fs = s.filesystem;
  const counted = s.usage === 'disk' ? 'on disk (blocks, as du and prune count it)' : 'apparent (file sizes, as prune --usage apparent counts it)';
  const over = s.limit !== null && s.size > s.limit;
  const rows: GaugeRow[] = [{
    label: s.limit !== null ? `Against the limit: ${share(s.size, s.limit)}` : 'No limit known',
    total: Math.max(s.size, s.limit ?? 0) * 1.1 || 1,
    segments: [{ label: 'this cache', value: s.size, display: size(s.size), cls: over ? 'bad' : 'c1' }],
    markers: s.limit !== null ? [{ at: s.limit, label: `limit ${size(s.limit)}`, cls: 'bad' }] : [],
  }];
  if (fs) {
    const other = Math.max(0, fs.size - fs.free - s.size);
    rows.push({
      label: `On the filesystem: ${share(fs.size - fs.available, fs.size)} used`, total: fs.size,
      segments: [{ label: 'this cache', value: s.size, display: size(s.size), cls: over ? 'bad' : 'c1' }, { label: 'other use', value: other, display: size(other), cls: 'c3' }],
      markers: [],
    });
  }
  const desc = `${size(s.size)} ${s.limit !== null ? `against a limit of ${size(s.limit)} (${share(s.size, s.limit)})` : 'with no limit known'}`
    + (fs ? `, on a filesystem of ${size(fs.size)} with ${size(fs.available)} available.` : '.');
  const facts: string[][] = [['Cache size', size(s.size), counted]];
  if (s.limit !== null) facts.push(['Limit', size(s.limit), s.limitSource === 'option' ? 'from --limit' : 'the last prune\'s target']);
  if (fs) {
    facts.push(['Filesystem size', size(fs.size), '']);
    facts.push(['Available', size(fs.available), `${share(fs.available, fs.size)} of the filesystem`]);
  }
  facts.push(['Entries', count(m.cache.entries), `${size(m.cache.entryBytes)}${m.cache.variants ? `; ${count(m.cache.variants)} vary variants in ${count(m.cache.varyGroups)} groups` : ''}`]);
  facts.push(['Files', count(m.cache.files), `${count(m.cache.directories)} directories; ${size(m.cache.diskBytes)} on disk, ${size(m.cache.bytes)} apparent`]);
  const body = gaugeChart({ id: 'chart-space', title: 'Cache size against the limit and the filesystem', desc }, rows)
    + legend([{ cls: over ? 'bad' : 'c1', label: over ? 'this cache (over the limit)' : 'this cache' }, ...(fs ? [{ cls: 'c3', label: 'other use' }] : []), ...(s.limit !== null ? [{ cls: 'bad line', label: 'limit' }] : [])])
    + (s.limit === null ? note('No limit known: give report --limit SIZE, or prune once (its target is kept in the run log).') : '')
    + table({ caption: 'Space', cols: [{ head: 'What' }, { head: 'Size', num: true }, { head: 'Note' }], rows: facts });
  return panel('space', 'Size and limit', body);
}

/** What takes space without serving anyone (and expired entries, which still serve). */
export function deadWeightPanel(m: PageModel): string {
  const rows = m.deadWeight;
  const total = rows.filter((r) => r.dead).reduce((a, r) => a + r.bytes, 0);
  const chart = barChart({
    id: 'chart-dead-weight', title: 'Dead weight by class (bytes)',
    desc: rows.map((r) => `${r.label}: ${count(r.count)}, ${size(r.bytes)}`).join('; '),
  }, rows.map((r) => ({ label: r.label, value: r.bytes, display: size(r.bytes), cls: r.dead ? 'bad' : 'c3' })));
  const t = table({
    caption: 'Classes', cols: [{ head: 'Class' }, { head: 'Count', num: true }, { head: 'Bytes', num: true }, { head: 'Share', num: true }, { head: 'Why' }],
    rows: rows.map((r) => [r.label, { text: count(r.count), v: r.count }, { text: size(r.bytes), v: r.bytes }, { text: share(r.bytes, m.cache.bytes), v: r.bytes }, r.note]),
  });
  return panel('dead-weight', 'Dead weight', note(`${size(total)} that no client is served from (red). Expired entries still are, after a 304; other files are never touched.`) + chart + t);
}
