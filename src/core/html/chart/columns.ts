import { clip, line, rect, svgFrame, text, WIDTH, type ChartText } from './frame.js';
import { niceTicks } from './ticks.js';

export interface Column { label: string; value: number; display: string; cls?: string }

const H = 220;
const TOP = 14;
const BOTTOM = 36;
const LEFT = 72;

/** Vertical bars over ordered buckets (ages, sizes, days), with a value axis. */
export function columnChart(c: ChartText, cols: readonly Column[], axis: { format: (v: number) => string; binary?: boolean }): string {
  const max = Math.max(0, ...cols.map((x) => x.value));
  const ticks = niceTicks(max, 4, axis.binary);
  const top = ticks[ticks.length - 1];
  const plotH = H - TOP - BOTTOM;
  const y = (v: number) => TOP + plotH - (plotH * v) / top;
  let body = '';
  for (const t of ticks) body += line(LEFT, y(t), WIDTH - 4, y(t), 'grid') + text(LEFT - 6, y(t) + 4, axis.format(t), 'tick', 'end');
  const slot = (WIDTH - 4 - LEFT) / Math.max(1, cols.length);
  const every = Math.ceil(cols.length / 8);
  cols.forEach((col, i) => {
    const x = LEFT + i * slot;
    const h = (plotH * col.value) / top;
    body += rect(x + slot * 0.15, y(0) - h, slot * 0.7, Math.max(h, col.value > 0 ? 1 : 0), `bar ${col.cls ?? 'c1'}`, `${col.label}: ${col.display}`);
    if (i % every === 0) body += text(x + slot / 2, H - BOTTOM + 16, clip(col.label, Math.max(4, Math.floor((slot * every) / 7))), 'tick', 'middle');
  });
  body += line(LEFT, y(0), WIDTH - 4, y(0), 'axis');
  return svgFrame(c, H, body);
}
