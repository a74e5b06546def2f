import { describe, expect, test } from 'vitest';
import { lstat, readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import {
  allRequests, apache2, cachectl, cachectlJson, fetchAll, haveAll, htcacheclean, titled, useFilledLab, walkTree, sumSizes,
} from '../helpers/apacheLab.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86400e3;

/** Every .header and .data file set `days` back (what a restore or `touch -d` does); directories untouched. */
async function ageFiles(root: string, days: number): Promise<void> {
  const t = new Date(Date.now() - days * DAY);
  async function visit(dir: string): Promise<void> {
    for (const name of await readdir(dir)) {
      const p = join(dir, name);
      const st = await lstat(p);
      if (st.isDirectory()) await visit(p);
      else if (st.isFile() && /\.(header|data)$/.test(name)) await utimes(p, t, t);
    }
  }
  await visit(root);
}

/**
 * The defect of issue #16, as a new user met it: an index saved by `list`, then every file
 * set 30 days back (ctime moves, directories do not change), then httpd serves a hot subset.
 * The indexed prune planned nothing and exited 0 over its limit. It must plan exactly what
 * a full scan plans, meet the limit, and keep the entries just served.
 */
describe.skipIf(!haveAll(apache2, htcacheclean))(titled('apache e2e: an indexed prune after a restore equals a full one', apache2, htcacheclean), { timeout: 90_000 }, () => {
  const lab = useFilledLab({ dirLevels: 2, dirLength: 1 });

  test('utime on every file, then hits: the indexed prune meets the limit and spares the hot entries', async () => {
    const state = await tempDir('cachectl-state-');
    const fullState = await tempDir('cachectl-state-');
    await cachectl(['list', lab.cacheRoot, '--state-dir', state]);
    await ageFiles(lab.cacheRoot, 30);
    const reqs = allRequests(lab).filter((r) => !r.file.vary && r.file.maxAge === null);
    const hot = reqs.slice(0, 6);
    const served = await fetchAll(lab, hot, 1);
    expect(served.map((s) => s.cache)).toEqual(hot.map(() => 'HIT'));
    await lab.waitForCommit();

    const limit = Math.floor(sumSizes(await walkTree(lab.cacheRoot)) * 0.5);
    const args = ['prune', lab.cacheRoot, '--limit', String(limit), '--usage', 'apparent', '--json'];
    const indexedPlan = await cachectlJson([...args, '--state-dir', state, '--dry-run']);
    const fullPlan = await cachectlJson([...args, '--state-dir', fullState, '--full', '--dry-run']);
    expect(indexedPlan.index.used).toBe(true);
    expect(indexedPlan.plan).toEqual(fullPlan.plan);
    expect(indexedPlan.plan.length).toBeGreaterThan(0);

    const r = await cachectlJson([...args, '--state-dir', state, '-v']);
    expect(r.targetMet).toBe(true);
    expect(r.after.bytes).toBeLessThanOrEqual(limit);
    expect(sumSizes(await walkTree(lab.cacheRoot))).toBeLessThanOrEqual(limit);
    const evicted = new Set(r.plan.map((v: { url: string }) => v.url));
    for (const q of hot) expect([...evicted].some((u) => u.includes(q.file.path))).toBe(false);
  });
});
