import { COMBINED, COMMON, compileLogPattern, parseClfTime, splitTarget } from '../index/logFormat.js';
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
  status: number;
  /** Body bytes (`%b`/`%B`; `%O` when the format has neither: headers included). */
  bytes: number;
  /** `%{cache-status}e` (or `%{X-Cache}o`) as logged; '' when absent or `-`. */
  cacheStatus: string;
}

export type RecordParser = (line: string) => LogRecord | null;

const MONTH_NUM: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };
const REQUEST_LINE = /^([A-Z]+) (\S+)(?: HTTP\/[\d.]+)?$/;

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

  // Consecutive lines mostly share their second and always their day: parse each once.
  let lastT = '', lastTime = NaN, lastDayKey = '', lastDay = '';
  return (line) => {
    const m = rx.exec(line);
    if (!m) return null;
    const t = m[iT];
    if (t !== lastT) {
      const time = parseClfTime(t);
      if (Number.isNaN(time)) return null;
      lastT = t;
      lastTime = time;
      if (t.slice(0, 11) !== lastDayKey) {
        lastDayKey = t.slice(0, 11);
        lastDay = `${t.slice(7, 11)}-${MONTH_NUM[t.slice(3, 6)]}-${t.slice(0, 2)}`;
      }
    }
    let method: string, path: string, query: string;
    if (iR) {
      const r = REQUEST_LINE.exec(m[iR]);
      if (!r) return null;
      method = r[1];
      ({ path, query } = splitTarget(r[2]));
    } else {
      method = iM ? m[iM] : 'GET';
      path = m[iU];
      query = iQ ? m[iQ].replace(/^\?/, '') : '';
    }
    const status = Number(m[iS]);
    const b = m[iB];
    const bytes = b === '-' ? 0 : Number(b);
    if (!Number.isInteger(status) || !Number.isSafeInteger(bytes) || bytes < 0) return null;
    const c = iC ? m[iC] : '';
    return { time: lastTime, day: lastDay, method, path, query, status, bytes, cacheStatus: c === '-' ? '' : c };
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
