import { describe, expect, test } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scan } from '../../src/core/scan/scan.js';
import { buildPlan, type PlanInput } from '../../src/core/prune/plan.js';
import { evict } from '../../src/core/prune/evict.js';
import { writeEntry, writeVaryGroup } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';
import { DAY, HOUR, url, writeEveryKind } from '../scan/fixtureTree.js';
import { rowOf } from '../helpers/columns.js';

const L = { levels: 2, length: 1 };
const base = (over: Partial<PlanInput> = {}): PlanInput => ({
  usage: 'apparent', order: 'atime', now: Date.now(), needBytes: 0, needEntries: 0, needFree: 0,
  expiredFirst: false, keepNewerThan: 0, tempMaxAge: 6 * HOUR, orphanMinAge: HOUR, round: 0, ...over,
});
const urlsOf = (s: Awaited<ReturnType<typeof scan>>, plan: ReturnType<typeof buildPlan>) =>
  plan.steps.map((st) => `${st.reason}:${s.table.key.get(st.row) || s.table.files(st.row)[0]}`);

/** Entries whose last use is a, b, c... days ago; body 1000 bytes each unless given. */
async function lruTree(root: string, now: number, spec: { name: string; fetched: number; accessed?: number; revalidated?: number; size?: number; maxAge?: number }[]) {
  for (const e of spec) {
    await writeEntry(root, {
      key: url(e.name), body: e.size ?? 1000, fetchedAt: now - e.fetched * DAY,
      accessedAt: e.accessed === undefined ? undefined : now - e.accessed * DAY,
      revalidatedAt: e.revalidated === undefined ? undefined : now - e.revalidated * DAY,
      maxAge: e.maxAge,
    }, L);
  }
}

describe('the eviction plan', () => {
  test('least recently used first: body atime, body mtime and header mtime all count', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [
      { name: 'hot-old', fetched: 60, accessed: 1 },        // fetched long ago, read yesterday
      { name: 'cold-new', fetched: 5 },                      // fetched 5 days ago, never read since
      { name: 'revalidated', fetched: 50, revalidated: 2 },  // header rewritten 2 days ago
      { name: 'coldest', fetched: 40 },
      { name: 'cold', fetched: 20 },
    ]);
    const s = await scan({ root });
    const plan = await buildPlan(s, base({ now, needBytes: 10_000 }));
    expect(urlsOf(s, plan).map((u) => u.split('/').pop())).toEqual(['coldest?', 'cold?', 'cold-new?', 'revalidated?', 'hot-old?']);
    // --order mtime ignores the read of hot-old: it is then the oldest write.
    const byWrite = await buildPlan(s, base({ now, order: 'mtime', needBytes: 1 }));
    expect(urlsOf(s, byWrite)).toEqual([`lru:${url('hot-old')}`]);
  });

  test('stops as soon as the target holds, ties go to the larger entry; tail age is the oldest kept', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [
      { name: 'small', fetched: 10, size: 1000 }, { name: 'big', fetched: 10, size: 5000 }, { name: 'newer', fetched: 3 },
    ]);
    const s = await scan({ root });
    const plan = await buildPlan(s, base({ now, needBytes: 4000 }));
    expect(urlsOf(s, plan)).toEqual([`lru:${url('big')}`]);
    expect(plan.met).toBe(true);
    expect(Math.round((now - plan.tailLastUse!) / DAY)).toBe(10);
  });

  test('dead weight first and always: old temp, old orphans, unusable; young ones never', async () => {
    const root = await tempDir();
    const now = Date.now();
    const f = await writeEveryKind(root, now);
    const s = await scan({ root });
    const plan = await buildPlan(s, base({ now }));
    const got = urlsOf(s, plan);
    expect(got).toEqual(expect.arrayContaining(['temp:aptmpOld123', `orphan:${url('missing-body')}`, `unusable:${url('restored')}`]));
    expect(got.some((u) => u.startsWith('orphan:') && u.endsWith('.data'))).toBe(true);
    expect(got.some((u) => u.startsWith('unusable:') && u.endsWith('.header'))).toBe(true); // truncated header, 2h old
    expect(got).not.toContain('temp:aptmpNew456');
    expect(got.every((u) => !u.startsWith('lru'))).toBe(true); // under the limit: no LRU victims
    expect(f.entries.length).toBeGreaterThan(0);
  });

  test('expired entries are not first by default; --expired-first restores htcacheclean order', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [
      { name: 'expired-but-hot', fetched: 3, accessed: 0.5, maxAge: DAY },
      { name: 'fresh-but-cold', fetched: 10, maxAge: 365 * DAY },
    ]);
    const s = await scan({ root });
    expect(urlsOf(s, await buildPlan(s, base({ now, needBytes: 1 })))).toEqual([`lru:${url('fresh-but-cold')}`]);
    expect(urlsOf(s, await buildPlan(s, base({ now, needBytes: 1, expiredFirst: true })))).toEqual([`expired:${url('expired-but-hot')}`]);
  });

  test('vary group: each variant is an entry; the index goes with the last variant only', async () => {
    const root = await tempDir();
    const now = Date.now();
    await writeVaryGroup(root, url('v'), ['Accept-Encoding'], [
      { fetchedAt: now - 9 * DAY, body: 1000, requestHeaders: { 'Accept-Encoding': 'gzip' } },
      { fetchedAt: now - 8 * DAY, body: 1000, requestHeaders: { 'Accept-Encoding': 'br' } },
    ], L);
    await lruTree(root, now, [{ name: 'other', fetched: 1 }]);
    const s = await scan({ root });
    const one = await buildPlan(s, base({ now, needBytes: 1 }));
    expect(one.steps).toHaveLength(1);
    const two = await buildPlan(s, base({ now, needBytes: 1500 }));
    expect(s.table.files(two.steps[0].row)[0]).toContain('.header.vary/');
    expect(s.table.files(two.steps[1].row)[0]).toContain('.header.vary/');
    expect(two.steps).toHaveLength(3);
    expect(s.table.files(two.steps[2].row)[0]).toMatch(/\.header$/);
    expect(s.table.files(two.steps[2].row)[0]).not.toContain('.vary/');
  });

  test('entries written while the scan ran are never victims (htcacheclean evicts them first)', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [{ name: 'a', fetched: 30 }, { name: 'b', fetched: 20 }]);
    const s = await scan({ root });
    const a = rowOf(s.table.key, url('a'));
    s.table.f64.changed[a] = s.startedAt + 5; // its files changed after the scan began
    expect(urlsOf(s, await buildPlan(s, base({ now, needBytes: 1 })))).toEqual([`lru:${url('b')}`]);
  });

  test('--keep-newer-than protects recent entries and reports the target as missed', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [{ name: 'old', fetched: 30 }, { name: 'recent', fetched: 0.5 }]);
    const s = await scan({ root });
    const plan = await buildPlan(s, base({ now, needBytes: 1_000_000, keepNewerThan: DAY }));
    expect(urlsOf(s, plan)).toEqual([`lru:${url('old')}`]);
    expect(plan).toMatchObject({ met: false, guarded: 1 });
  });

  test('count target: max entries', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [{ name: 'a', fetched: 3 }, { name: 'b', fetched: 2 }, { name: 'c', fetched: 1 }]);
    const s = await scan({ root });
    expect(urlsOf(s, await buildPlan(s, base({ now, needEntries: 2 })))).toEqual([`lru:${url('a')}`, `lru:${url('b')}`]);
  });

  test('-R rounding counts each file rounded up', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [{ name: 'a', fetched: 3, size: 10 }, { name: 'b', fetched: 2, size: 10 }]);
    const s = await scan({ root });
    const plan = await buildPlan(s, base({ now, round: 4096, needBytes: 8193 }));
    expect(plan.steps.map((x) => x.bytes)).toEqual([8192, 8192]);
  });

  test('evict spares an entry httpd rewrote after the scan, and counts files already gone', async () => {
    const root = await tempDir();
    const now = Date.now();
    await lruTree(root, now, [{ name: 'a', fetched: 3 }, { name: 'b', fetched: 2 }, { name: 'c', fetched: 1 }]);
    const s = await scan({ root });
    const plan = await buildPlan(s, base({ now, needBytes: 10_000 }));
    const [first, second] = plan.steps.map((st) => s.table.files(st.row).map((f) => join(root, f)));
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(first[0], await (await import('node:fs/promises')).readFile(first[0])); // revalidation rewrites the header
    await (await import('node:fs/promises')).unlink(second[1]); // httpd removed the body
    const r = await evict(s, plan.steps, { dryRun: false, nice: false, removeEmptyDirs: false });
    expect(r.skippedChanged).toBe(1);
    expect(r.alreadyGone).toBe(1);
    expect(r.done).toHaveLength(2);
  });
});
