import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { scan } from '../../src/core/scan/scan.js';
import { decodeName, keyPath, nameOfPath } from '../../src/core/gentoo/distfileName.js';
import { DistfileJudge } from '../../src/core/gentoo/judge.js';
import { loadManifests } from '../../src/core/gentoo/loadManifests.js';
import { DistClass } from '../../src/core/gentoo/types.js';
import { protectedRows } from '../../src/core/prune/protect.js';
import { buildPlan, type PlanInput } from '../../src/core/prune/plan.js';
import { judgeOutcome } from '../../src/core/prune/outcome.js';
import { renderPromText } from '../../src/core/metrics/promFile.js';
import { urlMatcher } from '../../src/core/match.js';
import { Kind } from '../../src/core/table/table.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeResult } from '../schedule/fakes.js';
import { DAY, writeCache, writeRepo } from './fixture.js';

describe('distfile names from cache keys', () => {
  test('the URL path, without the query; files-mode keys are paths', () => {
    expect(keyPath('http://h:80/gentoo-distfiles/distfiles/80/which-2.23.tar.gz?')).toBe('/gentoo-distfiles/distfiles/80/which-2.23.tar.gz');
    expect(keyPath('https://h/distfiles/a.tar?x=/distfiles/b')).toBe('/distfiles/a.tar');
    expect(keyPath('http://h:80?')).toBe('/');
    expect(keyPath('distfiles/a.tar')).toBe('/distfiles/a.tar');
    expect(keyPath('a.tar')).toBe('/a.tar');
  });
  test('the last segment, percent-decoded to UTF-8; a stray % stays', () => {
    expect(nameOfPath('/distfiles/c%2B%2B-1.tar')).toBe('c++-1.tar');
    expect(nameOfPath('/distfiles/')).toBe(null);
    expect(decodeName('caf%C3%A9-1.tar')).toBe('café-1.tar');
    // A raw UTF-8 name, as a latin1 key holds it.
    expect(decodeName(Buffer.from('café-1.tar').toString('latin1'))).toBe('café-1.tar');
    expect(decodeName('100%-pure.tar')).toBe('100%-pure.tar');
    expect(decodeName('a%2')).toBe('a%2');
  });
});

async function fixture() {
  const dir = await tempDir();
  const now = Date.now();
  await writeRepo(join(dir, 'repo'));
  const urls = await writeCache(join(dir, 'cache'), now);
  const snap = await scan({ root: join(dir, 'cache') });
  const manifests = await loadManifests({ repos: [join(dir, 'repo')] });
  const row = (label: string) => {
    const t = snap.table;
    for (let i = 0; i < t.length; i++) if (t.kind[i] === Kind.Entry && t.key.get(i) === urls.get(label)) return i;
    throw new Error(`no row for ${label}`);
  };
  return { dir, now, urls, snap, manifests, row };
}

describe('the judge', () => {
  test('classes on a byte-exact cache with both mirror layouts', async () => {
    const f = await fixture();
    const judge = new DistfileJudge({ sizes: f.manifests.sizes, distfilesMatch: '*/distfiles/*', retiredGrace: 30 * DAY, now: f.now, order: 'atime' });
    const classes = judge.classify(f.snap.table);
    const cls = (label: string) => classes[f.row(label)];
    expect(Object.fromEntries([...f.urls.keys()].map((l) => [l, cls(l)]))).toEqual({
      'alpha flat': DistClass.Live, 'alpha hashed': DistClass.Live, 'alpha-1.1 header-only': DistClass.Live,
      'beta truncated': DistClass.Mismatch, 'which hashed': DistClass.Live, 'which with a query': DistClass.Live,
      'gamma second size': DistClass.Live, 'c++ escaped': DistClass.Live, delta: DistClass.Live,
      'recent unlisted': DistClass.Unlisted, 'ghost retired': DistClass.Retired, 'old retired': DistClass.Retired,
      'older retired': DistClass.Retired, 'layout.conf': DistClass.None, stage3: DistClass.None, 'index page': DistClass.None,
    });
    expect(judge.nameOf(f.snap.table, f.row('c++ escaped'))).toBe('c++-lib-1.0.tar.gz');
    // The grace is judged on the last use.
    const longGrace = new DistfileJudge({ ...judge.input, retiredGrace: 50 * DAY }).classify(f.snap.table);
    expect([longGrace[f.row('ghost retired')], longGrace[f.row('old retired')]]).toEqual([DistClass.Unlisted, DistClass.Retired]);
    // Another pattern: the per-prefix shortcut and the per-key glob agree.
    const releases = new DistfileJudge({ ...judge.input, distfilesMatch: '/gentoo-distfiles/releases/*.tar.xz' }).classify(f.snap.table);
    expect(releases[f.row('stage3')]).toBe(DistClass.Retired);
    expect(releases[f.row('alpha flat')]).toBe(DistClass.None);
  });

  test('--protect: the per-prefix shortcut gives what matching every key gives', async () => {
    const f = await fixture();
    const t = f.snap.table;
    for (const patterns of [['*/stage3-*'], ['*/distfiles/*'], ['http://mirror.example/gentoo-distfiles/*'], ['*.tar.gz', '/gentoo-distfiles/index.html'], ['*/distfiles/8?/*', '*.xz?']]) {
      const fast = protectedRows(t, patterns);
      const ms = patterns.map(urlMatcher);
      for (let i = 0; i < t.length; i++) {
        const want = t.kind[i] === Kind.Entry && ms.some((m) => m(t.key.get(i)));
        expect([patterns, t.key.get(i) || t.files(i)[0], fast[i] === 1]).toEqual([patterns, t.key.get(i) || t.files(i)[0], want]);
      }
    }
  });
});

describe('the plan with Manifests', () => {
  const base = (now: number, over: Partial<PlanInput> = {}): PlanInput => ({
    usage: 'apparent', order: 'atime', now, needBytes: 0, needEntries: 0, needFree: 0,
    expiredFirst: false, keepNewerThan: 0, tempMaxAge: 6 * 3600e3, orphanMinAge: 3600e3, round: 0, ...over,
  });
  const labelled = async () => {
    const f = await fixture();
    const classes = new DistfileJudge({ sizes: f.manifests.sizes, distfilesMatch: '*/distfiles/*', retiredGrace: 30 * DAY, now: f.now, order: 'atime' }).classify(f.snap.table);
    const label = new Map([...f.urls].map(([l, u]) => [u, l]));
    const steps = (p: ReturnType<typeof buildPlan>) => p.steps.map((s) => `${s.reason}:${label.get(f.snap.table.key.get(s.row)) ?? 'temp file'}`);
    return { ...f, classes, steps };
  };

  test('dead weight and mismatch on every run; retired, oldest first, only under pressure; then LRU', async () => {
    const f = await labelled();
    const calm = buildPlan(f.snap, base(f.now, { classes: f.classes }));
    expect(f.steps(calm)).toEqual(['temp:temp file', 'mismatch:beta truncated']);
    // Enough pressure for one LRU step past the oldest non-distfile (the stage3 seed).
    const all = buildPlan(f.snap, base(f.now, { classes: f.classes, needBytes: 1e9 }));
    const needBytes = all.steps.slice(0, 7).reduce((n, s) => n + s.bytes, 0) + 1;
    const tight = buildPlan(f.snap, base(f.now, { classes: f.classes, needBytes }));
    expect(f.steps(tight)).toEqual([
      'temp:temp file', 'mismatch:beta truncated',
      'retired:older retired', 'retired:old retired', 'retired:ghost retired',
      'lru:layout.conf', 'lru:stage3', 'lru:index page',
    ]);
    expect(tight.met).toBe(true);
  });

  test('evictRetired: every retired entry, even with no target missed', async () => {
    const f = await labelled();
    const p = buildPlan(f.snap, base(f.now, { classes: f.classes, evictRetired: true }));
    expect(f.steps(p)).toEqual(['temp:temp file', 'mismatch:beta truncated', 'retired:older retired', 'retired:old retired', 'retired:ghost retired']);
  });

  test('protected entries go in no pass; when that leaves the target missed, the outcome says so', async () => {
    const f = await labelled();
    const protect = protectedRows(f.snap.table, ['*/stage3-*', '*/beta-*', '*/old-0.9.tar.gz']);
    const p = buildPlan(f.snap, base(f.now, { classes: f.classes, protect, needBytes: 1e9 }));
    const steps = f.steps(p);
    expect(steps.slice(0, 4)).toEqual(['temp:temp file', 'retired:older retired', 'retired:ghost retired', 'lru:layout.conf']);
    expect(steps.some((s) => /stage3|beta|old retired/.test(s))).toBe(false);
    expect(p).toMatchObject({ met: false, protectedKept: 3, guarded: 0 });
    const out = judgeOutcome({
      dryRun: true, usage: 'apparent', targets: { limit: 1 }, after: { bytes: 10_000, entries: 3 }, interrupted: false, skippedChanged: 0,
      errors: [], filesystem: null, removedDisk: 0, guarded: 0, protectedKept: p.protectedKept, changedDuringScan: 0,
    });
    expect(out.miss).toEqual({ reason: 'protected', message: 'limit 1 B not met: 9.8 KiB left (dry run); 3 entries match --protect and were kept; protect less or raise the limit' });
  });

  test('--keep-newer-than keeps a retired entry used within it', async () => {
    const f = await labelled();
    const p = buildPlan(f.snap, base(f.now, { classes: f.classes, evictRetired: true, keepNewerThan: 50 * DAY }));
    expect(f.steps(p)).toEqual(['temp:temp file', 'mismatch:beta truncated', 'retired:older retired', 'retired:old retired']);
  });
});

describe('metrics', () => {
  test('the new reasons and the protected miss come out like the others; an older result without them reads as zero', () => {
    const r = fakeResult({ targetMet: false, miss: { reason: 'protected', message: 'x' } });
    const { mismatch, retired, ...older } = r.removed.byReason;
    expect([mismatch, retired]).toEqual([{ entries: 0, bytes: 0 }, { entries: 0, bytes: 0 }]);
    const text = renderPromText({ ...r, removed: { ...r.removed, byReason: older as typeof r.removed.byReason } }, { now: 0 });
    expect(text).toContain('cachectl_last_run_evicted_entries{root="/cache",reason="mismatch"} 0\n');
    expect(text).toContain('cachectl_last_run_evicted_bytes{root="/cache",reason="retired"} 0\n');
    expect(text).toContain('cachectl_last_run_target_missed{root="/cache",reason="protected"} 1\n');
  });
});

describe('doctor reads cron lines that use the Gentoo options', () => {
  test.each([
    ['cachectl prune --repo /var/db/repos/gentoo /var/cache/apache2/dist-files --limit 50G', '/var/cache/apache2/dist-files'],
    ["cachectl prune --protect '*/stage3-*' --retired-grace 60d --distfiles-match '*/distfiles/*' /var/cache/x -l 5G", '/var/cache/x'],
  ])('%s', async (line, path) => {
    const { cleanerOf } = await import('../../src/core/doctor/system/command.js');
    expect(cleanerOf(line)).toMatchObject({ program: 'cachectl', path });
  });
});
