import { statSync, utimesSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ageTree, apache2, cachectlJson, checkServing, entryOf, fetchAll, fillCache, haveAll, htcacheA, htcacheclean,
  reqLabel, startLab, sumSizes, titled, walkTree, type Lab, type Req,
} from '../helpers/apacheLab.js';

const DAY = 86400e3;
const HOUR = 3600e3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue #7 (c): true LRU on a real httpd cache. Every file is aged 10 days with utimes;
 * a chosen subset is then requested through httpd (a hit reads the body, which moves its
 * atime under relatime because atime <= mtime after the aging), one max-age=2 entry is
 * revalidated (httpd rewrites its header), and prune must keep exactly those.
 * Also: a temp file left by a killed httpd child is swept only once older than
 * --temp-max-age (6h by default).
 * Layout 2/2 (httpd's default). 32 requests fill 32 entries (~7 MB: the 30 distfiles,
 * one vary file with 3 variants), 8 hot requests, 1 revalidation, 32 to check serving,
 * plus the killed slow download.
 */
describe.skipIf(!haveAll(apache2, htcacheclean))(titled('apache e2e: LRU eviction by real access times', apache2, htcacheclean), { timeout: 90_000 }, () => {
  let lab: Lab;
  let reqs: Req[];
  let hot: Req[];
  let revalidated: Req;
  let temp: { path: string; size: number };
  let filledAt = 0;

  beforeAll(async () => {
    lab = await startLab({ dirLevels: 2, dirLength: 2 });
    // Every distfile once; the first vary file also with two more Accept-Encoding values.
    reqs = lab.distfiles.map((file) => ({ file, ae: '' }));
    const vary0 = lab.distfiles.find((f) => f.vary)!;
    reqs.push({ file: vary0, ae: 'gzip' }, { file: vary0, ae: 'br' });
    await fillCache(lab, reqs);
    filledAt = Date.now();
    temp = await lab.leaveTempFile();
    await lab.waitForCommit();
    // Hot: a mix of sizes, one plain variant and one gzip variant of vary files.
    const pick = (name: string, ae = '') => reqs.find((r) => r.file.name === name && r.ae === ae)!;
    hot = [
      pick('pkg0-1.0.tar.xz'), pick('pkg3-4.0.tar.xz'), pick('pkg6-3.0.tar.xz'), pick('pkg8-1.2.tar.xz'),
      pick('pkg12-1.0.tar.xz'), pick('pkg13-2.1.tar.xz'), pick(vary0.name, 'gzip'), pick('vary2-2.1.tar.gz'),
    ];
    revalidated = pick('short1-0.9.tar.bz2');
    expect(hot.every(Boolean) && !!revalidated).toBe(true);
  }, 120_000);
  afterAll(async () => { await lab?.stop(); }, 60_000);

  test('aging: every file and directory is 10 days old; a scan moves no body atime', async () => {
    await ageTree(lab.cacheRoot, Date.now() - 10 * DAY);
    const before = await walkTree(lab.cacheRoot);
    expect(before.every((f) => Date.now() - f.atimeMs > 9 * DAY && Date.now() - f.mtimeMs > 9 * DAY)).toBe(true);
    await cachectlJson(['report', '--json', lab.cacheRoot]);
    await htcacheA(lab.cacheRoot);
    const after = await walkTree(lab.cacheRoot);
    const bodyAtimes = (t: typeof before) => t.filter((f) => f.rel.endsWith('.data')).map((f) => `${f.rel} ${f.atimeMs}`);
    expect(bodyAtimes(after)).toEqual(bodyAtimes(before));
  });

  test('requests through httpd: a hit moves the body atime, a revalidation rewrites the header', async () => {
    const results = await fetchAll(lab, hot, 1);
    expect(results.map((r, i) => `${reqLabel(hot[i])} ${r.cache}`)).toEqual(hot.map((h) => `${reqLabel(h)} HIT`));
    await lab.waitForCommit();
    for (const h of hot) expect(Date.now() - statSync(entryOf(lab, h).data).atimeMs, reqLabel(h)).toBeLessThan(HOUR);

    // max-age=2: stale by now, so httpd asks the mirror (If-Modified-Since), gets a 304
    // and rewrites the header (new inode, new mtime) while keeping the body file.
    const wait = filledAt + 2500 - Date.now();
    if (wait > 0) await sleep(wait);
    const e = entryOf(lab, revalidated);
    const hdrBefore = statSync(e.header), dataBefore = statSync(e.data);
    const upstreamBefore = lab.upstreamLog.length;
    const [r] = await fetchAll(lab, [revalidated], 1);
    expect(r.cache).toBe('REVALIDATE');
    await lab.waitForCommit();
    const asked = lab.upstreamLog.slice(upstreamBefore);
    expect(asked.map((u) => `${u.url} ${u.status} ${!!u.ims}`)).toEqual([`/${revalidated.file.name} 304 true`]);
    const hdrAfter = statSync(e.header), dataAfter = statSync(e.data);
    expect(hdrAfter.ino).not.toBe(hdrBefore.ino);
    expect(Date.now() - hdrAfter.mtimeMs).toBeLessThan(HOUR);
    expect(dataAfter.ino).toBe(dataBefore.ino);
    expect(dataAfter.mtimeMs).toBe(dataBefore.mtimeMs);
    // Serving it also read the body; set the body back so only the header rewrite says
    // "recently used".
    const old = new Date(Date.now() - 10 * DAY);
    utimesSync(e.data, old, old);
  });

  test('--order mtime (for noatime mounts) sees the revalidation but not the hits', async () => {
    const limit = await hotBytes();
    const r = await cachectlJson(['prune', lab.cacheRoot, '--limit', String(limit), '--usage', 'apparent', '--order', 'mtime', '--dry-run', '--json']);
    const planned = new Set(r.plan.map((v: { url: string }) => v.url));
    expect(planned.has(lab.keyOf(revalidated.file))).toBe(false);
    // Hits only moved body atimes: by mtime the hot entries are as old as the rest.
    expect(hot.filter((h) => planned.has(lab.keyOf(h.file))).length).toBeGreaterThan(0);
  });

  test('a temp file younger than --temp-max-age stays, an older one is swept', async () => {
    expect(existsSync(temp.path)).toBe(true);
    const at = (ms: number) => new Date(Date.now() - ms);
    utimesSync(temp.path, at(5 * HOUR), at(5 * HOUR));
    const big = String(100 * sumSizes(await walkTree(lab.cacheRoot)));
    const r1 = await cachectlJson(['prune', lab.cacheRoot, '--limit', big, '--usage', 'apparent', '--json']);
    expect(r1.removed.entries).toBe(0);
    expect(r1.removed.byReason.temp.entries).toBe(0);
    expect(existsSync(temp.path)).toBe(true);

    utimesSync(temp.path, at(7 * HOUR), at(7 * HOUR));
    const r2 = await cachectlJson(['prune', lab.cacheRoot, '--limit', big, '--usage', 'apparent', '--json']);
    expect(r2.removed.entries).toBe(0);
    expect(r2.removed.byReason.temp).toEqual({ entries: 1, bytes: temp.size });
    expect(existsSync(temp.path)).toBe(false);
  });

  test('prune keeps exactly the recently used entries and evicts every untouched one', async () => {
    const keep = [...hot, revalidated];
    const limit = await hotBytes();
    const r = await cachectlJson(['prune', lab.cacheRoot, '--limit', String(limit), '--usage', 'apparent', '--json', '--verbose']);
    expect(r.targetMet).toBe(true);
    expect(r.after.bytes).toBeLessThanOrEqual(limit);
    expect(r.removed.entries).toBe(reqs.length - keep.length);
    for (const v of r.plan) expect(v.reason, v.url).toBe('lru');
    // Entries (not vary indexes, whose header atime any scan moves) were last used 10 days ago.
    for (const v of r.plan.filter((x: { files: string[] }) => x.files.some((f) => f.endsWith('.data')))) {
      expect(Date.now() - v.lastAccess, v.url).toBeGreaterThan(9 * DAY);
    }
    const listed = (await htcacheA(lab.cacheRoot)).map((l) => l.url).sort();
    expect(listed).toEqual(keep.map((k) => lab.keyOf(k.file)).sort());
    for (const k of keep) expect(existsSync(entryOf(lab, k).data), reqLabel(k)).toBe(true);
    expect(sumSizes(await walkTree(lab.cacheRoot))).toBeLessThanOrEqual(limit);

    const { hits, misses } = await checkServing(lab, reqs);
    expect(hits).toBe(keep.length);
    expect(misses).toBe(reqs.length - keep.length);
  });

  /** Bytes the kept entries weigh (their files, and the vary indexes they need) + slack
   * smaller than any other entry: a limit that fits them and nothing else. */
  async function hotBytes(): Promise<number> {
    const tree = await walkTree(lab.cacheRoot);
    const size = new Map(tree.map((f) => [f.path, f.size]));
    const files = new Set<string>();
    for (const k of [...hot, revalidated]) {
      const e = entryOf(lab, k);
      files.add(e.header); files.add(e.data);
      if (e.index) files.add(e.index);
    }
    let n = 0;
    for (const f of files) { expect(size.has(f), f).toBe(true); n += size.get(f)!; }
    return n + 200;
  }
});
