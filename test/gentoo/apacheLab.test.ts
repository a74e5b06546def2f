import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  apache2, cachectlJson, checkServing, fillCache, haveAll, htcacheA, htcacheclean, isCached, startLab, titled, type Lab, type Req,
} from '../helpers/apacheLab.js';
import { distLine, hashedDir } from './fixture.js';

const DAY = 86400e3;

/**
 * Issue #19 on a real httpd: distfiles fetched through the caching proxy under GLEP 75's
 * `/distfiles/XX/name` (one also under the flat `/distfiles/name`), a repository that no
 * longer names two of them, and one file the origin serves truncated (shorter than its
 * Manifest says). `report --repo` and `prune --repo` must agree with each other and with
 * what httpd then serves.
 */
const NAMES = ['app-1.0.tar.xz', 'bin-2.1.tar.gz', 'cat-0.3.tar.bz2', 'dog-5.tar.xz', 'egg-1.2.tar.gz', 'fig-7.0.tar.xz', 'gnu-2.4.tar.gz', 'hex-0.9.zip'];
const DROPPED = ['dog-5.tar.xz', 'gnu-2.4.tar.gz'];
const TRUNCATED = 'fig-7.0.tar.xz';
const FULL_SIZE = 90_000;
const hashed = (name: string) => `distfiles/${hashedDir(name)}/${name}`;

describe.skipIf(!haveAll(apache2, htcacheclean))(titled('apache e2e: Gentoo-aware pruning on a real httpd cache', apache2, htcacheclean), { timeout: 120_000 }, () => {
  let lab: Lab;
  let repo: string;
  let reqs: Req[];
  const req = (path: string) => reqs.find((r) => r.file.name === path)!;

  beforeAll(async () => {
    const files = NAMES.map((n, i) => ({ name: hashed(n), size: n === TRUNCATED ? 60_000 : 20_000 + 7_000 * i }));
    files.push({ name: `distfiles/${NAMES[0]}`, size: files[0].size }); // the flat layout's copy
    files.push({ name: 'distfiles/layout.conf', size: 60 });
    files.push({ name: 'releases/amd64/stage3-amd64.tar.xz', size: 50_000 });
    lab = await startLab({ dirLevels: 2, dirLength: 1, files });
    reqs = lab.distfiles.map((file) => ({ file, ae: '' }));
    await fillCache(lab, reqs);
    // The repository: every distfile but the dropped ones, with the full size for the
    // truncated one. Inside the lab dir, readable by the cache's owner (httpd's user).
    repo = join(lab.dir, 'repo');
    const put = (rel: string, text: string) => { mkdirSync(dirname(join(repo, rel)), { recursive: true, mode: 0o755 }); writeFileSync(join(repo, rel), text, { mode: 0o644 }); };
    put('metadata/timestamp.chk', 'Mon, 01 Jan 2024 00:00:00 +0000\n');
    put('profiles/repo_name', 'lab\n');
    for (const n of NAMES.filter((x) => !DROPPED.includes(x))) {
      const f = lab.file(hashed(n))!;
      put(`app-misc/${n.split('-')[0]}/Manifest`, n === TRUNCATED ? `${distLine(n, FULL_SIZE)}\n` : `${distLine(n, f.size, f.body)}\n`);
    }
    // Last used: the dropped ones long ago (beyond the grace), the rest spread over days.
    const now = Date.now();
    reqs.forEach((r, i) => {
      const old = DROPPED.some((d) => r.file.name.endsWith(`/${d}`));
      const t = (now - (old ? 40 + i : 1 + i) * DAY) / 1000;
      const e = lab.entryFiles(r.file);
      utimesSync(e.header, t, t);
      utimesSync(e.data!, t, t);
    });
  }, 120_000);
  afterAll(async () => { await lab?.stop(); }, 60_000);

  test('report --repo: the dropped files are retired, the truncated one a mismatch, the flat copy a duplicate', async () => {
    const j = await cachectlJson(['report', '--json', lab.cacheRoot, '--repo', repo]);
    const urls = (c: { largest: { url: string }[] }) => c.largest.map((e) => e.url).sort();
    expect(urls(j.retired)).toEqual(DROPPED.map((d) => lab.keyOf(hashed(d))).sort());
    expect(urls(j.mismatch)).toEqual([lab.keyOf(hashed(TRUNCATED))]);
    expect(j.mismatch.largest[0].bytes).toBe((await htcacheA(lab.cacheRoot)).filter((l) => l.url === lab.keyOf(hashed(TRUNCATED))).map((l) => l.hdrSize + l.bodySize)[0]);
    expect(j.duplicates.count).toBe(1);
    // Both copies of app-1.0 were used at nearly the same time; the other one is the duplicate.
    expect([lab.keyOf(hashed(NAMES[0])), lab.keyOf(`distfiles/${NAMES[0]}`)]).toContain(j.duplicates.largest[0].url);
    expect(j.gentoo).toMatchObject({ distfiles: { count: NAMES.length + 1 }, live: { count: NAMES.length + 1 - 3 }, unlisted: { count: 0 } });
  });

  test('prune --repo: the dry run plans the mismatch, then the retired, then LRU; the real run matches it and httpd serves the rest', async () => {
    const report = await cachectlJson(['report', '--json', lab.cacheRoot]);
    const htc = await htcacheA(lab.cacheRoot);
    const bytesOf = (path: string) => htc.filter((l) => l.url === lab.keyOf(path)).reduce((n, l) => n + l.hdrSize + l.bodySize, 0);
    // Room for all but the mismatch, the retired ones and the oldest live entry.
    const oldest = reqs[reqs.length - 1].file.name;
    const limit = report.bytes - bytesOf(hashed(TRUNCATED)) - DROPPED.reduce((n, d) => n + bytesOf(hashed(d)), 0) - bytesOf(oldest);
    const args = ['prune', lab.cacheRoot, '--repo', repo, '--limit', String(limit), '--usage', 'apparent', '--json'];
    const dry = await cachectlJson([...args, '--dry-run']);
    const plan = dry.plan.map((v: { reason: string; url: string }) => `${v.reason} ${v.url}`);
    // Retired oldest first: the later of the two in `reqs` was aged further.
    const dropped = DROPPED.map((d) => reqs.findIndex((r) => r.file.name === hashed(d))).sort((a, b) => b - a).map((i) => reqs[i].file.name);
    expect(plan).toEqual([
      `mismatch ${lab.keyOf(hashed(TRUNCATED))}`,
      ...dropped.map((p) => `retired ${lab.keyOf(p)}`),
      `lru ${lab.keyOf(oldest)}`,
    ]);
    const real = await cachectlJson([...args, '-v']);
    expect(real.plan).toEqual(dry.plan);
    expect(real.targetMet).toBe(true);
    expect([req(hashed(TRUNCATED)), ...dropped.map(req)].some((r) => isCached(lab, r))).toBe(false);
    const after = await cachectlJson(['report', '--json', lab.cacheRoot, '--repo', repo]);
    expect([after.retired.count, after.mismatch.count]).toEqual([0, 0]);
    // What stayed is a HIT with the right bytes, what went is fetched again (the
    // truncated file too: the origin still serves it short).
    const { misses } = await checkServing(lab, reqs);
    expect(misses).toBe(4);
    const again = await cachectlJson(['report', '--json', lab.cacheRoot, '--repo', repo]);
    expect(again.mismatch.count).toBe(1);
  });

  test('httpd logged no error and answered no 5xx', () => {
    const statuses = lab.accessLogLines().map((l) => Number(/" (\d{3}) /.exec(l)?.[1]));
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(lab.errorLogText()).not.toMatch(/\[(crit|alert|emerg)\]|segfault|exit signal/i);
  });
});
