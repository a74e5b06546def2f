import { line, r1, rect, svgFrame, text, tip, WIDTH, type ChartText } from './frame.js';
import { niceTicks } from './ticks.js';

export interface Series {
  label: string;
  /** Colour class: c1, c2, c3, bad, good. */
  cls: string;
  /** [x, y]; a null y breaks a line. */
  points: readonly (readonly [number, number | null])[];
  /** line: joined points; step: holds each value until the next; bars: a bar per point; dots: markers only. */
  kind: 'line' | 'step' | 'bars' | 'dots';
  /** Tooltip text per point (pointer users; the numbers are in the table). */
  tips?: readonly string[];
}

export interface XAxis { min: number; max: number; ticks: readonly number[]; format: (v: number) => string }
export interface VMark { x: number; label: string; cls: string }

const H = 240;
const TOP = 22;
const BOTTOM = 30;
const LEFT = 76;
const RIGHT = 14;

/** A value over time or over size: history per run, the sizing curve. */
export function lineChart(c: ChartText, xAxis: XAxis, yAxis: { format: (v: number) => string; binary?: boolean; max?: number }, series: readonly Series[], marks: readonly VMark[] = []): string {
  const ys = series.flatMap((s) => s.points.map((p) => p[1] ?? 0));
  const ticks = niceTicks(Math.max(yAxis.max ?? 0, ...ys), 4, yAxis.binary);
  const top = ticks[ticks.length - 1];
  const plotW = WIDTH - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const span = xAxis.max - xAxis.min || 1;
  const x = (v: number) => LEFT + (plotW * (v - xAxis.min)) / span;
  const y = (v: number) => TOP + plotH - (plotH * Math.min(v, top)) / top;
  let body = '';
  for (const t of ticks) body += line(LEFT, y(t), WIDTH - RIGHT, y(t), 'grid') + text(LEFT - 6, y(t) + 4, yAxis.format(t), 'tick', 'end');
  for (const t of xAxis.ticks) body += line(x(t), y(0), x(t), y(0) + 4, 'axis') + text(x(t), H - BOTTOM + 18, xAxis.format(t), 'tick', 'middle');
  for (const s of series) body += draw(s, x, y, plotW);
  // Labels one line apart, so that marks close together stay readable.
  marks.filter((m) => m.x >= xAxis.min && m.x <= xAxis.max).forEach((m, i) => {
    const mx = x(m.x);
    const anchor = mx > WIDTH * 0.7 ? 'end' : 'start';
    body += line(mx, TOP - 4, mx, y(0), `mark ${m.cls}`) + text(anchor === 'end' ? mx - 4 : mx + 4, TOP + 8 + 15 * i, m.label, 'lbl', anchor);
  });
  body += line(LEFT, y(0), WIDTH - RIGHT, y(0), 'axis');
  return svgFrame(c, H, body);
}

function draw(s: Series, x: (v: number) => number, y: (v: number) => number, plotW: number): string {
  if (s.kind === 'bars') {
    const w = Math.max(1.5, Math.min(18, (plotW / Math.max(1, s.points.length)) * 0.6));
    return s.points.map(([px, py], i) => (py === null ? '' : rect(x(px) - w / 2, y(py), w, y(0) - y(py), `bar ${s.cls}`, s.tips?.[i]))).join('');
  }
  if (s.kind === 'dots') {
    return s.points.map(([px, py], i) => (py === null ? '' : `<circle cx="${r1(x(px))}" cy="${r1(y(py))}" r="4" class="dot ${s.cls}">${s.tips?.[i] ? tip(s.tips[i]) : ''}</circle>`)).join('');
  }
  let d = '';
  let pen = false;
  for (const [px, py] of s.points) {
    if (py === null) { pen = false; continue; }
    if (pen && s.kind === 'step') d += `H${r1(x(px))}V${r1(y(py))}`;
    else d += `${pen ? 'L' : 'M'}${r1(x(px))} ${r1(y(py))}`;
    pen = true;
  }
  // A lone point draws nothing as a path: show it as a dot.
  const lone = s.points.filter((p) => p[1] !== null).length === 1;
  if (lone) return draw({ ...s, kind: 'dots' }, x, y, plotW);
  return d ? `<path d="${d}" class="ln ${s.cls}${s.kind === 'step' ? ' dash' : ''}"/>` : '';
}
