import { escapeHtml } from '../escape.js';

/**
 * The frame every chart shares: an inline SVG that scales to its panel, named for
 * assistive technology (role="img", <title> and <desc> referenced by aria-labelledby),
 * coloured only through CSS classes (the stylesheet carries the light and dark schemes;
 * the CSP allows no style attributes). Its numbers are also in a table beside it.
 */
export const WIDTH = 640;

/** Coordinates to one decimal: the page stays small, the drawing exact enough. */
export const r1 = (n: number): number => Math.round(n * 10) / 10;

export interface ChartText { id: string; title: string; desc: string }

export function svgFrame(c: ChartText, height: number, body: string): string {
  const id = escapeHtml(c.id);
  return `<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${WIDTH} ${r1(height)}" focusable="false">`
    + `<title id="${id}-t">${escapeHtml(c.title)}</title><desc id="${id}-d">${escapeHtml(c.desc)}</desc>${body}</svg>`;
}

export function text(x: number, y: number, s: string, cls = 'lbl', anchor: 'start' | 'middle' | 'end' = 'start'): string {
  const a = anchor === 'start' ? '' : ` text-anchor="${anchor}"`;
  return `<text x="${r1(x)}" y="${r1(y)}" class="${cls}"${a}>${escapeHtml(s)}</text>`;
}

/** A shape's tooltip: for pointer users only, the same words are in the table. */
export const tip = (s: string): string => `<title>${escapeHtml(s)}</title>`;

export function rect(x: number, y: number, w: number, h: number, cls: string, title?: string): string {
  const body = title ? `>${tip(title)}</rect>` : '/>';
  return `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(Math.max(0, w))}" height="${r1(Math.max(0, h))}" class="${cls}"${body}`;
}

export function line(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line x1="${r1(x1)}" y1="${r1(y1)}" x2="${r1(x2)}" y2="${r1(y2)}" class="${cls}"/>`;
}

/** A label that fits in `max` characters (the full one is in the table). */
export function clip(s: string, max: number): string {
  const cps = Array.from(s);
  return cps.length <= max ? s : cps.slice(0, max - 1).join('') + '…';
}
