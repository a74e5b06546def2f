import { describe, expect, test } from 'vitest';
import {
  allRequests, apache2, cachectlJson, checkServing, haveAll, htcacheA, htcacheclean, isCached, sumSizes, titled, walkTree, useFilledLab,
} from '../helpers/apacheLab.js';

/**
 * Issue #7 (b): `cachectl prune --limit X` brings a real httpd cache under X; afterwards
 * every kept URL is a HIT with the right bytes, every evicted one a MISS fetched again
 * correctly, and no request gets a 5xx.
 * Layout 2/1 (the tutorial's). 40 requests fill 40 entries (~11 MB); each check refetches
 * all 40; a second round with --usage disk does the same. About 170 requests in all.
 */
describe.skipIf(!haveAll(apache2, htcacheclean))(titled('apache e2e: prune on a real httpd cache', apache2, htcacheclean), { timeout: 90_000 }, () => {
  const lab = useFilledLab({ dirLevels: 2, dirLength: 1 });

  test('--dry-run plans evictions but leaves the real cache untouched', async () => {
    const before = await walkTree(lab.cacheRoot);
    const limit = Math.floor(sumSizes(before) * 0.4);
    const r = await cachectlJson(['prune', lab.cacheRoot, '--limit', String(limit), '--usage', 'apparent', '--dry-run', '--json']);
    expect(r.dryRun).toBe(true);
    expect(r.before.bytes).toBe(sumSizes(before));
    expect(r.plan.length).toBeGreaterThan(0);
    expect(r.plan.every((v: { reason: string }) => v.reason === 'lru')).toBe(true);
    const after = await walkTree(lab.cacheRoot);
    // Nothing removed or rewritten, and no body read (a scan reads headers only).
    const sig = (f: (typeof before)[number]) => `${f.rel} ${f.size} ${f.ino} ${f.mtimeMs} ${f.rel.endsWith('.data') ? f.atimeMs : ''}`;
    expect(after.map(sig)).toEqual(before.map(sig));
  });

  test('--usage apparent: the cache ends under the limit, kept URLs are HITs, evicted ones MISS and refill', async () => {
    const reqs = allRequests(lab);
    const before = await walkTree(lab.cacheRoot);
    const entriesBefore = (await htcacheA(lab.cacheRoot)).length;
    const limit = Math.floor(sumSizes(before) * 0.4);

    const r = await cachectlJson(['prune', lab.cacheRoot, '--limit', String(limit), '--usage', 'apparent', '--json']);
    expect(r.before.bytes).toBe(sumSizes(before));
    expect(r.after.bytes).toBeLessThanOrEqual(limit);
    expect(r.targetMet).toBe(true);
    expect(r.errors).toEqual([]);

    // What is on disk agrees with what prune says, and with htcacheclean's view.
    const after = await walkTree(lab.cacheRoot);
    expect(sumSizes(after)).toBe(r.after.bytes);
    expect(sumSizes(after)).toBeLessThanOrEqual(limit);
    const htc = await htcacheA(lab.cacheRoot);
    expect(htc.length).toBe(entriesBefore - r.removed.entries);
    expect(htc.length).toBe(reqs.filter((q) => isCached(lab, q)).length);
    const rep = await cachectlJson(['report', '--json', lab.cacheRoot]);
    expect(rep.bytes).toBeLessThanOrEqual(limit);
    expect(rep.entries).toBe(htc.length);

    const { hits, misses } = await checkServing(lab, reqs);
    expect(hits).toBeGreaterThan(0);
    expect(misses).toBeGreaterThan(0);
    // The evicted ones are back: the cache is whole again.
    expect((await htcacheA(lab.cacheRoot)).length).toBe(reqs.length);
  });

  test('--usage disk (default): disk usage as report counts it (du-like) ends under the limit', async () => {
    const reqs = allRequests(lab);
    const repBefore = await cachectlJson(['report', '--json', lab.cacheRoot]);
    const limit = Math.floor(repBefore.diskBytes * 0.5);
    const r = await cachectlJson(['prune', lab.cacheRoot, '--limit', String(limit), '--json']);
    expect(r.usage).toBe('disk');
    expect(r.before.bytes).toBe(repBefore.diskBytes);
    expect(r.after.bytes).toBeLessThanOrEqual(limit);
    expect(r.removed.entries).toBeGreaterThan(0);
    const rep = await cachectlJson(['report', '--json', lab.cacheRoot]);
    expect(rep.diskBytes).toBeLessThanOrEqual(limit);
    const { misses } = await checkServing(lab, reqs);
    expect(misses).toBe(r.removed.entries);
  });

  test('httpd logged no error and answered no 5xx', () => {
    const statuses = lab.accessLogLines().map((l) => Number(/" (\d{3}) /.exec(l)?.[1]));
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(lab.errorLogText()).not.toMatch(/\[(crit|alert|emerg)\]|segfault|exit signal/i);
  });
});
