import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { runCachectl } from '../helpers/cli.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { DAY, IS_ROOT, LAYOUT, ROOT_REASON, canMount, chownTree, exited, headersWithoutBody, listTree, NOBODY, nobodyCache, ourFiles, smallCache, startBin, url } from './helpers.js';

const MOUNT = canMount();
const MOUNT_REASON = IS_ROOT ? 'cannot mount a tmpfs here (no CAP_SYS_ADMIN)' : ROOT_REASON;
/** No stack traces, no "internal error": every failure here is the world's, said in a sentence. */
const clean = (stderr: string) => expect(stderr).not.toMatch(/internal error|\n\s+at /);

/** A small tmpfs holding a cache; unmounted by the caller (before tempDir's cleanup). */
async function tmpfsCache(sizeK: number): Promise<{ root: string; umount: () => void }> {
  const base = await tempDir('cachectl-mnt-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeK}k,mode=0755`, 'tmpfs', base]);
  const root = join(base, 'cache');
  await mkdir(root);
  return { root, umount: () => execFileSync('umount', ['-l', base]) };
}

describe.skipIf(!MOUNT)(`full disk and read-only filesystem (real tmpfs${MOUNT ? '' : `; skipped: ${MOUNT_REASON}`})`, () => {
  test('a full disk: the prune still runs (without a pid in its lock) and frees the space', async () => {
    const { root, umount } = await tmpfsCache(512);
    try {
      for (let i = 0; i < 40; i++) await writeEntry(root, { key: url(`f${i}`), body: 4000, fetchedAt: Date.now() - (i + 1) * DAY }, LAYOUT);
      // Fill the rest of the filesystem (a body being written by httpd, say).
      try { writeFileSync(join(root, 'aptmpFILLER'), Buffer.alloc(1024 * 1024)); } catch (e) { expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC'); }
      expect(() => writeFileSync(join(root, 'probe'), 'x')).toThrow(/ENOSPC/);
      const r = await runCachectl(['prune', root, '--max-entries', '10', '--json']);
      clean(r.stderr);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).after.entries).toBe(10);
      expect(ourFiles(root)).toEqual([]);
      expect(headersWithoutBody(root)).toEqual([]);
    } finally {
      umount();
    }
  });

  test('a read-only filesystem: report, list and the dry run work; prune and delete say why they cannot, exit 1', async () => {
    const { root, umount } = await tmpfsCache(1024);
    try {
      const { keys } = await smallCache(5, root);
      const before = listTree(root);
      execFileSync('mount', ['-o', 'remount,ro', join(root, '..')]);
      expect((await runCachectl(['report', root])).code).toBe(0);
      expect((await runCachectl(['list', root])).code).toBe(0);
      const dry = await runCachectl(['prune', root, '--max-entries', '0', '--dry-run']);
      expect(dry.code).toBe(0);
      const p = await runCachectl(['prune', root, '--max-entries', '0']);
      clean(p.stderr);
      expect(p.stderr).toContain(`cannot create the lock file ${root}/.cachectl.lock: the filesystem is read-only (EROFS); nothing was deleted`);
      expect(p.code).toBe(1);
      const d = await runCachectl(['delete', root, keys[0]]);
      clean(d.stderr);
      expect(d.stderr).toContain('the filesystem is read-only (EROFS)');
      expect(d.code).toBe(1);
      expect(listTree(root)).toEqual(before);
    } finally {
      umount();
    }
  });
});

describe('unreadable subtrees and the root vanishing', () => {
  test.skipIf(!IS_ROOT)(`an unreadable subtree is named, kept whole, and the rest is pruned (exit 1)${IS_ROOT ? '' : ` (skipped: ${ROOT_REASON})`}`, async () => {
    // As the cache's owner (nobody), after the drop: root itself would read anything.
    const { root } = await nobodyCache(30);
    const locked = join(root, listTree(root).find((p) => /^[^/]+$/.test(p) && !p.startsWith('aptmp'))!);
    const inside = listTree(locked);
    const [badHeader] = await writeEntry(root, { key: url('unreadable-header'), body: 100, fetchedAt: Date.now() - 300 * DAY }, LAYOUT);
    chownTree(root, NOBODY, NOBODY);
    await chmod(locked, 0o000);
    chmodSync(badHeader, 0o000);
    try {
      const r = await runCachectl(['prune', root, '--max-entries', '0', '--json']);
      clean(r.stderr);
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout);
      expect(j.errors).toContainEqual({ path: locked, code: 'EACCES' });
      expect(j.errors.some((e: { path: string }) => e.path.endsWith(badHeader.slice(root.length)))).toBe(true);
      expect(j.removed.entries).toBeGreaterThan(0);
      expect(existsSync(badHeader)).toBe(true); // unreadable: we cannot know what it is, so it stays
    } finally {
      await chmod(locked, 0o755);
    }
    expect(listTree(locked)).toEqual(inside);
  });

  // (The root vanishing between its resolution and the scan is rootVanish.test.ts: a
  // known bug there, with a deterministic fault, rather than a rare flake here.)
  test('the cache root deleted while a prune deletes: no crash, the run says so and exits 4 naming the miss', async () => {
    const { root } = await smallCache(200);
    const deleting = new Promise<void>((res) => {
      const w = watch(root, (_e, name) => { if (name === 'aptmpOld123') { w.close(); res(); } });
    });
    const p = startBin(['prune', root, '--max-entries', '0', '--nice', '--json']);
    await deleting;
    // Frozen while the tree goes, so the deletion surely lands mid-run.
    p.kill('SIGSTOP');
    await rm(root, { recursive: true, force: true });
    p.kill('SIGCONT');
    const end = await exited(p);
    clean(p.output.stderr);
    expect(end.code, p.output.stderr).toBe(4);
    expect(JSON.parse(p.output.stdout).errors).toContainEqual({ path: root, code: 'ENOENT' });
  });

  test('a cache root that does not exist, or is a file: exit 2, one sentence', async () => {
    const base = await tempDir();
    writeFileSync(join(base, 'file'), 'x');
    for (const [dir, msg] of [[join(base, 'nope'), 'does not exist'], [join(base, 'file'), 'is not a directory']]) {
      const r = await runCachectl(['prune', dir, '--max-entries', '0']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(msg);
      clean(r.stderr);
    }
  });
});

describe('large and strange directories', () => {
  test('100k files in one directory: the oldest half goes, exactly', async () => {
    const root = await tempDir();
    const N = 100_000;
    const now = Date.now() / 1000;
    // Sync and minimal: a one-byte file, then its times (file i is N-i seconds old).
    for (let i = 0; i < N; i++) {
      const f = join(root, `f${i}.bin`);
      writeFileSync(f, 'x');
      utimesSync(f, now - (N - i), now - (N - i));
    }
    const r = await runCachectl(['prune', root, '--format', 'files', '--max-entries', String(N / 2), '--usage', 'apparent', '--json'], { timeoutMs: 120_000 });
    clean(r.stderr);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.before.entries).toBe(N);
    expect(j.removed.files).toBe(N / 2);
    expect(j.after.entries).toBe(N / 2);
    for (const i of [0, 1, N / 2 - 1]) expect(existsSync(join(root, `f${i}.bin`))).toBe(false);
    for (const i of [N / 2, N - 1]) expect(existsSync(join(root, `f${i}.bin`))).toBe(true);
  }, 150_000);
});

describe('file names with newlines or invalid UTF-8', () => {
  async function strangeTree(): Promise<string> {
    const root = await tempDir();
    const old = Date.now() / 1000 - 10 * 86400;
    const put = (name: string | Buffer, bytes: number) => {
      const p = typeof name === 'string' ? join(root, name) : Buffer.concat([Buffer.from(`${root}/`), name]);
      writeFileSync(p, Buffer.alloc(bytes));
      utimesSync(p, old, old);
    };
    put('evil\nname.tar.gz', 100);
    put(Buffer.from('bad-\xff.tar.gz', 'latin1'), 200); // not UTF-8
    put('good.tar.gz', 300);
    return root;
  }
  const invalidStill = (root: string) => existsSync(Buffer.concat([Buffer.from(`${root}/`), Buffer.from('bad-\xff.tar.gz', 'latin1')]));

  test('no crash; the newline name is pruned like any other; the invalid name is never touched', async () => {
    const root = await strangeTree();
    const r = await runCachectl(['prune', root, '--format', 'files', '--max-entries', '0', '--json']);
    clean(r.stderr);
    expect([0, 1]).toContain(r.code);
    expect(existsSync(join(root, 'evil\nname.tar.gz'))).toBe(false);
    expect(existsSync(join(root, 'good.tar.gz'))).toBe(false);
    expect(invalidStill(root)).toBe(true); // we cannot name it, so we never delete it
    expect(JSON.parse(r.stdout).removed.files).toBe(2);
  });

  // FIXED (was a known bug): readdir decoded names as UTF-8, so a name that is not valid
  // UTF-8 came back with U+FFFD, its lstat failed with ENOENT and the file was silently
  // counted as "vanished". Both readers now report it (EILSEQ, the bytes escaped as \xNN),
  // and leave it alone.
  test.each([{ reader: 'native', env: {} }, { reader: 'portable', env: { CACHECTL_NATIVE: '0' } }])(
    'a name that is not valid UTF-8 is reported, not silently skipped ($reader reader)', async ({ env }) => {
      const root = await strangeTree();
      const r = await runCachectl(['report', '--json', '--format', 'files', root], { env });
      const report = JSON.parse(r.stdout);
      expect(report.errors).toContainEqual({ path: join(root, 'bad-\\xff.tar.gz'), code: 'EILSEQ' });
      expect(r.code).toBe(1);
      expect(invalidStill(root)).toBe(true);
    });

  // FIXED (was a known bug) (src/cli/output/pruneText.ts renderVictims, and list's output): names and
  // keys are printed raw, so a newline in one forges an extra line in the plan (and in
  // `list`, whose lines scripts feed to `delete`). Fix: escape control characters in
  // every line-per-entry output (\n, \r, \t, \xNN), as `ls -b` does; --json is exact.
  test('the dry run prints one line per victim even when a name holds a newline', async () => {
    const root = await strangeTree();
    const r = await runCachectl(['prune', root, '--format', 'files', '--max-entries', '0', '--dry-run']);
    const lines = r.stdout.split('\n').filter(Boolean);
    const plan = JSON.parse((await runCachectl(['prune', root, '--format', 'files', '--max-entries', '0', '--dry-run', '--json'])).stdout).plan;
    expect(lines.length).toBe(plan.length);
  });
});
