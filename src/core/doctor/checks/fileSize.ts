import { fail, ok, warn, type Check } from '../types.js';
import { bytesText, type DoctorContext, type Target } from './context.js';
import { effective, at } from '../httpd/servers.js';
import type { Directive } from '../httpd/parse.js';
import { formatSize } from '../../units.js';

const ID = 'max-file-size';
/** mod_cache_disk's defaults (DEFAULT_MIN_FILE_SIZE, DEFAULT_MAX_FILE_SIZE). */
export const DEFAULT_MAX_FILE_SIZE = 1_000_000;
const DEFAULT_MIN_FILE_SIZE = 1;
/** What the Gentoo mirror setup uses: no distfile is too large to keep. */
const SUGGESTED_MAX = 10_000_000_000;

/** A byte count as httpd's apr_strtoff reads it (digits only), or a problem. */
function byteSetting(d: Directive | undefined, dflt: number): number | string {
  if (!d) return dflt;
  const v = d.args[0] ?? '';
  return /^\d+$/.test(v) ? Number(v) : `${d.name === 'cachemaxfilesize' ? 'CacheMaxFileSize' : 'CacheMinFileSize'} "${v}" at ${at(d)} is not a number of bytes (httpd refuses to start)`;
}

/**
 * `max-file-size`: mod_cache_disk never stores a body larger than CacheMaxFileSize
 * (1,000,000 B unless set) or smaller than CacheMinFileSize. For a distfiles mirror
 * the default means most distfiles pass through uncached, every time.
 */
export function maxFileSizeCheck(ctx: DoctorContext, t: Target): Check {
  const server = t.servers[0] ?? 0;
  const maxD = ctx.cfg ? effective(ctx.cfg, server, 'cachemaxfilesize') : undefined;
  const minD = ctx.cfg ? effective(ctx.cfg, server, 'cacheminfilesize') : undefined;
  const max = byteSetting(maxD, DEFAULT_MAX_FILE_SIZE);
  const min = byteSetting(minD, DEFAULT_MIN_FILE_SIZE);
  const cache = t.root ?? undefined;
  const fix = `CacheMaxFileSize ${SUGGESTED_MAX} next to CacheRoot (and restart httpd)`;
  if (typeof max === 'string') return fail(ID, max, fix, cache);
  if (typeof min === 'string') return fail(ID, min, 'CacheMinFileSize 1', cache);
  if (min > max) return fail(ID, `CacheMinFileSize ${bytesText(min)} is above CacheMaxFileSize ${bytesText(max)}: nothing can be cached`, `CacheMinFileSize 1 and ${fix}`, cache);
  const minNote = min > 1 ? `; CacheMinFileSize ${bytesText(min)} also keeps smaller files (patches, signatures) out` : '';
  if (!maxD || max <= DEFAULT_MAX_FILE_SIZE) {
    const what = maxD ? `CacheMaxFileSize is ${bytesText(max)} (${at(maxD)})` : `CacheMaxFileSize is not set, so it is httpd's default of ${bytesText(DEFAULT_MAX_FILE_SIZE)}`;
    return warn(ID, `${what}: every distfile larger than that, most of them, is fetched upstream each time and never cached${minNote}`, fix, cache);
  }
  if (max < ctx.largestFile) {
    return warn(ID, `CacheMaxFileSize is ${bytesText(max)} (${at(maxD)}): distfiles larger than ${formatSize(max)} (the largest run to ${formatSize(ctx.largestFile)}) are never cached${minNote}`, fix, cache);
  }
  if (min > 1) return warn(ID, `CacheMaxFileSize ${bytesText(max)} covers every distfile${minNote}`, 'CacheMinFileSize 1', cache);
  return ok(ID, `CacheMaxFileSize ${bytesText(max)} (${at(maxD)}) covers distfiles up to ${formatSize(max)}, and CacheMinFileSize ${bytesText(min)} keeps only empty bodies out`, cache);
}
