import { COMBINED, COMMON, compileLogPattern, parseClfTime, splitTarget } from '../accessLog/logFormat.js';
import { UsageError } from '../errors.js';

/**
 * One access-log line as sizing reads it: what recency reads (logFormat.ts) plus the
 * method, the body bytes and mod_cache's verdict. Every string in it came from a client
 * (attacker-controlled): print it only through escapeControl.
 */
export interface LogRecord {
  time: number;
  /** The request's calendar day in the log's own time zone, `YYYY-MM-DD`. */
  day: string;
  method: string;
  path: string;
  query: string;
  /** `path?query`, or `path` when the query is empty: the object the LRU model caches. */
  key: string;
  status: number;
  /** Body bytes (`%b`/`%B`; `%O` when the format has neither: headers included). */
  bytes: number;
  /** `%{cache-status}e` (or `%{X-Cache}o`) as logged; '' when absent or `-`. */
  cacheStatus: string;
}

export type RecordParser = (line: string) => LogRecord | null;

const MONTH_NUM: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };
const REQUEST_LINE = /^([A-Z]+) (\S+)(?: HTTP\/[\d.]+)?$/;
const CLF_TIME = /^\d\d\/\w\w\w\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}$/;
const HTTP_VERSION = /^ HTTP\/[\d.]+$/;

/**
 * `%t` -> ms and the log's calendar day, as parseClfTime, but the day's start (with its
 * zone) is parsed once per day and the clock read by position, without allocating:
 * parseClfTime's regex and Date.UTC were a tenth of the run time on a 1M-line log.
 */
class ClfClock {
  /** `YYYY-MM-DD` of the last time read. */
  day = '';
  private prefix = '';
  private zone = '';
  private dayStart = NaN;

  read(t: string): number {
    if (t.length !== 26 || t.charCodeAt(11) !== 58 /* : */) return this.slow(t);
    if (!t.startsWith(this.prefix) || !t.endsWith(this.zone) || this.prefix === '') {
      if (!CLF_TIME.test(t)) return this.slow(t);
      this.dayStart = parseClfTime(`${t.slice(0, 11)}:00:00:00${t.slice(20)}`);
      if (Number.isNaN(this.dayStart)) return NaN;
      this.prefix = t.slice(0, 11);
      this.zone = t.slice(20);
      this.day = dayOf(t);
    }
    // The pattern was checked on the day's first line only: check the clock's digits here.
    const h = twoDigits(t, 12), m = twoDigits(t, 15), sec = twoDigits(t, 18);
    if (!(h < 24 && m < 60 && sec < 61) || t.charCodeAt(14) !== 58 || t.charCodeAt(17) !== 58) return NaN;
    return this.dayStart + ((h * 60 + m) * 60 + sec) * 1000;
  }

  /** Any other shape parseClfTime accepts (none today; kept so both always agree). */
  private slow(t: string): number {
    const time = parseClfTime(t);
    if (!Number.isNaN(time)) this.day = dayOf(t);
    this.prefix = '';
    return time;
  }
}

/** The number in t[i..i+1], or 99 when either is not a digit. */
function twoDigits(t: string, i: number): number {
  const a = t.charCodeAt(i) - 48, b = t.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : 99;
}

const dayOf = (t: string) => `${t.slice(7, 11)}-${MONTH_NUM[t.slice(3, 6)]}-${t.slice(0, 2)}`;

/** Uppercase letters only, as the request-line pattern's `[A-Z]+`. */
function isMethod(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/** Names `--access-log-format` accepts besides a LogFormat string. */
const NAMED: Record<string, string> = { common: COMMON, combined: COMBINED };

/**
 * Compiles a LogFormat into a sizing parser. Refuses (UsageError) a format without the
 * fields the model needs: %t, the request (%r, or %U), the status and a byte count.
 */
export function compileRecordParser(format: string): RecordParser {
  const fmt = NAMED[format.toLowerCase()] ?? format;
  const { rx, directives } = compileLogPattern(fmt);
  const at = (...ds: string[]) => {
    for (const d of ds) {
      const i = directives.findIndex((x) => x.toLowerCase() === d.toLowerCase());
      if (i >= 0) return i + 1;
    }
    return 0;
  };
  const iT = at('t'), iR = at('r'), iU = at('U'), iQ = at('q'), iM = at('m');
  // The final status (%>s) is what the client got; %s alone is the original one.
  const iS = at('>s', 's', '<s');
  const iB = at('b', 'B', 'O');
  const iC = at('{cache-status}e', '{X-Cache}o');
  const missing = [!iT && '%t', !(iR || iU) && '%r', !iS && '%>s', !iB && '%b (or %B, %O)'].filter(Boolean);
  if (missing.length) throw new UsageError(`log format '${fmt}' lacks ${missing.join(', ')}, which sizing needs`);

  const clock = new ClfClock();
  return (line) => {
    const m = rx.exec(line);
    if (!m) return null;
    const time = clock.read(m[iT]);
    if (Number.isNaN(time)) return null;
    let method: string, path: string, query: string;
    if (iR) {
      // "GET /path?q HTTP/1.1" split by hand; anything unusual goes through the pattern.
      const rl = m[iR];
      const sp = rl.indexOf(' '), sp2 = rl.indexOf(' ', sp + 1);
      let target: string;
      if (sp > 0 && sp2 > sp + 1 && rl.charCodeAt(sp + 1) === 47 /* / */ && isMethod(method = rl.slice(0, sp)) && HTTP_VERSION.test(rl.slice(sp2))) {
        target = rl.slice(sp + 1, sp2);
        const q = target.indexOf('?');
        path = q < 0 ? target : target.slice(0, q);
        query = q < 0 ? '' : target.slice(q + 1);
      } else {
        const r = REQUEST_LINE.exec(rl);
        if (!r) return null;
        method = r[1];
        ({ path, query } = splitTarget(r[2]));
      }
    } else {
      method = iM ? m[iM] : 'GET';
      path = m[iU];
      query = iQ ? m[iQ].replace(/^\?/, '') : '';
    }
    const key = query ? `${path}?${query}` : path;
    const status = Number(m[iS]);
    const b = m[iB];
    const bytes = b === '-' ? 0 : Number(b);
    if (!Number.isInteger(status) || !Number.isSafeInteger(bytes) || bytes < 0) return null;
    const c = iC ? m[iC] : '';
    return { time, day: clock.day, method, path, query, key, status, bytes, cacheStatus: c === '-' ? '' : c };
  };
}

/** Common or combined, whichever the line fits; the one that fitted last is tried first. */
export function defaultRecordParser(): RecordParser {
  const parsers = [compileRecordParser(COMBINED), compileRecordParser(COMMON)];
  let first = 0;
  return (line) => {
    const r = parsers[first](line);
    if (r) return r;
    const other = parsers[1 - first](line);
    if (other) first = 1 - first;
    return other;
  };
}
