import { join } from 'node:path';
import { fail, ok, warn, type Check } from '../types.js';
import type { DoctorContext, Target } from './context.js';
import { effective, at } from '../httpd/servers.js';
import { sampleTree } from '../../safety/sampleTree.js';
import { inHttpdLayout } from '../../safety/apacheEvidence.js';
import { readHeader, type HeaderReadResult } from '../../scan/readHeader.js';

const ID = 'dir-layout';
/** Headers read from the sample: enough to tell one layout from a mix, cheap on any cache. */
const MAX_HEADERS = 12;
const read = (path: string) => new Promise<HeaderReadResult>((resolve) => readHeader(path, resolve));

/** CacheDirLevels/CacheDirLength as httpd reads them, or a problem. Defaults 2 and 2. */
export function configuredLayout(ctx: DoctorContext, t: Target): { levels: number; length: number; where: string } | { problem: string } {
  const server = t.servers[0] ?? 0;
  const lv = ctx.cfg ? effective(ctx.cfg, server, 'cachedirlevels') : undefined;
  const ln = ctx.cfg ? effective(ctx.cfg, server, 'cachedirlength') : undefined;
  const levels = lv ? Number(lv.args[0]) : 2;
  const length = ln ? Number(ln.args[0]) : 2;
  for (const [d, v, name] of [[lv, levels, 'CacheDirLevels'], [ln, length, 'CacheDirLength']] as const) {
    if (d && (!Number.isInteger(v) || v < 1)) return { problem: `${name} ${d.args[0] ?? ''} at ${at(d)} must be a whole number of at least 1 (httpd refuses to start)` };
  }
  if (levels * length > 20) return { problem: `CacheDirLevels ${levels} × CacheDirLength ${length} is more than 20: httpd refuses to start` };
  const where = lv || ln ? `set at ${[lv, ln].filter(Boolean).map((d) => at(d!)).join(' and ')}` : 'httpd\'s defaults';
  return { levels, length, where };
}

/**
 * `dir-layout`: do the entries on disk sit where CacheDirLevels × CacheDirLength says?
 * A sample (sampleTree's budget) and a dozen headers' keys: each key hashes to one path,
 * whose shape is the layout it was written under. If httpd's settings changed since,
 * it looks for every existing entry in the wrong place and never serves it again.
 */
export async function dirLayoutCheck(ctx: DoctorContext, t: Target): Promise<Check> {
  const conf = configuredLayout(ctx, t);
  const cache = t.root ?? undefined;
  if ('problem' in conf) return fail(ID, conf.problem, 'set CacheDirLevels × CacheDirLength to at most 20 (the defaults 2 and 2 suit a distfiles cache)', cache);
  const want = `${conf.levels}×${conf.length}`;
  if (t.root === null || !(await ctx.sys.stat(t.root))?.isDirectory()) {
    return warn(ID, `CacheDirLevels × CacheDirLength is ${want} (${conf.where}); there is no cache directory to compare it with`, 'see cache-root', cache);
  }
  const real = ctx.sys.real(t.root);
  let sample;
  try { sample = await sampleTree(real); } catch (e) {
    return warn(ID, `${t.root} cannot be read (${(e as NodeJS.ErrnoException).code}), so its layout was not compared with ${want}`, 'run doctor as root or as the cache\'s owner', cache);
  }
  const headers = sample.seen.filter((s) => s.type === 'file' && s.name.endsWith('.header') && !s.rel.includes('.header.vary/')).slice(0, MAX_HEADERS);
  const seen = new Map<string, number>();
  let unreadable = 0;
  for (const h of headers) {
    const r = await read(join(real, h.rel));
    if (!r.ok) { unreadable++; continue; }
    if (r.header.kind !== 'entry') continue;
    const stem = h.rel.slice(0, -'.header'.length);
    if (!inHttpdLayout(stem, r.header.key)) continue;
    const dirs = stem.split('/').slice(0, -1);
    const l = `${dirs.length}×${dirs[0]?.length ?? 0}`;
    seen.set(l, (seen.get(l) ?? 0) + 1);
  }
  const total = [...seen.values()].reduce((a, b) => a + b, 0);
  if (total === 0) {
    if (unreadable) return warn(ID, `the headers in ${t.root} cannot be read (permission denied), so its layout was not compared with ${want}`, 'run doctor as root or as the cache\'s owner', cache);
    return ok(ID, `${t.root} holds no entries yet; httpd will file them ${want} (CacheDirLevels × CacheDirLength, ${conf.where})`, cache);
  }
  const matching = seen.get(want) ?? 0;
  const others = [...seen].filter(([l]) => l !== want).map(([l, n]) => `${n} at ${l}`).join(', ');
  if (matching === total) return ok(ID, `the ${total} entries looked at sit ${want}, as CacheDirLevels × CacheDirLength say (${conf.where})`, cache);
  const [top] = [...seen].filter(([l]) => l !== want).sort((a, b) => b[1] - a[1]);
  const [lv, ln] = top[0].split('×');
  if (matching === 0) {
    return fail(ID, `the entries on disk sit ${top[0]} but httpd is set to ${want} (${conf.where}): it looks for every cached distfile in the wrong place, so nothing there is ever served again`,
      `put back CacheDirLevels ${lv} and CacheDirLength ${ln}, or keep ${want} and let the old entries age out (cachectl prunes them like any other)`, cache);
  }
  return warn(ID, `of ${total} entries looked at, ${matching} sit ${want} as configured but ${others}: left from an earlier layout, never served again`,
    'nothing urgent: cachectl prunes them as they age; remove them sooner with a prune to a lower limit', cache);
}
