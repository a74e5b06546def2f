import { lineChart, type Series, type XAxis } from '../chart/line.js';
import { dayTicks } from '../chart/ticks.js';
import { age, count, day, monthDay, size, utc } from '../fmt.js';
import type { History, HistoryPoint } from '../modelTypes.js';
import { table } from '../table.js';
import { charts, fig, legend, note, panel } from './panel.js';

const DAY = 86400e3;

function xAxisOf(points: readonly HistoryPoint[]): XAxis {
  let min = points[0].time, max = points[points.length - 1].time;
  if (max - min < DAY) { min -= DAY / 2; max += DAY / 2; }
  return { min, max, ticks: dayTicks(min, max), format: monthDay };
}

/** Cache size, bytes evicted and tail age per prune over the last 90 days, from the run log. */
export function historyPanel(h: History | null): string {
  if (!h) return panel('history', 'History', note('No state dir, so no run log: the history is kept beside the index (not with --no-index).'), { wide: true });
  const p = h.points;
  if (p.length === 0) {
    return panel('history', 'History', note(`No prune recorded in the last ${h.days} days. Each real run of cachectl prune or cachectl schedule appends one record to the run log in the state dir; this panel plots them.`), { wide: true });
  }
  const x = xAxisOf(p);
  const when = (q: HistoryPoint) => (h.grain === 'day' ? `${day(q.time)} (${q.runs} runs)` : utc(q.time));
  const missed = p.filter((q) => !q.targetMet);
  const sizeSeries: Series[] = [
    { label: 'before the run', cls: 'c3', kind: 'line', points: p.map((q) => [q.time, q.before]) },
    { label: 'after the run', cls: 'c1', kind: 'line', points: p.map((q) => [q.time, q.after]) },
    { label: 'limit', cls: 'bad', kind: 'step', points: p.map((q) => [q.time, q.limit]) },
    { label: 'target missed', cls: 'bad', kind: 'dots', points: missed.map((q) => [q.time, q.after]), tips: missed.map((q) => `${when(q)}: target missed`) },
  ];
  const last = p[p.length - 1];
  const sizeChart = lineChart({
    id: 'chart-history-size', title: `Cache size per ${h.grain}, last ${h.days} days`,
    desc: `From ${size(p[0].before)} on ${day(p[0].time)} to ${size(last.after)} on ${day(last.time)}${last.limit !== null ? `, limit ${size(last.limit)}` : ''}; ${h.missed} of ${h.runs} runs missed their target.`,
  }, x, { format: size, binary: true }, sizeSeries.filter((s) => s.points.some((q) => q[1] !== null)));
  const evicted = lineChart({
    id: 'chart-history-evicted', title: `Bytes evicted per ${h.grain}`,
    desc: `${size(p.reduce((a, q) => a + q.evicted, 0))} evicted in ${h.runs} runs; the most in one ${h.grain}: ${size(Math.max(...p.map((q) => q.evicted)))}.`,
  }, x, { format: size, binary: true }, [{ label: 'evicted', cls: 'c2', kind: 'bars', points: p.map((q) => [q.time, q.evicted]), tips: p.map((q) => `${when(q)}: ${size(q.evicted)}`) }]);
  const tail = lineChart({
    id: 'chart-history-tail', title: `Tail age after each ${h.grain}, in days`,
    desc: `The least recently used entry kept was last used ${age(last.tailAgeMs)} before the last run.`,
  }, x, { format: (v) => `${v}d` }, [{ label: 'tail age', cls: 'c1', kind: 'line', points: p.map((q) => [q.time, q.tailAgeMs === null ? null : q.tailAgeMs / DAY]) }]);
  const rows = [...p].reverse().map((q) => [
    { text: when(q), v: q.time }, { text: size(q.before), v: q.before }, { text: size(q.after), v: q.after }, { text: size(q.evicted), v: q.evicted },
    { text: age(q.tailAgeMs), v: q.tailAgeMs }, { text: q.limit === null ? '–' : size(q.limit), v: q.limit },
    { text: q.targetMet ? 'met' : 'missed', cls: q.targetMet ? 'ok' : 'miss' },
  ]);
  const t = table({
    caption: `One row per ${h.grain}, newest first (${h.usage === 'disk' ? 'disk usage' : 'apparent sizes'})`,
    cols: [{ head: h.grain === 'day' ? 'Day' : 'Run', num: true }, { head: 'Before', num: true }, { head: 'After', num: true }, { head: 'Evicted', num: true }, { head: 'Tail age', num: true }, { head: 'Limit', num: true }, { head: 'Target' }],
    rows, sorted: { col: 0, dir: 'descending' },
  });
  const intro = note(`${count(h.runs)} prune runs in the last ${h.days} days${h.missed ? `, ${count(h.missed)} of them short of their target` : ', every one met its target'}${h.grain === 'day' ? '; one point per day' : ''}.`);
  const sizeLegend = legend([{ cls: 'c3 line', label: 'before the run' }, { cls: 'c1 line', label: 'after the run' }, { cls: 'bad line', label: 'limit' }, ...(missed.length ? [{ cls: 'bad', label: 'target missed' }] : [])]);
  return panel('history', 'History', intro
    + charts(fig('Cache size', sizeChart + sizeLegend), fig('Evicted', evicted), fig('Tail age', tail))
    + `<details><summary>The numbers (${count(p.length)} rows)</summary>${t}</details>`, { wide: true, long: true });
}
