/** Access-log lines for the sizing tests. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function clfTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface Req { t: number; path: string; bytes: number; status?: number; method?: string; cache?: string }

/** A combined line, with the cache status appended when given (CACHE_FORMAT). */
export function line(r: Req): string {
  const base = `192.0.2.7 - - [${clfTime(r.t)}] "${r.method ?? 'GET'} ${r.path} HTTP/1.1" ${r.status ?? 200} ${r.bytes || '-'} "-" "Wget/1.21"`;
  return r.cache === undefined ? base : `${base} "${r.cache}"`;
}

export const lines = (rs: Req[]) => rs.map((r) => line(r) + '\n').join('');

/** Combined plus mod_cache's verdict, as the README suggests logging it. */
export const CACHE_FORMAT = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{cache-status}e"';
