import { barChart } from '../chart/bars.js';
import { columnChart } from '../chart/columns.js';
import { lineChart, type VMark } from '../chart/line.js';
import { niceTicks } from '../chart/ticks.js';
import { count, pct, size } from '../fmt.js';
import type { Sizing } from '../modelTypes.js';
import { table } from '../table.js';
import { charts, fig, legend, note, panel } from './panel.js';

const TARGET_LABEL = '95% of unlimited';

/** With --access-log: what the logs say happened, and the sizing command's curve. */
export function sizingPanel(s: Sizing | null): string {
  if (!s) {
    return panel('sizing', 'Requests and sizing', note('Give --access-log FILE... (the Apache access logs, rotated ones too) to see requests and bytes per day, the hit ratios mod_cache logged, and the sizing curve: the hit ratio a cache of each size would get.'), { wide: true });
  }
  const span = s.span ? `${s.span.from.slice(0, 10)} to ${s.span.to.slice(0, 10)} (${s.span.days.toFixed(1)} days)` : 'no dated line';
  const method = s.method === 'exact' ? 'every request replayed' : `a sample replayed (SHARDS, rate ${s.sampleRate === null ? '?' : s.sampleRate.toPrecision(2)})`;
  const intro = note(`${count(s.logs.length)} log file${s.logs.length === 1 ? '' : 's'}, ${count(s.lines)} lines${s.unparsed ? ` (${count(s.unparsed)} unparsed)` : ''}, ${span}; ${count(s.requests)} full-body GETs (${size(s.bytes)}), ${count(s.notModified)} 304s, ${count(s.partial)} 206s; ${method}.${s.interrupted ? ' Interrupted: the figures cover the lines read so far.' : ''}`);
  const perDay = s.days.length
    ? [columnChart({ id: 'chart-requests', title: 'Requests per day', desc: `${count(s.days.length)} days; the busiest had ${count(Math.max(...s.days.map((d) => d.requests)))} requests.` },
      s.days.map((d) => ({ label: d.day.slice(5), value: d.requests, display: `${count(d.requests)} requests` })), { format: count }),
    columnChart({ id: 'chart-bytes', title: 'Bytes served per day', desc: `The most in one day: ${size(Math.max(...s.days.map((d) => d.bytes)))}.` },
        s.days.map((d) => ({ label: d.day.slice(5), value: d.bytes, display: size(d.bytes), cls: 'c2' })), { format: size, binary: true })]
    : null;
  const dayTable = table({
    caption: 'Requests per day (every parsed line)', cols: [{ head: 'Day' }, { head: 'Requests', num: true }, { head: 'Bytes', num: true }],
    rows: s.days.map((d) => [d.day, { text: count(d.requests), v: d.requests }, { text: size(d.bytes), v: d.bytes }]), sorted: { col: 0, dir: 'ascending' },
  });
  const ratios = [
    ...(s.observed ? [{ label: 'observed, requests', value: s.observed.hitRatio, cls: 'good' }, { label: 'observed, bytes', value: s.observed.byteHitRatio, cls: 'good' }] : []),
    ...(s.current ? [{ label: 'model at current size', value: s.current.byteHitRatio, cls: 'c1' }] : []),
    ...(s.limit ? [{ label: 'model at the limit', value: s.limit.byteHitRatio, cls: 'c1' }] : []),
    { label: 'model, unlimited', value: s.unlimited.byteHitRatio, cls: 'c3' },
  ];
  const ratioChart = barChart({ id: 'chart-hit-ratios', title: 'Hit ratios: what mod_cache logged, what the model gives', desc: ratios.map((r) => `${r.label}: ${pct(r.value)}`).join('; ') },
    ratios.map((r) => ({ ...r, display: pct(r.value) })));
  const observed = s.observed
    ? note(`mod_cache's verdicts for ${count(s.observed.requests)} requests: ${pct(s.observed.hitRatio)} of requests and ${pct(s.observed.byteHitRatio)} of bytes were hits; ${size(Math.round(s.observed.upstreamBytesPerDay))} a day came from upstream.`)
    : note('No cache status in the logs: add %{cache-status}e to the LogFormat to see what the cache really did.');
  const marks: VMark[] = [];
  if (s.limit) marks.push({ x: s.limit.size, label: `limit ${size(s.limit.size)}`, cls: 'bad' });
  if (s.current) marks.push({ x: s.current.size, label: `now ${size(s.current.size)}`, cls: 'c3' });
  if (s.target) marks.push({ x: s.target.size, label: TARGET_LABEL, cls: 'good' });
  const xmax = s.curve.length ? s.curve[s.curve.length - 1].size : 1;
  const curve = lineChart({
    id: 'chart-sizing', title: 'Sizing curve: hit ratio by cache size (LRU model)',
    desc: `Unlimited, the byte hit ratio would be ${pct(s.unlimited.byteHitRatio)}${s.target ? `; ${size(s.target.size)} reaches ${TARGET_LABEL}` : ''}${s.limit ? `; at the limit (${size(s.limit.size)}) it is ${pct(s.limit.byteHitRatio)}` : ''}.`,
  }, { min: 0, max: xmax, ticks: niceTicks(xmax, 5, true).filter((t) => t <= xmax), format: size }, { format: (v) => pct(v, 0), max: 1 }, [
    { label: 'byte hit ratio', cls: 'c1', kind: 'line', points: s.curve.map((p) => [p.size, p.byteHitRatio]) },
    { label: 'request hit ratio', cls: 'c2', kind: 'line', points: s.curve.map((p) => [p.size, p.hitRatio]) },
  ], marks);
  const curveTable = table({
    caption: 'The model at round sizes, and at the marked ones',
    cols: [{ head: 'Cache size', num: true }, { head: 'Request hits', num: true }, { head: 'Byte hits', num: true }, { head: 'Upstream a day', num: true }, { head: 'Mark' }],
    rows: s.table.map((p) => [{ text: size(p.size), v: p.size }, { text: pct(p.hitRatio), v: p.hitRatio }, { text: pct(p.byteHitRatio), v: p.byteHitRatio }, { text: size(Math.round(p.upstreamBytesPerDay)), v: p.upstreamBytesPerDay }, p.marks.join(', ')]),
  });
  const g = s.ghosts;
  const ghosts = g && g.journaled > 0
    ? note(`Evicted by cachectl, then requested again: ${count(g.requests)} full downloads (${size(g.bytes)}) a larger limit would have served, of ${count(g.journaled)} evictions journaled since ${g.since?.slice(0, 10) ?? '?'}.`)
    : '';
  const errors = s.logs.filter((l) => l.error).map((l) => note(`${l.path}: read stopped after ${count(l.lines)} lines (${l.error}).`)).join('');
  const curveLegend = legend([{ cls: 'c1 line', label: 'byte hit ratio' }, { cls: 'c2 line', label: 'request hit ratio' }, ...marks.map((m) => ({ cls: `${m.cls} line`, label: m.label }))]);
  return panel('sizing', 'Requests and sizing', intro + errors
    + (perDay ? charts(fig('Requests per day', perDay[0]), fig('Bytes served per day', perDay[1])) : note('No dated request in the logs.'))
    + `<details><summary>Per day (${count(s.days.length)} rows)</summary>${dayTable}</details>`
    + charts(fig('Hit ratios', observed + ratioChart + ghosts), fig('Sizing curve', curve + curveLegend))
    + note(`Working set ${size(s.workingSet)} in ${count(s.objects)} objects. The real cache grows past its limit between prunes, so its hit ratio sits a little above the curve at the limit.`)
    + curveTable, { wide: true, long: true });
}
