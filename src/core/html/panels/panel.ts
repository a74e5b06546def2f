import { escapeHtml } from '../escape.js';

/** A panel: a section named by its heading, found by its id (panel-ID). */
export function panel(id: string, title: string, body: string, opts: { wide?: boolean; long?: boolean } = {}): string {
  const cls = ['panel', opts.wide ? 'wide' : '', opts.long ? 'long' : ''].filter(Boolean).join(' ');
  return `<section class="${cls}" id="panel-${id}" aria-labelledby="h-${id}"><h2 id="h-${id}">${escapeHtml(title)}</h2>${body}</section>`;
}

export const note = (s: string): string => `<p class="note">${escapeHtml(s)}</p>`;

/** A legend: a swatch (colour class, `line` for a line series) and its words. */
export function legend(items: readonly { cls: string; label: string }[]): string {
  return `<ul class="legend">${items.map((i) => `<li><span class="sw ${escapeHtml(i.cls)}" aria-hidden="true"></span>${escapeHtml(i.label)}</li>`).join('')}</ul>`;
}

/** Charts side by side in a wide panel (one column on a narrow screen): each keeps a readable scale. */
export const charts = (...figs: string[]): string => `<div class="charts">${figs.join('')}</div>`;
export const fig = (title: string, body: string): string => `<div class="fig"><h3>${escapeHtml(title)}</h3>${body}</div>`;
