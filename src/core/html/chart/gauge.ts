import { line, rect, svgFrame, text, WIDTH, type ChartText } from './frame.js';

export interface Segment { label: string; value: number; display: string; cls: string }
export interface Marker { at: number; label: string; cls: string }
/** One bar: segments that add up to at most `total`, markers drawn across it. */
export interface GaugeRow { label: string; total: number; segments: readonly Segment[]; markers: readonly Marker[] }

const ROW_H = 64;
const BAR_H = 24;
const PAD = 8;

/** Bars split into segments (the cache against its limit; the cache on its filesystem), each with a caption above. */
export function gaugeChart(c: ChartText, rows: readonly GaugeRow[]): string {
  const w = WIDTH - 2 * PAD;
  let body = '';
  rows.forEach((r, i) => {
    const top = i * ROW_H + 20;
    const x = (v: number) => PAD + (r.total > 0 ? (w * Math.min(Math.max(v, 0), r.total)) / r.total : 0);
    body += text(PAD, top - 6, r.label, 'lbl') + rect(PAD, top, w, BAR_H, 'track');
    let at = 0;
    for (const s of r.segments) {
      body += rect(x(at), top, x(at + s.value) - x(at), BAR_H, `bar ${s.cls}`, `${s.label}: ${s.display}`);
      at += s.value;
    }
    for (const m of r.markers) {
      const mx = x(m.at);
      const anchor = mx > WIDTH * 0.75 ? 'end' : 'start';
      body += line(mx, top - 3, mx, top + BAR_H + 3, `mark ${m.cls}`) + text(anchor === 'end' ? mx - 4 : mx + 4, top + BAR_H + 15, m.label, 'tick', anchor);
    }
  });
  return svgFrame(c, rows.length * ROW_H + 8, body);
}
