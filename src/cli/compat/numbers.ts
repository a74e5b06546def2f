/**
 * C number parsing as htcacheclean does it, so the same strings are accepted and
 * rejected: apr_strtoff is strtoll(base 10) plus an ERANGE check; apr_atoi64 ignores
 * every error. Values are int64 and multiplication wraps like the C code does.
 */

export interface StrtollResult {
  value: bigint;
  /** What follows the number (the whole input when there were no digits). */
  rest: string;
  overflow: boolean;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export function strtoll(text: string): StrtollResult {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(text);
  if (!m) return { value: 0n, rest: text, overflow: false };
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  const rest = text.slice(m[0].length);
  if (v > INT64_MAX) return { value: INT64_MAX, rest, overflow: true };
  if (v < INT64_MIN) return { value: INT64_MIN, rest, overflow: true };
  return { value: v, rest, overflow: false };
}

export const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);

const KBYTE = 1024n;

/** `-l`/`-L`: a number and one optional K/M/G (any case, ×1024) or B; null if invalid. */
export function parseHtcLimit(text: string): bigint | null {
  const r = strtoll(text);
  if (r.overflow) return null;
  const mult: Record<string, bigint> = { '': 1n, b: 1n, k: KBYTE, m: KBYTE ** 2n, g: KBYTE ** 3n };
  const unit = r.rest.length <= 1 ? mult[r.rest.toLowerCase()] : undefined;
  return unit === undefined ? null : wrap64(r.value * unit);
}

/** `-R`: a plain integer; 'invalid' for trailing text or overflow, 'negative' below 0. */
export function parseHtcRound(text: string): bigint | 'invalid' | 'negative' {
  const r = strtoll(text);
  if (r.overflow || r.rest !== '') return 'invalid';
  return r.value < 0n ? 'negative' : r.value;
}

/** `-d MINUTES` -> µs, as apr_atoi64(arg) * 60 * 10^6 (junk reads as 0). */
export function parseHtcInterval(text: string): bigint {
  return wrap64(wrap64(strtoll(text).value * 60n) * 1_000_000n);
}

/** strerror for the errno codes a chdir or an open can fail with (apr's %pm). */
export function strerror(code: string | undefined): string {
  const map: Record<string, string> = {
    ENOENT: 'No such file or directory', ENOTDIR: 'Not a directory', EACCES: 'Permission denied',
    EPERM: 'Operation not permitted', EISDIR: 'Is a directory', ELOOP: 'Too many levels of symbolic links',
    ENAMETOOLONG: 'File name too long', EROFS: 'Read-only file system', ENOSPC: 'No space left on device',
    EEXIST: 'File exists', EIO: 'Input/output error',
  };
  return map[code ?? ''] ?? code ?? 'Unknown error';
}
