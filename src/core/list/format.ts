import type { ListedEntry } from './list.js';

/**
 * `htcacheclean -A`'s line: url hdr_size body_size status entity_version date expire
 * request_time response_time has_body header_only, times as raw apr_time_t µs. Kept
 * byte-for-byte so scripts written against htcacheclean keep working.
 */
export function formatLong(e: ListedEntry): string {
  return [
    e.url, e.hdrSize, e.bodySize, e.status, e.entityVersion,
    e.date, e.expire, e.requestTime, e.responseTime,
    e.hasBody ? 1 : 0, e.headerOnly ? 1 : 0,
  ].join(' ');
}

/** µs since the epoch -> ISO 8601; 0 means "not set" in httpd's headers. */
function iso(us: number): string | null {
  if (us === 0) return null;
  const d = new Date(Math.floor(us / 1000));
  // A garbage header can hold a time no Date can show: print null, not a crash.
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** One JSON object per line (NDJSON): readable names, ISO times, sizes in bytes. */
export function formatJson(e: ListedEntry): string {
  return JSON.stringify({
    url: e.url,
    headerBytes: e.hdrSize,
    bodyBytes: e.bodySize,
    status: e.status,
    date: iso(e.date),
    expires: iso(e.expire),
    requestTime: iso(e.requestTime),
    responseTime: iso(e.responseTime),
    lastAccess: e.lastAccess > 0 ? iso(e.lastAccess * 1000) : null,
    hasBody: e.hasBody,
    headOnly: e.headerOnly,
    variant: e.variant,
    path: e.path,
  });
}
