import { clip, rect, svgFrame, text, WIDTH, type ChartText } from './frame.js';

export interface BarRow { label: string; value: number; display: string; cls?: string }

const ROW = 24;
const LABEL_W = 200;
const VALUE_W = 84;

/** Horizontal bars, largest first as given: rankings (hosts, paths) and classes. */
export function barChart(c: ChartText, rows: readonly BarRow[]): string {
  const max = Math.max(0, ...rows.map((r) => r.value));
  const area = WIDTH - LABEL_W - VALUE_W;
  let body = '';
  rows.forEach((r, i) => {
    const y = 4 + i * ROW;
    const w = max > 0 ? (area * r.value) / max : 0;
    body += text(LABEL_W - 8, y + 15, clip(r.label, 26), 'lbl', 'end');
    body += rect(LABEL_W, y + 3, Math.max(w, r.value > 0 ? 1 : 0), ROW - 8, `bar ${r.cls ?? 'c1'}`, `${r.label}: ${r.display}`);
    body += text(LABEL_W + w + 6, y + 15, r.display, 'val');
  });
  if (rows.length === 0) body = text(WIDTH / 2, 20, 'nothing to show', 'lbl', 'middle');
  return svgFrame(c, Math.max(1, rows.length) * ROW + 8, body);
}
