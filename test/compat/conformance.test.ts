import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { entryStemPath } from '../../src/core/format/key.js';
import { buildCache, key, LAYOUT } from './fixture.js';
import { real, runOurs, runReal, sortedLines, tree, wasFigures } from './run.js';

/**
 * Issue #5 proof: Debian's htcacheclean and bin/htcacheclean.js on the same trees.
 * Listing and the "before" statistics must agree; "after" figures may not, since we
 * evict by last access and count more as weight (see docs/htcacheclean.md).
 */
describe.skipIf(!real.path)(`htcacheclean conformance${real.path ? '' : ` (skipped: ${real.reason})`}`, () => {
  const now = Date.now();

  test.each([
    ['a clean cache', { entries: 24 }],
    ['a messy cache (orphans, stray bodies, copies, stale vary, temp files, links)', { entries: 24, messy: true }],
    ['a cache with a 1.5 MiB entry', { entries: 8, big: true, messy: true }],
  ])('-a and -A list the same entries on %s', async (_name, opts) => {
    const root = await tempDir();
    await buildCache(root, now, opts);
    for (const flags of [['-a'], ['-A'], ['-A', '-R', '4096'], ['-A', '-R4096']]) {
      const [r, o] = await Promise.all([runReal(['-p', root, ...flags]), runOurs(['-p', root, ...flags])]);
      expect(r.code).toBe(0);
      expect({ code: o.code, stderr: o.stderr }).toEqual({ code: 0, stderr: '' });
      expect(sortedLines(o.stdout)).toEqual(sortedLines(r.stdout));
      expect(sortedLines(o.stdout).length).toBeGreaterThan(5);
    }
  });

  test.each([
    ['-l 1M', { entries: 24 }],
    ['-l 20K', { entries: 24 }],
    ['-l 20K -R 4096', { entries: 24, messy: true }],
    ['-l20K -t', { entries: 24, messy: true }],
    ['-L 40', { entries: 24, messy: true }],
    ['-l 1G -L 10K -R 512', { entries: 8, big: true, messy: true }],
    ['-l 3000', { entries: 8, big: true }],
    ['-l50B -L 200', { entries: 8 }],
    ['-r -l 10M', { entries: 8, messy: true }],
  ])('-v -D %s: the statistics of the cache as found are the same', async (limits, opts) => {
    const root = await tempDir();
    await buildCache(root, now, opts);
    const args = ['-v', '-D', '-p', root, ...limits.split(' ')];
    const before = await tree(root);
    const [r, o] = await Promise.all([runReal(args), runOurs(args)]);
    expect(r.code).toBe(0);
    expect(o.code).toBe(0);
    expect(wasFigures(o.stderr)).toEqual(wasFigures(r.stderr));
    expect(o.stderr).toMatch(/^\d+ entries deleted \(0 from future, \d+ expired, \d+ fresh\)$/m);
    // A dry run changes nothing, in either tool.
    expect(await tree(root)).toEqual(before);
  });

  test('-v -D under the limit on a clean cache: the whole block is identical', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 30, big: true });
    for (const limits of [['-l', '50M'], ['-l', '2G', '-L', '1K'], ['-L', '5000', '-R', '4096']]) {
      const args = ['-v', '-D', '-p', root, ...limits];
      const [r, o] = await Promise.all([runReal(args), runOurs(args)]);
      expect({ code: o.code, stderr: o.stderr, stdout: o.stdout }).toEqual({ code: r.code, stderr: r.stderr, stdout: r.stdout });
    }
  });

  // Each line must fail (or pass) exactly as htcacheclean does: same exit code, same
  // stderr byte for byte (usage text included). -D keeps the accepted ones harmless.
  const invalid: string[][] = [
    [], ['--help'], ['-h'], ['-p'], ['-p', '/nonexistent'], ['-p', '/etc/hostname'], ['-p', ''],
    ['-p', 'ROOT'], ['-p', 'ROOT', '-l'], ['-p', 'ROOT', '-l', '5', '-l', '6'], ['-p', 'ROOT', '-p', 'ROOT'],
    ['-p', 'ROOT', '-a', '-A'], ['-p', 'ROOT', '-l', '50GB'], ['-p', 'ROOT', '-l', '1.5G'], ['-p', 'ROOT', '-l', '0x10'],
    ['-p', 'ROOT', '-l', '99999999999999999999'], ['-p', 'ROOT', '-l', '-5'], ['-p', 'ROOT', '-l', 'K'],
    ['-p', 'ROOT', '-L', '5kb'], ['-p', 'ROOT', '-R4k', '-l5'], ['-p', 'ROOT', '-R', '-3', '-l5'], ['-p', 'ROOT', '-R', '5', '-R', '6'],
    ['-p', 'ROOT', '-d', 'abc', '-l', '1'], ['-p', 'ROOT', '-d', '0', '-l', '1'], ['-p', 'ROOT', '-d', '5', '-v', '-l', '1'],
    ['-p', 'ROOT', '-d', '5', '-D', '-l', '1'], ['-p', 'ROOT', '-d', '5', '-r', '-l', '1'], ['-p', 'ROOT', '-d', '5', '-i', '-a'],
    ['-p', 'ROOT', '-i', '-l', '1'], ['-p', 'ROOT', '-l', '1', 'http://x/'], ['-p', 'ROOT', '-d5', 'http://x/'],
    ['-p', 'ROOT', '-i', 'http://x/'], ['-pROOT', '-ntl'], ['-r', '-t', '-p', 'ROOT'], ['-vv', '-p', 'ROOT'],
    ['-p', 'ROOT', '-:'], ['-x', '-p', 'ROOT'], ['-p', 'ROOT', '-P'], ['-p', 'ROOT', '-l', '5X'], ['foo', '-p', 'ROOT'],
    ['-D', '-p', 'ROOT', '-P', '/nonexistent/dir/pid', '-l', '1M'],
    // Accepted oddities: a negative -l with -L, -R0 twice-ish, -t after -r, -L with URLs, `-` and `--`.
    ['-D', '-p', 'ROOT', '-l', '-5', '-L', '100000'], ['-D', '-p', 'ROOT', '-R0', '-R5', '-l', '1G'],
    ['-D', '-t', '-r', '-p', 'ROOT', '-l', '1G'], ['-D', '-p', 'ROOT', '-L', '1', 'http://x:80/?'],
    ['-p', 'ROOT', '-'], ['-p', 'ROOT', '-n-', '-l', '1'], ['-p', 'ROOT', '--', '-l', '5'],
  ];
  describe('command lines', () => {
    let root = '';
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'cachectl-argv-'));
      await buildCache(root, now, { entries: 3 });
    });
    afterAll(() => rm(root, { recursive: true, force: true }));
    // One at a time: some of these lines really clean the shared root, and two runs at
    // once would meet each other's lock (ours) or deletions (theirs).
    test.each(invalid.map((a) => [a.join(' ') || '(no arguments)', a]))('%s: same exit code and messages', async (_s, args) => {
      const argv = (args as string[]).map((x) => x.replace('ROOT', root));
      const r = await runReal(argv);
      const o = await runOurs(argv);
      expect({ code: o.code, stderr: o.stderr, stdout: o.stdout }).toEqual({ code: r.code, stderr: r.stderr, stdout: r.stdout });
    });
  });

  test('URL deletion: exit codes 0/1/2 and the same files left as htcacheclean leaves', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    await buildCache(a, now, { entries: 6, messy: true });
    await buildCache(b, now, { entries: 6, messy: true });
    expect(await tree(b)).toEqual(await tree(a));
    const cases: [string, string[]][] = [
      ['removed', [key('/gentoo-distfiles/pkg-1.tar.xz')]],
      ['not cached', [key('/nowhere')]],
      ['not cached: the exact key needs the ?', [`${key('/gentoo-distfiles/pkg-2.tar.xz').slice(0, -1)}`]],
      ['a Vary group, all variants', [key('/vary/app.js')]],
      ['removed + not cached', [key('/nowhere'), key('/gentoo-distfiles/pkg-3.tar.xz')]],
      ['a stale vary index and its variant', [key('/vary/stale.css')]],
      ['dry run', ['-D', key('/gentoo-distfiles/pkg-4.tar.xz')]],
      ['-t removes emptied hash dirs', ['-t', key('/gentoo-distfiles/pkg-5.tar.xz')]],
    ];
    for (const [name, urls] of cases) {
      const flags = urls[0].startsWith('-') ? [urls[0]] : [];
      const rest = urls.slice(flags.length);
      const [r, o] = await Promise.all([runReal(['-v', ...flags, '-p', a, ...rest]), runOurs(['-v', ...flags, '-p', b, ...rest])]);
      expect({ name, code: o.code, stderr: o.stderr }).toEqual({ name, code: r.code, stderr: r.stderr });
      expect(await tree(b)).toEqual(await tree(a));
    }
    // An error: the body's name is taken by a directory, so unlinking it fails (EISDIR).
    const url = key('/gentoo-distfiles/pkg-0.tar.xz');
    for (const root of [a, b]) {
      const s = join(root, entryStemPath(url, LAYOUT));
      await unlink(`${s}.data`);
      await mkdir(join(`${s}.data`, 'x'), { recursive: true });
    }
    const [r, o] = await Promise.all([runReal(['-v', '-p', a, url, key('/nowhere')]), runOurs(['-v', '-p', b, url, key('/nowhere')])]);
    expect(r.code).toBe(1);
    expect({ code: o.code, stderr: o.stderr.replaceAll(b, 'ROOT') }).toEqual({ code: r.code, stderr: r.stderr.replaceAll(a, 'ROOT') });
  });
});
