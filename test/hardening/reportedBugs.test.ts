import { describe, expect, test, vi } from 'vitest';
import { existsSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { mkdir, rename, symlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { DAY, LAYOUT, listTree, url } from './helpers.js';

// Fault injection only: the swap happens exactly between the walker's lstat of a
// directory and its readdir, the window a racing writer aims for.
const hook = vi.hoisted(() => ({ beforeReaddir: undefined as undefined | ((path: string) => void) }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    readdir: ((path: string, opts: unknown, cb: (...a: unknown[]) => void) => {
      hook.beforeReaddir?.(String(path));
      return fs.readdir(path, opts as never, cb as never);
    }) as typeof fs.readdir,
  };
});

const { scan } = await import('../../src/core/scan/scan.js');
const { removeStem } = await import('../../src/core/delete/remove.js');

describe('swaps that code outside evict must also survive (reported to the lead; see the note)', () => {
  // FIXED (was a known bug) (src/core/scan/walk.ts, not ours to edit): listDir calls readdir(path),
  // which follows a directory swapped for a symlink after its lstat; the children are
  // then lstat-ed through the symlink too. The scan then reports (and plans) another
  // tree's files under the cache's names. Deletions stay safe (evict re-opens every
  // component with O_NOFOLLOW), but `report`/`list` disclose the other tree and the
  // totals are wrong. Fix: open each directory with O_DIRECTORY|O_NOFOLLOW, check its
  // dev/ino against the lstat, and readdir/lstat through `/proc/self/fd/N` (SafeTree).
  test('a directory swapped for a symlink between lstat and readdir is not read through', async () => {
    const base = await tempDir();
    const root = join(base, 'cache');
    const outside = join(base, 'outside');
    await mkdir(join(root, 'd'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(root, 'd', 'bait.tar.xz'), 'bait');
    await writeFile(join(outside, 'only-outside.key'), 'secret');
    hook.beforeReaddir = (p) => {
      if (p === join(root, 'd') && !existsSync(join(base, 'd.moved'))) {
        renameSync(p, join(base, 'd.moved'));
        symlinkSync(outside, p);
      }
    };
    try {
      // The portable walker (the hook is in node:fs); the native reader's pinning is tested
      // in test/scan/nativeReader.test.ts (O_NOFOLLOW open, dev/inode check).
      const snap = await scan({ root, format: 'files', walker: 'portable' });
      const paths = Array.from({ length: snap.table.length }, (_, i) => snap.table.files(i)).flat();
      expect(paths).not.toContain('d/only-outside.key');
    } finally {
      hook.beforeReaddir = undefined;
    }
  });

  // FIXED (was a known bug) (src/core/delete/remove.ts, not ours to edit): removeStem unlinks by
  // path, so a hash directory swapped for a symlink between locate and unlink leads
  // the unlink into another tree (here: same-named files outside the cache). Fix: do
  // the lstat/unlink/readdir/rmdir through SafeTree.inDir(relDir, ...), as evict does.
  test('delete: a hash directory swapped for a symlink does not redirect the unlink', async () => {
    const base = await tempDir();
    const root = join(base, 'cache');
    const outside = join(base, 'outside');
    const [header] = await writeEntry(root, { key: url('x'), body: 100, fetchedAt: Date.now() - DAY }, LAYOUT);
    const rel = header.slice(root.length + 1);
    const hashDir = dirname(rel); // e.g. G/P
    // The outside tree holds files with the same names (old, as system files are).
    await mkdir(outside, { recursive: true });
    for (const ext of ['.header', '.data']) {
      const f = join(outside, rel.split('/').pop()!.replace('.header', ext));
      await writeFile(f, 'precious');
      await utimes(f, 1e9, 1e9);
    }
    const before = listTree(outside);
    await rename(join(root, hashDir), join(base, 'moved'));
    await symlink(outside, join(root, hashDir));
    const { SafeTree } = await import('../../src/core/safety/tree.js');
    const tree = await SafeTree.open(root);
    const r = await removeStem(tree, rel.replace(/\.header$/, ''), false).finally(() => tree.close());
    expect(listTree(outside)).toEqual(before);
    expect(r.files).toBe(0);
  });
});

describe('format detection on a real-sized tree (found while measuring the hardening)', () => {
  // Was a bug (fixed by the lead in src/core/scan/detect.ts): breadth-first detection with
  // a budget of 64 spent it all on the 64 top-level hash directories of a CacheDirLevels 2
  // / CacheDirLength 1 cache, which hold only directories, and took a real cache of a few
  // hundred entries for `files`; prune then evicted .header and .data files one by one.
  test('a mod_cache_disk cache with 64 top-level hash directories is detected as apache', async () => {
    const { detectFormat } = await import('../../src/core/scan/detect.js');
    const root = await tempDir();
    for (let i = 0; i < 400; i++) await writeEntry(root, { key: url(`d${i}`), body: 10, fetchedAt: Date.now() - DAY }, LAYOUT);
    expect(new Set(listTree(root).filter((p) => !p.includes('/'))).size).toBe(64);
    expect(await detectFormat(root)).toBe('apache');
  });
});

describe('temp files of the persisted index after a crash (found by the kill -9 trials)', () => {
  // FIXED (was a known bug) (src/core/index/store.ts, lead's): saveIndex writes `.index-<hash>.bin.<random>.tmp`
  // and renames it; a kill -9 between the two leaves the temp file, and no later run
  // removes it (the crash trials see one every ~50 kills). Fix: name it
  // `index-<hash>.bin.<pid>.tmp` and, before writing, unlink this root's temp files
  // whose pid is dead (or older than an hour).
  test("a temp file left by a killed run's index save is gone after the next run", async () => {
    const { indexPath } = await import('../../src/core/index/store.js');
    const { runCachectl } = await import('../helpers/cli.js');
    const root = await tempDir();
    await writeEntry(root, { key: url('x'), body: 10, fetchedAt: Date.now() - DAY }, LAYOUT);
    const stateDir = await tempDir();
    const left = join(stateDir, `.${basename(indexPath(stateDir, root))}.0123456789ab.tmp`);
    await writeFile(left, 'half an index');
    await utimes(left, 1e9, 1e9);
    const r = await runCachectl(['prune', root, '--max-entries', '0'], { env: { CACHECTL_STATE_DIR: stateDir } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(indexPath(stateDir, root))).toBe(true); // the run did save its index there
    expect(existsSync(left)).toBe(false);
  });
});

describe('the htcacheclean front end\'s pid file (-P)', () => {
  // FIXED (was a known bug) (src/cli/compat/main.ts writePid, compat engineer's): the pid file is written
  // with writeFile (follows symlinks, truncates) as root, before the privilege drop; a
  // relative -P is resolved inside the cache root, which the web server's user writes. It
  // plants `ROOT/x.pid -> /etc/shadow` and the next cron run truncates that file. (Real
  // htcacheclean does the same; we mean to be safer.) Fix: open with
  // O_WRONLY|O_CREAT|O_TRUNC|O_NOFOLLOW (and refuse a pid path inside the cache root, or
  // write it after the drop when it is there).
  test('a symlink planted at a relative -P path is not written through', async () => {
    const { runBin, HTCACHECLEAN_BIN } = await import('../helpers/cli.js');
    const root = await tempDir();
    await writeEntry(root, { key: url('x'), body: 10, fetchedAt: Date.now() - DAY }, LAYOUT);
    const victim = join(await tempDir(), 'shadow');
    await writeFile(victim, 'precious');
    await symlink(victim, join(root, 'x.pid'));
    await runBin(['-D', '-p', root, '-P', 'x.pid', '-l', '1G'], { bin: HTCACHECLEAN_BIN });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});
