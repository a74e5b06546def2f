import { ok, warn, type Check } from '../types.js';
import type { DoctorContext, Target } from './context.js';
import { effective, at } from '../httpd/servers.js';
import { formatAge, formatCount } from '../../units.js';

/** mod_cache's defaults (DEFAULT_CACHE_MAXEXPIRE, _MINEXPIRE, _EXPIRE, DEFAULT_CACHE_LOCK_MAXAGE). */
const MAX_EXPIRE = 86_400;
const MIN_EXPIRE = 0;
const DEFAULT_EXPIRE = 3_600;
const LOCK_MAX_AGE = 5;
/** A lock younger than a large download: a 4 GB distfile at ~10 MB/s takes minutes. */
const SUGGESTED_LOCK_AGE = 600;

const seconds = (ctx: DoctorContext, t: Target, name: string, dflt: number) => {
  const d = ctx.cfg ? effective(ctx.cfg, t.servers[0] ?? 0, name) : undefined;
  // atol(), as mod_cache reads these: leading digits, 0 if none.
  return { value: d ? Number(/^\s*(\d+)/.exec(d.args[0] ?? '')?.[1] ?? 0) : dflt, d };
};
const span = (s: number) => `${formatCount(s)} s${s === 86_400 ? ' = one day' : s > 86_400 ? ` = ${formatAge(s * 1000)}` : ''}`;

/**
 * `freshness`: httpd caps the expiry it derives from Last-Modified at CacheMaxExpire
 * (one day unless set), even when CacheMinExpire asks for more (httpd-behaviour.md):
 * with the mirror tutorial's CacheMinExpire of two years and no CacheMaxExpire, every
 * entry is stale a day after it was fetched, and each later request first asks upstream.
 */
export function freshnessCheck(ctx: DoctorContext, t: Target): Check {
  const max = seconds(ctx, t, 'cachemaxexpire', MAX_EXPIRE);
  const min = seconds(ctx, t, 'cacheminexpire', MIN_EXPIRE);
  const def = seconds(ctx, t, 'cachedefaultexpire', DEFAULT_EXPIRE);
  const cache = t.root ?? undefined;
  const where = (d: typeof max.d) => (d ? at(d) : 'httpd\'s default');
  const maxText = `CacheMaxExpire ${span(max.value)} (${where(max.d)})`;
  if (min.value > max.value) {
    return warn('freshness', `${maxText} is below CacheMinExpire ${span(min.value)} (${where(min.d)}): httpd caps the expiry it computes from Last-Modified at CacheMaxExpire, so entries go stale ${max.value === 86_400 ? 'a day' : formatAge(max.value * 1000)} after they are fetched and every later request first asks upstream (a 304 when the distfile is unchanged)`,
      `CacheMaxExpire ${min.value} next to CacheMinExpire`, cache);
  }
  if (def.value > max.value) {
    return warn('freshness', `CacheDefaultExpire ${span(def.value)} (${where(def.d)}) is above ${maxText}: it only applies to responses without a usable Last-Modified; for the others, nearly every distfile, httpd caps the expiry at CacheMaxExpire, so they go stale ${max.value === 86_400 ? 'a day' : formatAge(max.value * 1000)} after they are fetched`,
      `CacheMaxExpire ${def.value} next to CacheDefaultExpire`, cache);
  }
  const defNote = def.d ? `; CacheDefaultExpire ${span(def.value)} applies to responses without a usable Last-Modified` : '';
  return ok('freshness', `${maxText} is not below CacheMinExpire ${span(min.value)} (${where(min.d)}): entries stay fresh as long as httpd computes${defNote}`, cache);
}

/**
 * `last-modified`: a 200 with none of Last-Modified, ETag, Expires or max-age is not
 * cached unless CacheIgnoreNoLastMod is on. Mirrors serving plain files send them, so
 * off is fine; the sentence says what to change if a mirror does not.
 */
export function lastModifiedCheck(ctx: DoctorContext, t: Target): Check {
  const d = ctx.cfg ? effective(ctx.cfg, t.servers[0] ?? 0, 'cacheignorenolastmod') : undefined;
  const on = (d?.args[0] ?? '').toLowerCase() === 'on';
  const cache = t.root ?? undefined;
  if (on) return ok('last-modified', `CacheIgnoreNoLastMod is on (${at(d!)}): responses without Last-Modified are cached too`, cache);
  return ok('last-modified', `CacheIgnoreNoLastMod is off${d ? ` (${at(d)})` : ' (the default)'}: a response with none of Last-Modified, ETag, Expires or max-age is not cached; mirrors serving plain files send them (set it on if an upstream does not)`, cache);
}

/**
 * `cache-lock`: without CacheLock, every client asking for a popular distfile that is
 * new or stale at the same moment makes httpd fetch it upstream and write its own copy
 * into a temp file; with it, one request caches and the others pass through (or get the
 * stale copy). A lock older than CacheLockMaxAge (5 s) counts as abandoned: shorter than
 * a large download, so the herd comes back.
 */
export function cacheLockCheck(ctx: DoctorContext, t: Target): Check {
  const server = t.servers[0] ?? 0;
  const d = ctx.cfg ? effective(ctx.cfg, server, 'cachelock') : undefined;
  const age = seconds(ctx, t, 'cachelockmaxage', LOCK_MAX_AGE);
  const cache = t.root ?? undefined;
  const fix = `CacheLock on and CacheLockMaxAge ${SUGGESTED_LOCK_AGE} (longer than the slowest download of a large distfile)`;
  if ((d?.args[0] ?? '').toLowerCase() !== 'on') {
    return warn('cache-lock', `CacheLock is off${d ? ` (${at(d)})` : ' (the default)'}: when a popular distfile is new or stale, every client asking at once makes httpd fetch it upstream and write its own copy into the cache`, fix, cache);
  }
  if (age.value < 60) {
    return warn('cache-lock', `CacheLock is on but CacheLockMaxAge is ${age.value} s${age.d ? ` (${at(age.d)})` : ' (the default)'}: a lock that old counts as abandoned, so during a longer download the next client starts its own`, `CacheLockMaxAge ${SUGGESTED_LOCK_AGE}`, cache);
  }
  return ok('cache-lock', `CacheLock is on (${at(d!)}) with CacheLockMaxAge ${age.value} s: one request caches a new distfile while the others pass through`, cache);
}
