import { barChart } from '../chart/bars.js';
import { columnChart } from '../chart/columns.js';
import { age, count, share, size } from '../fmt.js';
import type { Bucket, PageModel, Ranking } from '../modelTypes.js';
import { table } from '../table.js';
import { charts, fig, note, panel } from './panel.js';

const top = <T extends { bytes: number; label: string }>(b: readonly T[]): T | undefined => [...b].sort((x, y) => y.bytes - x.bytes)[0];

function bucketTable(caption: string, b: readonly Bucket[], first: string, totalBytes: number): string {
  return table({
    caption, cols: [{ head: first }, { head: 'Entries', num: true }, { head: 'Bytes', num: true }, { head: 'Share of bytes', num: true }],
    rows: b.map((x) => [x.label, { text: count(x.count), v: x.count }, { text: size(x.bytes), v: x.bytes }, share(x.bytes, totalBytes)]),
  });
}

/** Bytes by last access, and how far back the cache remembers. */
export function agePanel(m: PageModel): string {
  const b = m.age.buckets;
  const big = top(b);
  const chart = columnChart({
    id: 'chart-age', title: 'Bytes by last access',
    desc: `Most bytes were last used ${big?.label ?? '–'} ago (${size(big?.bytes ?? 0)}); the least recently used entry was last used ${age(m.age.tailAgeMs)} ago.`,
  }, b.map((x) => ({ label: x.label, value: x.bytes, display: `${size(x.bytes)} in ${count(x.count)} entries` })), { format: size, binary: true });
  const tail = note(`Tail age: ${age(m.age.tailAgeMs)}. The least recently used entry is the next one an LRU prune evicts; the tail age is how long this cache remembers a file nobody asks for.`);
  return panel('age', 'Last access', tail + chart + bucketTable('Bytes by last access (body atime, body and header mtime)', b, 'Last used', m.cache.entryBytes));
}

/** Entry sizes in log-scale buckets. */
export function sizesPanel(m: PageModel): string {
  const b = m.sizes;
  const many = [...b].sort((x, y) => y.count - x.count)[0];
  const chart = columnChart({
    id: 'chart-sizes', title: 'Entries by size (log scale buckets)',
    desc: many ? `Most entries (${count(many.count)}) are ${many.label}; the largest bucket by bytes is ${top(b)?.label}.` : 'No entries.',
  }, b.map((x) => ({ label: x.label, value: x.count, display: `${count(x.count)} entries, ${size(x.bytes)}`, cls: 'c2' })), { format: count });
  return panel('sizes', 'Entry sizes', chart + bucketTable('Entries by size (header + body)', b, 'Size', m.cache.entryBytes));
}

function rankingPanel(id: string, title: string, what: string, r: Ranking): string {
  const rows = r.rows.map((x) => ({ label: x.name, value: x.bytes, display: size(x.bytes) }));
  if (r.other) rows.push({ label: 'other', value: r.other.bytes, display: size(r.other.bytes) });
  const chart = barChart({
    id: `chart-${id}`, title: `${title} (bytes)`,
    desc: r.rows.length ? `${r.rows[0].name} holds the most: ${size(r.rows[0].bytes)} of ${size(r.total.bytes)} (${share(r.rows[0].bytes, r.total.bytes)}).` : 'No entries.',
  }, rows.map((x, i) => ({ ...x, cls: i === r.rows.length ? 'c3' : 'c1' })));
  const foot = [
    ...(r.other ? [['other', { text: count(r.other.count), v: r.other.count }, { text: size(r.other.bytes), v: r.other.bytes }, share(r.other.bytes, r.total.bytes)]] : []),
    ['total', { text: count(r.total.count), v: r.total.count }, { text: size(r.total.bytes), v: r.total.bytes }, '100%'],
  ];
  const t = table({
    caption: `${title}: top ${r.rows.length}`, cls: 'keys',
    cols: [{ head: what }, { head: 'Entries', num: true }, { head: 'Bytes', num: true }, { head: 'Share', num: true }],
    rows: r.rows.map((x) => [{ text: x.name, cls: 'key' }, { text: count(x.count), v: x.count }, { text: size(x.bytes), v: x.bytes }, { text: share(x.bytes, r.total.bytes), v: x.bytes }]),
    foot, sorted: { col: 2, dir: 'descending' },
  });
  return panel(id, title, chart + t);
}

export const hostsPanel = (m: PageModel): string => rankingPanel('hosts', 'By host', 'Host', m.hosts);
export const pathsPanel = (m: PageModel): string => rankingPanel('paths', m.paths.title, m.cache.format === 'apache' ? 'Path prefix' : 'Directory', m.paths);

/** The largest entries: a sortable table. */
export function largestPanel(m: PageModel): string {
  const t = table({
    caption: `The ${m.largest.length} largest entries`, cls: 'keys',
    cols: [{ head: 'Size', num: true }, { head: 'On disk', num: true }, { head: 'Last used', num: true }, { head: m.cache.format === 'apache' ? 'URL' : 'Path' }],
    rows: m.largest.map((e) => [
      { text: size(e.bytes), v: e.bytes }, { text: size(e.diskBytes), v: e.diskBytes },
      { text: `${age(e.ageMs)} ago`, v: e.ageMs }, { text: e.url, cls: 'key' },
    ]),
    sorted: { col: 0, dir: 'descending' },
  });
  const capped = m.capped ? note(`The page lists ${m.capped.top} rows (asked: ${m.capped.requested}); report --json --top N lists more.`) : '';
  return panel('largest', 'Largest entries', (m.largest.length ? t : note('No entries.')) + capped, { wide: true });
}

/** With --repo: the Gentoo classes, and the largest of each. */
export function gentooPanel(m: PageModel): string {
  const g = m.gentoo;
  const chart = barChart({
    id: 'chart-gentoo', title: 'Gentoo distfile classes (bytes)', desc: g.map((c) => `${c.label}: ${count(c.count)}, ${size(c.bytes)}`).join('; '),
  }, g.map((c) => ({ label: c.label, value: c.bytes, display: size(c.bytes), cls: c.key === 'duplicates' ? 'c3' : 'bad' })));
  const lists = g.filter((c) => c.largest.length).map((c) => fig(`${c.label}: largest`, table({
    caption: `${c.label} (${c.note})`, cls: 'keys', cols: [{ head: 'Size', num: true }, { head: 'URL' }],
    rows: c.largest.map((e) => [{ text: size(e.bytes), v: e.bytes }, { text: e.name, cls: 'key' }]), sorted: { col: 0, dir: 'descending' },
  })));
  const t = table({
    caption: 'Classes', cols: [{ head: 'Class' }, { head: 'Count', num: true }, { head: 'Bytes', num: true }, { head: 'What it means' }],
    rows: g.map((c) => [c.label, { text: count(c.count), v: c.count }, { text: size(c.bytes), v: c.bytes }, c.note]),
  });
  return panel('gentoo', 'Gentoo classes (--repo)', charts(fig('By class', chart + t), ...lists), { wide: true });
}
