import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  allRequests, apache2, cachectl, cachectlJson, fillCache, haveAll, htcacheA, htcacheBytes, htcacheclean,
  startLab, sumSizes, titled, walkTree, type Lab,
} from '../helpers/apacheLab.js';

/**
 * Issue #7 (a): on a cache filled by a real httpd, `cachectl list` finds exactly what
 * real `htcacheclean -A` lists, and `cachectl report --json` matches what is on disk.
 * Per layout: 40 GETs (20 plain + 5 vary x 3 variants + 5 max-age=2) and 4 HEADs give
 * 40 entries, about 11 MB, plus one temp file left by a killed httpd child.
 */
describe.skipIf(!haveAll(apache2, htcacheclean))(titled('apache e2e: list and report on a real httpd cache', apache2, htcacheclean), { timeout: 90_000 }, () => {
  describe.each([
    { levels: 2, length: 1 },
    { levels: 2, length: 2 },
  ])('CacheDirLevels $levels, CacheDirLength $length', ({ levels, length }) => {
    let lab: Lab;
    let temp: { path: string; size: number };

    beforeAll(async () => {
      lab = await startLab({ dirLevels: levels, dirLength: length });
      await fillCache(lab, allRequests(lab));
      // HEADs: on cached entries they are hits; on a URL never fetched with GET httpd
      // stores nothing.
      for (const f of lab.distfiles.slice(0, 3)) expect((await lab.fetch(f, {}, { method: 'HEAD' })).cache).toBe('HIT');
      const slow = lab.files.find((f) => f.slow)!;
      expect((await lab.fetch(slow, {}, { method: 'HEAD' })).status).toBe(200);
      await lab.waitForCommit();
      temp = await lab.leaveTempFile();
      await lab.waitForCommit();
    }, 120_000);
    afterAll(async () => { await lab?.stop(); }, 60_000);

    test('htcacheclean -A sees every request the lab made (the lab itself is right)', async () => {
      const urls = (await htcacheA(lab.cacheRoot)).map((l) => l.url).sort();
      const expected = allRequests(lab).map((r) => lab.keyOf(r.file)).sort();
      expect(urls).toEqual(expected);
      expect(urls.length).toBe(40);
    });

    test('cachectl list prints exactly the URLs htcacheclean -A lists (vary variants included)', async () => {
      const real = (await htcacheA(lab.cacheRoot)).map((l) => l.url).sort();
      const r = await cachectl(['list', lab.cacheRoot]);
      expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(real);
    });

    test('cachectl list --long prints htcacheclean -A\'s 11 fields, line for line', async () => {
      const real = (await htcacheA(lab.cacheRoot)).map((l) => l.line).sort();
      const r = await cachectl(['list', '--long', lab.cacheRoot]);
      expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(real);
    });

    test('cachectl report --json totals match the files on disk', async () => {
      const tree = await walkTree(lab.cacheRoot);
      const htc = await htcacheA(lab.cacheRoot);
      const rep = await cachectlJson(['report', '--json', lab.cacheRoot]);
      expect(rep.format).toBe('apache');
      expect(rep.layout).toEqual({ levels, length });
      // Every byte below the root: entries, vary indexes and the leftover temp file.
      expect(rep.bytes).toBe(sumSizes(tree));
      expect(rep.files).toBe(tree.length);
      expect(rep.entries).toBe(htc.length);
      // Entry bytes are what htcacheclean counts (header + body of each entry).
      expect(rep.entryBytes).toBe(htcacheBytes(htc));
      expect(rep.varyGroups).toBe(5);
      expect(rep.variants).toBe(15);
      expect(rep.headerOnly).toBe(0);
      expect(rep.tempFiles).toMatchObject({ count: 1, bytes: temp.size });
      expect(rep.orphans.count).toBe(0);
      expect(rep.unusable.count).toBe(0);
      expect(rep.errors).toEqual([]);
    });
  });
});
