import { posix } from 'node:path';
import { fail, ok, warn, type Check } from '../types.js';
import { cleanersOf, type DoctorContext, type Target } from './context.js';
import { filesystemOf } from '../../report.js';
import { formatSize } from '../../units.js';

const ID = 'free-space';
/** Room to leave on the filesystem for httpd's temp files, logs and everything else on it. */
const HEADROOM = 0.1;

/**
 * `free-space`: the limit the cleaner prunes to (or --limit) against the filesystem the
 * cache lives on. A limit larger than the filesystem is never reached: the disk fills
 * first, and httpd stops caching (and may stop logging).
 */
export async function freeSpaceCheck(ctx: DoctorContext, t: Target): Promise<Check> {
  const cache = t.root ?? undefined;
  const runs = cleanersOf(ctx, t).filter((c) => !c.broken);
  // cachectl's own limit when it has one: a leftover htcacheclean's is the one to remove.
  const withLimit = runs.filter((c) => c.limit !== null);
  const limits = withLimit.some((c) => c.tool === 'cachectl') ? withLimit.filter((c) => c.tool === 'cachectl') : withLimit;
  const limit = ctx.limit ?? (limits.length ? Math.min(...limits.map((c) => c.limit!)) : null);
  const from = ctx.limit !== undefined ? '--limit' : limits.find((c) => c.limit === limit)?.via;
  let dir = t.root ?? '/';
  while (dir !== '/' && !(await ctx.sys.stat(dir))) dir = posix.dirname(dir);
  const fs = await filesystemOf(ctx.sys.real(dir));
  if (!fs || fs.size <= 0) return warn(ID, `the filesystem of ${dir} could not be read`, 'check that the cache directory exists and is readable', cache);
  const fsText = `the ${formatSize(fs.size)} filesystem of ${t.root ?? dir} (${formatSize(fs.available)} available)`;
  if (limit === null) {
    const minFree = runs.find((c) => c.minFree);
    if (minFree) return ok(ID, `${minFree.via} keeps ${minFree.minFree} of ${fsText} free`, cache);
    return warn(ID, `no size limit is known for ${t.root ?? 'the cache'} (no scheduled cleaner names one), so it cannot be compared with ${fsText}`, 'give the limit with --limit SIZE', cache);
  }
  const lowerTo = formatSize(Math.floor(fs.size * (1 - HEADROOM) / 2 ** 30) * 2 ** 30).replace('.0 ', '');
  if (limit > fs.size) {
    return fail(ID, `the limit of ${formatSize(limit)} (${from}) is larger than ${fsText}: the disk fills up before the cache ever reaches it`, `lower the limit to at most ${lowerTo}`, cache);
  }
  if (limit > fs.size * (1 - HEADROOM)) {
    return warn(ID, `the limit of ${formatSize(limit)} (${from}) leaves less than ${HEADROOM * 100}% of ${fsText} for httpd's temp files and everything else`, `lower the limit to ${lowerTo} or less`, cache);
  }
  if (fs.available < fs.size * 0.05) {
    return warn(ID, `the limit of ${formatSize(limit)} (${from}) fits ${fsText}, but less than 5% of it is free now`, 'prune now (cachectl prune), or free space on that filesystem', cache);
  }
  return ok(ID, `the limit of ${formatSize(limit)} (${from}) fits ${fsText}`, cache);
}
