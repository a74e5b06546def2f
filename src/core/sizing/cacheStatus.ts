/**
 * mod_cache's verdict on a request, from `%{cache-status}e` ("cache hit", "conditional
 * cache hit: entity refreshed", "cache miss: attempting entity save", "cache invalidated
 * by …", see modules/cache/mod_cache.c) or from `%{X-Cache}o` with `CacheHeader on`
 * ("HIT from host", "REVALIDATE from host", …). A revalidated entry counts as a hit: its
 * body came from the disk, only a 304 came from upstream. Anything else is unknown.
 */
export type Verdict = 'hit' | 'miss' | 'unknown';

export function cacheVerdict(status: string): Verdict {
  const s = status.toLowerCase();
  if (s.startsWith('cache hit') || s.startsWith('conditional cache hit') || s.startsWith('hit ') || s.startsWith('revalidate ')) return 'hit';
  if (s.startsWith('cache miss') || s.startsWith('conditional cache miss') || s.startsWith('cache invalidated') || s.startsWith('miss ') || s.startsWith('invalidate ')) return 'miss';
  return 'unknown';
}
