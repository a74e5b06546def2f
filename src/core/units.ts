import bytes from 'bytes';

/**
 * Size and age parsing. We do not use `bytes.parse`: it reads `50G` as 50 *bytes*
 * (it only knows two-letter units and falls back to parseInt), which would prune a
 * cache to nothing. test/units.test.ts keeps a test that shows this.
 */
const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([KMGTP])(?:i?B)?|(B))?$/i;
const MULT: Record<string, number> = { '': 1, B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

/** Parses `50G`, `50g`, `500M`, `1024K`, `100B`, `50GB`, `50GiB`, `1.5G`, `12345` (binary multiples). */
export function parseSize(text: string): number {
  const m = SIZE.exec(text.trim());
  if (!m || text.trim() === '') throw new RangeError(`invalid size '${text}' (expected e.g. 50G, 500M, 1.5G or a number of bytes)`);
  const unit = (m[2] ?? m[3] ?? '').toUpperCase();
  const value = Math.ceil(Number(m[1]) * MULT[unit]);
  if (!Number.isSafeInteger(value)) throw new RangeError(`size '${text}' is too large (at most 8P)`);
  return value;
}

/** A size or a percentage of the filesystem (`--min-free 10%`). */
export type SizeOrPercent = { bytes: number } | { percent: number };

export function parseSizeOrPercent(text: string): SizeOrPercent {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text.trim());
  if (m) {
    const percent = Number(m[1]);
    if (percent > 100) throw new RangeError(`invalid percentage '${text}' (expected 0-100%, e.g. 10%)`);
    return { percent };
  }
  return { bytes: parseSize(text) };
}

const AGE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d|w)?$/i;
const AGE_MS: Record<string, number> = { ms: 1, s: 1e3, '': 1e3, m: 60e3, min: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** Parses `90s`, `30m`, `2h`, `3d`, `1w` (a bare number is seconds) into milliseconds. */
export function parseAge(text: string): number {
  const m = AGE.exec(text.trim());
  if (!m) throw new RangeError(`invalid duration '${text}' (expected e.g. 30m, 2h, 3d)`);
  return Number(m[1]) * AGE_MS[(m[2] ?? '').toLowerCase()];
}

/** IEC display: `50.0 GiB`, `1.2 MiB`, `512 B`. */
export function formatSize(n: number): string {
  if (Math.abs(n) < 1024) return `${n} B`;
  return (bytes.format(n, { decimalPlaces: 1, fixedDecimals: true, unitSeparator: ' ' }) ?? `${n} B`).replace(/([KMGTP])B$/, '$1iB');
}

/**
 * `1,234,567`: what toLocaleString('en-US') prints for a count, without it (its first
 * call loads ICU's number formats, a visible part of a quick indexed re-run).
 */
export function formatCount(x: number): string {
  if (!Number.isSafeInteger(x)) return x.toLocaleString('en-US');
  const digits = String(Math.abs(x));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = out.length; at < digits.length; at += 3) out += `,${digits.slice(at, at + 3)}`;
  return x < 0 ? `-${out}` : out;
}

/** `3d 4h`, `17m`, `42s`: two most significant units. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.round(ms / 1000));
  const parts: [number, string][] = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = parts.findIndex(([v]) => v > 0);
  if (first < 0) return '0s';
  return parts.slice(first, first + 2).filter(([v]) => v > 0).map(([v, u]) => `${v}${u}`).join(' ');
}
