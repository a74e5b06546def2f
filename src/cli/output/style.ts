import type { CliContext } from '../context.js';

/** Colour only on a terminal, never with NO_COLOR set (no-color.org) or TERM=dumb. */
export function colors(ctx: CliContext, stream: 'out' | 'err') {
  const on = (stream === 'out' ? ctx.outIsTTY : ctx.errIsTTY) && !('NO_COLOR' in ctx.env && ctx.env.NO_COLOR !== '') && ctx.env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** Left/right aligned columns without a table library. */
export function columns(rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c).length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 && align[i] !== 'r' ? c : pad(c, widths[i], align[i] ?? 'l'))).join('  ').trimEnd())
    .join('\n') + '\n';
}

const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const pad = (s: string, w: number, a: 'l' | 'r') => {
  const fill = ' '.repeat(Math.max(0, w - visible(s).length));
  return a === 'r' ? fill + s : s + fill;
};

/** A horizontal bar of `width` cells for value/max, with eighth-block precision. */
export function bar(value: number, max: number, width = 30): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? '▏▎▍▌▋▊▉'[(eighths % 8) - 1] : '');
}

/**
 * Control characters in a name or key, escaped as `ls -b` does, so one entry stays one
 * line: a file named "a\nb" must not forge a second line that a script then acts on.
 */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f\\]/.test(s)
    ? s.replace(/[\x00-\x1f\x7f\\]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
    : s;
}

/**
 * Control characters only, backslashes left alone: for prose that quotes configuration
 * text (a LogFormat's `\"`), where doubling every backslash would misquote it. A
 * control character still cannot start a line or move the cursor.
 */
export function escapeControlChars(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
