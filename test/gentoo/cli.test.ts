import { describe, expect, test } from 'vitest';
import { access, chmod, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { entryStemPath, DEFAULT_LAYOUT } from '../../src/core/format/key.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { cacheEntries, DAY, distBody, distLine, writeCache, writeRepo } from './fixture.js';
import { IS_ROOT, nobodyCache, ROOT_REASON } from '../hardening/helpers.js';

/**
 * `--repo` end to end, through the built bin: a fixture repository in the exact Manifest
 * format beside a byte-exact cache whose distfile URLs use both mirror layouts.
 */

const exists = (p: string) => access(p).then(() => true, () => false);

async function setup() {
  const dir = await tempDir();
  const now = Date.now();
  const repo = join(dir, 'repo');
  const root = join(dir, 'cache');
  await writeRepo(repo);
  const urls = await writeCache(root, now);
  const label = new Map([...urls].map(([l, u]) => [u, l]));
  /** Apparent bytes of an entry (header + body), from the files themselves. */
  const bytesOf = async (l: string) => {
    const stem = join(root, entryStemPath(urls.get(l)!, DEFAULT_LAYOUT));
    const h = await lstat(`${stem}.header`);
    const d = await lstat(`${stem}.data`).catch(() => null);
    return h.size + (d?.size ?? 0);
  };
  const sum = async (ls: string[]) => (await Promise.all(ls.map(bytesOf))).reduce((a, b) => a + b, 0);
  const steps = (plan: { reason: string; url: string }[]) => plan.map((v) => `${v.reason}:${label.get(v.url) ?? (v.url.startsWith('aptmp') ? 'temp file' : v.url)}`);
  return { dir, now, repo, root, urls, bytesOf, sum, steps };
}

const RETIRED = ['older retired', 'old retired', 'ghost retired'];

describe('report --repo', () => {
  test('--json: retired, mismatch and duplicates shaped like the other classes, exact', async () => {
    const f = await setup();
    const r = await runCachectl(['report', f.root, '--repo', f.repo, '--json']);
    expect(r.code).toBe(0);
    // The one warning: the malformed line, named.
    expect(r.stderr).toBe(`cachectl: warning: 1 malformed DIST line ignored (the rest of each Manifest is used): ${f.repo}/dev-util/delta/Manifest:2\n`);
    const j = JSON.parse(r.stdout);
    expect({ count: j.retired.count, bytes: j.retired.bytes }).toEqual({ count: 3, bytes: await f.sum(RETIRED) });
    expect(j.retired.largest.map((e: { url: string }) => e.url)).toEqual([f.urls.get('older retired'), f.urls.get('old retired'), f.urls.get('ghost retired')]);
    expect(j.retired.diskBytes).toBeGreaterThan(0);
    expect({ count: j.mismatch.count, bytes: j.mismatch.bytes, urls: j.mismatch.largest.map((e: { url: string }) => e.url) })
      .toEqual({ count: 1, bytes: await f.bytesOf('beta truncated'), urls: [f.urls.get('beta truncated')] });
    // alpha flat (1d) is kept over alpha hashed (2d); which hashed (6d) over the query URL (7d).
    expect({ count: j.duplicates.count, bytes: j.duplicates.bytes }).toEqual({ count: 2, bytes: await f.sum(['alpha hashed', 'which with a query']) });
    expect(j.duplicates.largest.map((e: { url: string }) => e.url).sort()).toEqual([f.urls.get('alpha hashed'), f.urls.get('which with a query')].sort());
    expect(j.gentoo).toMatchObject({
      repos: [{ path: f.repo, manifests: 6, distLines: 8, malformedLines: 1, cached: false, stamp: 'timestamp.chk' }],
      names: 7, distfilesMatch: '*/distfiles/*', retiredGraceMs: 30 * DAY,
      distfiles: { count: 13 }, live: { count: 8 }, unlisted: { count: 1, bytes: await f.bytesOf('recent unlisted') },
    });
    // The second run reads the saved copy.
    const again = JSON.parse((await runCachectl(['report', f.root, '--repo', f.repo, '--json'])).stdout);
    expect(again.gentoo.repos[0].cached).toBe(true);
    expect(again.retired).toEqual(j.retired);
  });

  test('--no-index (streamed) gives the same figures; --retired-grace moves the line; the terminal report has a short section', async () => {
    const f = await setup();
    const indexed = JSON.parse((await runCachectl(['report', f.root, '--repo', f.repo, '--json'])).stdout);
    const streamed = JSON.parse((await runCachectl(['report', f.root, '--repo', f.repo, '--json', '--no-index'])).stdout);
    for (const k of ['retired', 'mismatch', 'duplicates'] as const) expect(streamed[k]).toEqual(indexed[k]);
    const grace = JSON.parse((await runCachectl(['report', f.root, '--repo', f.repo, '--json', '--retired-grace', '50d'])).stdout);
    expect([grace.retired.count, grace.gentoo.unlisted.count]).toEqual([2, 2]);
    const text = await runCachectl(['report', f.root, '--repo', f.repo]);
    expect(text.stdout).toMatch(/^Gentoo distfiles {2}\(1 repository, 6 Manifests, 7 distfile names, read from the saved copy\)$/m);
    expect(text.stdout).toMatch(/^ {2}retired +3 /m);
    expect(text.stdout).toMatch(/^ {2}mismatch +1 /m);
    expect(text.stdout).toMatch(/^ {2}duplicates +2 /m);
  });

  test('without --repo nothing changes', async () => {
    const f = await setup();
    const j = JSON.parse((await runCachectl(['report', f.root, '--json'])).stdout);
    expect(['retired', 'mismatch', 'duplicates', 'gentoo'].filter((k) => k in j)).toEqual([]);
    expect((await runCachectl(['report', f.root])).stdout).not.toContain('Gentoo');
    const p = JSON.parse((await runCachectl(['prune', f.root, '--limit', '1G', '--json', '--dry-run'])).stdout);
    expect(p.plan.map((v: { reason: string }) => v.reason)).toEqual(['temp']);
    expect('gentoo' in p || 'protected' in p).toBe(false);
  });
});

describe('prune --repo', () => {
  test('the dry-run plan: dead weight and mismatch, then retired oldest first, then LRU; the real run does it', async () => {
    const f = await setup();
    const report = JSON.parse((await runCachectl(['report', f.root, '--json'])).stdout);
    // Room for everything but the retired ones, the mismatch, the temp file and two LRU entries.
    const limit = report.bytes - (await f.sum([...RETIRED, 'beta truncated', 'layout.conf', 'stage3'])) - 900;
    const args = ['prune', f.root, '--repo', f.repo, '--limit', String(limit), '--usage', 'apparent', '--json'];
    const dry = await runCachectl([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(f.steps(plan.plan)).toEqual(['temp:temp file', 'mismatch:beta truncated', 'retired:older retired', 'retired:old retired', 'retired:ghost retired', 'lru:layout.conf', 'lru:stage3']);
    expect(plan.removed.byReason).toMatchObject({ mismatch: { entries: 1 }, retired: { entries: 3, bytes: await f.sum(RETIRED) }, lru: { entries: 2 } });
    expect(plan.gentoo).toMatchObject({ names: 7, evictRetired: false, mismatch: { entries: 1 }, retired: { entries: 3 }, unlisted: { entries: 1 }, distfiles: { entries: 13 } });
    const real = JSON.parse((await runCachectl([...args, '-v'])).stdout);
    expect(real.plan).toEqual(plan.plan);
    expect(real.targetMet).toBe(true);
    for (const v of plan.plan) for (const file of v.files) expect(await exists(join(f.root, file))).toBe(false);
    expect(await exists(join(f.root, entryStemPath(f.urls.get('recent unlisted')!, DEFAULT_LAYOUT) + '.header'))).toBe(true);
  });

  test('under the limit: dead weight and mismatch only; --evict-retired adds every retired distfile; the human plan names the reasons', async () => {
    const f = await setup();
    const calm = JSON.parse((await runCachectl(['prune', f.root, '--repo', f.repo, '--limit', '1G', '--json', '--dry-run'])).stdout);
    expect(f.steps(calm.plan)).toEqual(['temp:temp file', 'mismatch:beta truncated']);
    const all = JSON.parse((await runCachectl(['prune', f.root, '--repo', f.repo, '--limit', '1G', '--json', '--dry-run', '--evict-retired'])).stdout);
    expect(f.steps(all.plan)).toEqual(['temp:temp file', 'mismatch:beta truncated', 'retired:older retired', 'retired:old retired', 'retired:ghost retired']);
    const grace = JSON.parse((await runCachectl(['prune', f.root, '--repo', f.repo, '--limit', '1G', '--json', '--dry-run', '--evict-retired', '--retired-grace', '70d'])).stdout);
    expect(f.steps(grace.plan)).toEqual(['temp:temp file', 'mismatch:beta truncated', 'retired:older retired']);
    const human = await runCachectl(['prune', f.root, '--repo', f.repo, '--limit', '1G', '--dry-run', '--evict-retired']);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean)).toEqual(['temp', 'mismatch', 'retired', 'retired', 'retired']);
    expect(human.stderr).toMatch(/^ {2}retired .* 3 distfiles no Manifest names, unused for 30d \(--evict-retired\); 1 more used within it$/m);
  });

  test('--protect: never evicted, counted, named in the summary; exit 4 when it makes the target unreachable', async () => {
    const f = await setup();
    const args = ['prune', f.root, '--repo', f.repo, '--usage', 'apparent', '--json', '--dry-run', '--protect', '*/stage3-*', '/gentoo-distfiles/distfiles/*/beta-*'];
    const r = await runCachectl([...args, '--limit', '1']);
    expect(r.code).toBe(4);
    const j = JSON.parse(r.stdout);
    expect(j.protected).toEqual({ entries: 2, bytes: await f.sum(['stage3', 'beta truncated']) });
    expect(f.steps(j.plan).filter((s) => /stage3|beta/.test(s))).toEqual([]);
    expect(j.after).toEqual({ bytes: j.protected.bytes, entries: 2 });
    expect(j.miss.reason).toBe('protected');
    expect(j.miss.message).toMatch(/2 entries match --protect and were kept; protect less or raise the limit$/);
    const human = await runCachectl(args.filter((a) => a !== '--json').concat(['--limit', '1']));
    expect(human.code).toBe(4);
    expect(human.stderr).toMatch(/^ {2}protected .* 2 entries kept out of every pass \(--protect\)$/m);
    // Room for them: the target is met and they still count toward the size.
    const ok = JSON.parse((await runCachectl([...args, '--limit', String(j.protected.bytes)])).stdout);
    expect(ok.targetMet).toBe(true);
    expect(ok.after.bytes).toBe(j.protected.bytes);
    // Without --repo, --protect works on its own.
    const plain = await runCachectl(['prune', f.root, '--usage', 'apparent', '--json', '--dry-run', '--limit', '1', '--protect', '*/stage3-*']);
    expect(plain.code).toBe(4);
    expect(JSON.parse(plain.stdout).miss.reason).toBe('protected');
  });

  test('CACHECTL_REPO and CACHECTL_PROTECT, as a systemd EnvironmentFile= sets them; schedule --check shows them', async () => {
    const f = await setup();
    const other = join(f.dir, 'overlay');
    await writeRepo(other, [{ cp: 'app-misc/old', dist: [['old-0.9.tar.gz', 2000]] }]);
    const env = { CACHECTL_REPO: `${f.repo} ${other}`, CACHECTL_PROTECT: '*/stage3-*', CACHECTL_EVICT_RETIRED: '1' };
    const j = JSON.parse((await runCachectl(['prune', f.root, '--limit', '1G', '--json', '--dry-run'], { env })).stdout);
    // The overlay names old-0.9 (with its size): no longer retired.
    expect(f.steps(j.plan)).toEqual(['temp:temp file', 'mismatch:beta truncated', 'retired:older retired', 'retired:ghost retired']);
    expect(j.gentoo.repos.map((r: { path: string }) => r.path)).toEqual([f.repo, other]);
    const check = await runCachectl(['schedule', '--check', f.root, '--limit', '1G', '--every', '1h'], { env });
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).prune).toMatchObject({
      protect: ['*/stage3-*'], gentoo: { repos: [f.repo, other], distfilesMatch: '*/distfiles/*', retiredGrace: 30 * DAY, evictRetired: true },
    });
  });

  test('a plain distfiles directory (--format files) with --distfiles-match', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'repo');
    await writeRepo(repo);
    const root = join(dir, 'distfiles');
    await mkdir(root);
    const now = Date.now();
    const put = async (name: string, body: Buffer, daysAgo: number) => {
      await writeFile(join(root, name), body);
      const { utimes } = await import('node:fs/promises');
      await utimes(join(root, name), (now - daysAgo * DAY) / 1000, (now - daysAgo * DAY) / 1000);
    };
    await put('which-2.23.tar.gz', distBody('which-2.23.tar.gz', 4000), 1);
    await put('beta-2.0.tar.xz', distBody('beta-2.0.tar.xz', 100), 1);
    await put('gone-1.tar.gz', Buffer.alloc(300), 45);
    const j = JSON.parse((await runCachectl(['prune', root, '--format', 'files', '--repo', repo, '--distfiles-match', '*', '--limit', '1G', '--json', '--dry-run', '--evict-retired'])).stdout);
    expect(j.plan.map((v: { reason: string; url: string }) => `${v.reason}:${v.url}`)).toEqual(['mismatch:beta-2.0.tar.xz', 'retired:gone-1.tar.gz']);
    // With the default pattern nothing in a flat directory is a distfile: the report says why.
    const text = await runCachectl(['report', root, '--format', 'files', '--repo', repo]);
    expect(text.stdout).toContain("no entry's URL path matches --distfiles-match */distfiles/* (a plain distfiles directory needs --distfiles-match '*')");
  });
});

describe('bad command lines: exit 2, one sentence', () => {
  test.each([
    [['report', 'CACHE', '--repo', 'MISSING'], 'cachectl: --repo MISSING does not exist\n'],
    [['prune', 'CACHE', '--limit', '1G', '--repo', 'MISSING'], 'cachectl: --repo MISSING does not exist\n'],
    [['prune', 'CACHE', '--limit', '1G', '--repo', 'EMPTY'], 'cachectl: --repo EMPTY holds no Manifest (give an ebuild repository, e.g. /var/db/repos/gentoo)\n'],
    [['prune', 'CACHE', '--limit', '1G', '--repo', 'FILE'], 'cachectl: --repo FILE is not a directory (give an ebuild repository, e.g. /var/db/repos/gentoo)\n'],
    [['prune', 'CACHE', '--limit', '1G', '--evict-retired'], 'cachectl: --evict-retired needs --repo DIR (the Manifests say what is retired)\n'],
    [['schedule', '--check', 'CACHE', '--limit', '1G', '--every', '1h', '--repo', 'MISSING'], 'cachectl: --repo MISSING does not exist\n'],
  ])('%j', async (args, want) => {
    const f = await setup();
    await mkdir(join(f.dir, 'empty/sub'), { recursive: true });
    await writeFile(join(f.dir, 'file'), distLine('x.tar', 1));
    const sub = (a: string) => a.replace('CACHE', f.root).replace('MISSING', join(f.dir, 'missing')).replace('EMPTY', join(f.dir, 'empty')).replace('FILE', join(f.dir, 'file'));
    const r = await runCachectl(args.map(sub));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(sub(want));
    expect(r.stdout).toBe('');
    // Nothing was touched: the refusal comes before the scan.
    expect((await readdir(f.root)).length).toBeGreaterThan(0);
  });

  test.each([
    [['report', 'CACHE', '--repo', 'REPO', '--distfiles-match', ''], "error: option '--distfiles-match <glob>' argument '' is invalid. an empty pattern matches nothing (the default is */distfiles/*)"],
    [['prune', 'CACHE', '--limit', '1G', '--repo', 'REPO', '--retired-grace', 'forever'], "error: option '--retired-grace <age>' argument 'forever' is invalid. invalid duration 'forever' (expected e.g. 30m, 2h, 3d)"],
  ])('%j (commander)', async (args, want) => {
    const f = await setup();
    const r = await runCachectl(args.map((a) => a.replace('CACHE', f.root).replace('REPO', f.repo)));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(want);
  });
});

describe('vary and header-only distfiles', () => {
  test('a header-only entry is never a mismatch', async () => {
    const f = await setup();
    const j = JSON.parse((await runCachectl(['report', f.root, '--repo', f.repo, '--json'])).stdout);
    expect(j.mismatch.largest.map((e: { url: string }) => e.url)).not.toContain(f.urls.get('alpha-1.1 header-only'));
    // And a body of the right size under a third URL (another host name) is a third copy.
    await writeEntry(f.root, { key: 'http://other.mirror:80/distfiles/alpha-1.0.tar.gz?', body: distBody('alpha-1.0.tar.gz', 5000), fetchedAt: f.now - 30 * DAY });
    const k = JSON.parse((await runCachectl(['report', f.root, '--repo', f.repo, '--json'])).stdout);
    expect(k.duplicates.count).toBe(3);
    expect(cacheEntries().length).toBe(16);
  });
});

describe.skipIf(!IS_ROOT)(`as root, the repository is read as the cache's owner (${IS_ROOT ? 'running as root' : `skipped: ${ROOT_REASON}`})`, () => {
  test('a repository the owner cannot read: exit 2, one sentence', async () => {
    const { base, root } = await nobodyCache(3);
    const repo = join(base, 'repo');
    await writeRepo(repo);
    await chmod(join(repo, 'app-misc'), 0o700);
    const r = await runCachectl(['report', root, '--repo', repo, '--no-index']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean).at(-1)).toBe(`cachectl: --repo ${repo}: ${repo}/app-misc cannot be read (permission denied; as root, cachectl reads it as the cache's owner)`);
    await chmod(join(repo, 'app-misc'), 0o755);
    const ok = await runCachectl(['report', root, '--repo', repo, '--no-index', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).gentoo.repos[0].manifests).toBe(6);
  });
});
