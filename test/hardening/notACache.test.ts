import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { HTCACHECLEAN_BIN, runBin, runCachectl, type RunResult } from '../helpers/cli.js';
import { treeFingerprint } from '../helpers/treeFingerprint.js';
import { IS_ROOT, ROOT_REASON } from './helpers.js';
import { NOT_CACHES } from './notACacheTrees.js';

// Issue #23: "A typo can delete a home directory". Every command that deletes refuses a
// tree that is not a cache, before it writes anything (not even its lock file), with one
// line on stderr; auto-detection never takes a tree for a plain file cache.

/** The override must come from the test, never from the environment the suite runs in. */
const ENV = { CACHECTL_I_KNOW_THIS_IS_A_CACHE: undefined, CACHECTL_FORMAT: undefined, CACHECTL_PATH: undefined };
const cachectl = (args: string[], env: NodeJS.ProcessEnv = {}) => runCachectl(args, { env: { ...ENV, ...env }, timeoutMs: 20_000 });
const htcacheclean = (args: string[], env: NodeJS.ProcessEnv = {}) => runBin(args, { bin: HTCACHECLEAN_BIN, env: { ...ENV, ...env }, timeoutMs: 20_000 });

function refusedInOneLine(r: RunResult, prog: string, code: number): string {
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${prog}: refusing to use \\S+ as a cache directory: .+`));
  expect(lines[0]).not.toMatch(/\n\s+at |internal error/);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  return lines[0];
}

/** Each command that deletes, as a user would type it; `files`: with --format files. */
function deleters(dir: string, files: boolean): { what: string; run: () => Promise<RunResult>; prog: string; code: number }[] {
  const fmt = files ? ['--format', 'files'] : [];
  return [
    { what: 'prune', run: () => cachectl(['prune', dir, '--limit', '1', ...fmt]), prog: 'cachectl', code: 2 },
    // Started for real: refused at start-up, before its first run (else it would run, then wait an hour).
    { what: 'schedule', run: () => cachectl(['schedule', dir, '--limit', '1', '--every', '1h', '--run-now', ...fmt]), prog: 'cachectl', code: 2 },
    { what: 'schedule --check', run: () => cachectl(['schedule', dir, '--limit', '1', '--every', '1h', '--check', ...fmt]), prog: 'cachectl', code: 2 },
  ];
}

// Not concurrent: tempDir's clean-up hook (onTestFinished) is only tracked for sequential tests.
describe(`${NOT_CACHES.length} trees that are not caches: every command refuses them and nothing changes`, () => {
  test('the table holds at least 20 trees', () => expect(NOT_CACHES.length).toBeGreaterThanOrEqual(20));

  for (const tree of NOT_CACHES) {
    test.skipIf(tree.rootOnly && !IS_ROOT)(`${tree.name}${tree.rootOnly && !IS_ROOT ? ` (skipped: ${ROOT_REASON})` : ''}`, async () => {
      const dir = await tempDir('cachectl-notacache-');
      await tree.build(dir);
      const before = treeFingerprint(dir);

      for (const files of [false, true]) {
        for (const c of deleters(dir, files)) {
          const line = refusedInOneLine(await c.run(), c.prog, c.code);
          // With --format files only the tree's look can refuse it: the check meant for this tree.
          if (files) expect(line, c.what).toMatch(tree.why);
          expect(line, c.what).toMatch(/--i-know-this-is-a-cache/);
        }
      }
      // delete has no --format (URLs name httpd entries): the tree must be one.
      refusedInOneLine(await cachectl(['delete', dir, '--match', '*']), 'cachectl', 2);
      // htcacheclean's own failure status is 1 (docs/htcacheclean.md).
      refusedInOneLine(await htcacheclean(['-n', '-p', dir, '-l', '1']), 'htcacheclean', 1);
      refusedInOneLine(await htcacheclean(['-p', dir, 'http://x:80/y?']), 'htcacheclean', 1);
      // Read-only commands may run on anything asked for, but auto-detection never picks plain files.
      expect(refusedInOneLine(await cachectl(['report', dir]), 'cachectl', 2)).toMatch(/not an Apache mod_cache_disk cache.*--format files/);
      expect(treeFingerprint(dir)).toEqual(before);
    }, 120_000);
  }
});

describe('the override lets a refused tree through, and only when it says so', () => {
  async function home(): Promise<string> {
    const dir = await tempDir('cachectl-home-');
    await NOT_CACHES.find((t) => t.name.startsWith('a home directory with dotfiles'))!.build(dir);
    return dir;
  }

  test('--i-know-this-is-a-cache with --format files prunes it', async () => {
    const dir = await home();
    const r = await cachectl(['prune', dir, '--format', 'files', '--limit', '1', '--usage', 'apparent', '--i-know-this-is-a-cache', '--json']);
    // Its dotfiles count as young temp files in files mode and stay: the target is missed, and said so.
    expect(r.code, r.stderr).toBe(4);
    expect(JSON.parse(r.stdout).miss.reason).toBe('nothing-left-to-evict');
    expect(JSON.parse(r.stdout).removed.files).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'Documents/report.odt'))).toBe(false);
  });

  test('CACHECTL_I_KNOW_THIS_IS_A_CACHE=1 does the same; =0, =no and empty do not', async () => {
    const dir = await home();
    const before = treeFingerprint(dir);
    for (const off of ['0', 'no', '', 'false']) {
      refusedInOneLine(await cachectl(['prune', dir, '--format', 'files', '--limit', '1'], { CACHECTL_I_KNOW_THIS_IS_A_CACHE: off }), 'cachectl', 2);
    }
    expect(treeFingerprint(dir)).toEqual(before);
    const dry = await cachectl(['prune', dir, '--format', 'files', '--limit', '1', '--usage', 'apparent', '--dry-run', '--json'], { CACHECTL_I_KNOW_THIS_IS_A_CACHE: '1' });
    expect(dry.code, dry.stderr).toBe(4); // as above: the dotfiles stay
    expect(JSON.parse(dry.stdout).plan.length).toBeGreaterThan(0);
  });

  test('the override does not make auto-detection pick plain files', async () => {
    const dir = await home();
    const r = await cachectl(['prune', dir, '--limit', '1', '--i-know-this-is-a-cache']);
    expect(refusedInOneLine(r, 'cachectl', 2)).toMatch(/say so with --format files/);
  });

  test('the htcacheclean front end takes the variable (its grammar has no room for the flag)', async () => {
    const dir = await home();
    const before = treeFingerprint(dir);
    const r = await htcacheclean(['-n', '-p', dir, '-l', '1'], { CACHECTL_I_KNOW_THIS_IS_A_CACHE: '1' });
    // Nothing in it is an httpd file, so the limit cannot be met, and the front end says so.
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^htcacheclean: limit 1 B not met: .* left; nothing evictable is left/);
    // As an httpd cache it holds nothing to delete: no .header, .data or aptmp file.
    expect(treeFingerprint(dir).filter((l) => !l.startsWith('. '))).toEqual(before.filter((l) => !l.startsWith('. ')));
  });
});
