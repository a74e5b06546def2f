/**
 * Apache LogFormat -> a line parser that yields the request time and path. Only the
 * fields recency needs are captured; every other directive just has to be skipped
 * correctly, so each becomes a non-greedy field pattern.
 */
export const COMMON = '%h %l %u %t "%r" %>s %b';
export const COMBINED = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"';

export interface LogHit { time: number; path: string; query: string; status: number }
export type LineParser = (line: string) => LogHit | null;

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** `10/Oct/2000:13:55:36 -0700` -> ms since the epoch, or NaN. */
export function parseClfTime(s: string): number {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m || MONTHS[m[2]] === undefined) return NaN;
  const utc = Date.UTC(+m[3], MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6]);
  const off = (+m[8] * 60 + +m[9]) * 60e3 * (m[7] === '+' ? 1 : -1);
  return utc - off;
}

/**
 * The pattern of a LogFormat: one capture group per directive, in order; `directives`
 * gives each group's directive (`>s`, `b`, `O`, `{cache-status}e`, …).
 */
export function compileLogPattern(format: string): { rx: RegExp; directives: string[] } {
  const directives: string[] = [];
  let re = '^';
  // Directives: %%, %{...}X, %>s / %<s, %X. A directive between quotes may hold spaces.
  const token = /%%|%[<>]?(?:\{[^}]*\})?[a-zA-Z]|[^%]+/g;
  let inQuote = false;
  for (const [tok] of format.matchAll(token)) {
    if (!tok.startsWith('%') || tok === '%%') {
      const lit = tok === '%%' ? '%' : tok;
      for (const ch of lit) if (ch === '"') inQuote = !inQuote;
      re += lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, ' +');
      continue;
    }
    const d = tok.replace(/^%[<>]?(\{[^}]*\})?/, '');
    directives.push(tok.slice(1));
    // %U stops at '?', so "%U%q" splits path and query.
    const field = d === 'U' ? '([^?\\s"]*)' : inQuote ? '((?:[^"\\\\]|\\\\.)*)' : '(\\S*)';
    re += d === 't' && !tok.includes('{') ? '\\[([^\\]]+)\\]' : field;
  }
  return { rx: new RegExp(re + '\\s*$'), directives };
}

/** A request target (`/p?q`, or absolute-form `http://host/p?q`) -> path and query. */
export function splitTarget(target: string): { path: string; query: string } {
  const t = target.replace(/^[a-z]+:\/\/[^/]*/i, '');
  const q = t.indexOf('?');
  return q < 0 ? { path: t, query: '' } : { path: t.slice(0, q), query: t.slice(q + 1) };
}

export function compileLogFormat(format: string): LineParser {
  const { rx, directives } = compileLogPattern(format);
  // The group of a field recency reads (`%>s` is `s`); a `%{...}t` has a time format of its own: not read.
  const at = (f: string) => 1 + directives.findIndex((x) => x.replace(/^[<>]?(\{[^}]*\})?/, '') === f && !(f === 't' && x.includes('{')));
  const [iT, iR, iS, iU, iQ] = [at('t'), at('r'), at('s'), at('U'), at('q')];
  if (!iT || !(iR || iU)) throw new RangeError(`log format '${format}' needs %t and %r (or %U)`);
  return (line) => {
    const m = rx.exec(line);
    if (!m) return null;
    const time = parseClfTime(m[iT]);
    if (Number.isNaN(time)) return null;
    let path: string, query = '';
    if (iR) {
      const r = /^[A-Z]+ (\S+)(?: HTTP\/[\d.]+)?$/.exec(m[iR]);
      if (!r) return null;
      ({ path, query } = splitTarget(r[1]));
    } else {
      path = m[iU];
      query = iQ ? m[iQ].replace(/^\?/, '') : '';
    }
    return { time, path, query, status: iS ? Number(m[iS]) : 200 };
  };
}
