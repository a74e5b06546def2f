import { describe, expect, test } from 'vitest';
import { mkdir, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deleteUrls, isExactKey } from '../../src/core/delete/delete.js';
import { locateKey } from '../../src/core/delete/locate.js';
import { removeEmptyDirs } from '../../src/core/delete/emptyDirs.js';
import { entryStemPath } from '../../src/core/format/key.js';
import { LockHeldError } from '../../src/core/errors.js';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { buildCache, key, LAYOUT } from '../compat/fixture.js';
import { emptyDirs, tree } from '../compat/run.js';

const now = Date.now();
const exists = (p: string) => stat(p).then(() => true, () => false);
const stemOf = (root: string, path: string) => join(root, entryStemPath(key(path), LAYOUT));
const alive = { pid: 1, isAlive: () => true };

describe('locateKey (htcacheclean find_directory)', () => {
  test('finds an entry by hash without knowing the layout', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 3 });
    for (const layout of [LAYOUT]) {
      const r = await locateKey(root, key('/gentoo-distfiles/pkg-1.tar.xz'));
      expect(r).toEqual({ stems: [entryStemPath(key('/gentoo-distfiles/pkg-1.tar.xz'), layout)], errors: [] });
    }
    expect((await locateKey(root, key('/nowhere'))).stems).toEqual([]);
    expect((await locateKey(root, key('/vary/app.js'))).stems).toHaveLength(1);
  });
});

describe('deleteUrls', () => {
  test('the exact key, the browser form and the path form all find the entry', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 6 });
    const forms = [
      key('/gentoo-distfiles/pkg-1.tar.xz'),
      'http://127.0.0.1:18080/gentoo-distfiles/pkg-2.tar.xz',
      'HTTP://127.0.0.1:18080/gentoo-distfiles/pkg-3.tar.xz?',
      '/gentoo-distfiles/pkg-4.tar.xz',
    ];
    const r = await deleteUrls({ root, urls: forms });
    expect(r.targets.map((t) => t.status)).toEqual(['removed', 'removed', 'removed', 'removed']);
    expect(r.targets.map((t) => t.keys)).toEqual([1, 2, 3, 4].map((i) => [key(`/gentoo-distfiles/pkg-${i}.tar.xz`)]));
    expect(r.files).toBe(8);
    for (const i of [1, 2, 3, 4]) expect(await exists(`${stemOf(root, `/gentoo-distfiles/pkg-${i}.tar.xz`)}.header`)).toBe(false);
    expect(await exists(`${stemOf(root, '/gentoo-distfiles/pkg-5.tar.xz')}.header`)).toBe(true);
  });

  test('a Vary group goes whole: every variant, the .vary tree and the index', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 2 });
    const s = stemOf(root, '/vary/app.js');
    const r = await deleteUrls({ root, urls: ['/vary/app.js'] });
    expect(r.removed).toEqual([{ key: key('/vary/app.js'), path: entryStemPath(key('/vary/app.js'), LAYOUT), files: 7 }]);
    expect(await exists(`${s}.header`)).toBe(false);
    expect(await exists(`${s}.header.vary`)).toBe(false);
  });

  test('--match with a dry run touches nothing; then removes exactly what it listed', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 12 });
    const before = await tree(root);
    const dry = await deleteUrls({ root, match: '*/pkg-1?.tar.xz', dryRun: true });
    expect(dry.removed.map((x) => x.key).sort()).toEqual([10, 11].map((i) => key(`/gentoo-distfiles/pkg-${i}.tar.xz`)));
    expect(await tree(root)).toEqual(before);
    const real = await deleteUrls({ root, match: '*/pkg-1?.tar.xz', removeEmptyDirs: true, lockOwner: alive });
    expect(real.removed.map((x) => x.key)).toEqual(dry.removed.map((x) => x.key));
    expect(real.targets).toEqual([{ input: '*/pkg-1?.tar.xz', status: 'removed', keys: expect.any(Array) }]);
    expect(await emptyDirs(root)).toEqual([]);
    expect(await exists(join(root, '.cachectl.lock'))).toBe(false);
  });

  test('not cached, errors, and stale entries that still carry the key', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 3, messy: true });
    const s = stemOf(root, '/gentoo-distfiles/pkg-0.tar.xz');
    await unlink(`${s}.data`);
    await mkdir(join(`${s}.data`, 'x'), { recursive: true });
    const r = await deleteUrls({ root, urls: [key('/nowhere'), '/nowhere/else', key('/gentoo-distfiles/pkg-0.tar.xz'), '/copied', '/lost-body'] });
    expect(r.targets.map((t) => t.status)).toEqual(['not-cached', 'not-cached', 'error', 'removed', 'removed']);
    expect(r.errors).toEqual([{ path: `${s}.data`, code: 'EISDIR' }]);
  });

  test('takes the lock: a live holder makes it fail with LockHeldError', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 2 });
    await writeFile(join(root, '.cachectl.lock'), '4242\n');
    await expect(deleteUrls({ root, urls: ['/vary/app.js'], lockOwner: alive })).rejects.toBeInstanceOf(LockHeldError);
    expect(await exists(`${stemOf(root, '/vary/app.js')}.header`)).toBe(true);
  });

  test('isExactKey', () => {
    expect(isExactKey('http://h:80/x?')).toBe(true);
    expect(isExactKey('http://h/x?a=b')).toBe(true);
    expect(isExactKey('http://h:80/x')).toBe(false);
    expect(isExactKey('/x?')).toBe(false);
  });
});

describe('removeEmptyDirs', () => {
  test('removes every empty directory bottom-up, never the root or a non-empty one', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'a/b/c'), { recursive: true });
    await mkdir(join(root, 'd/e'), { recursive: true });
    await writeFile(join(root, 'd/keep'), '');
    const r = await removeEmptyDirs(root);
    expect(r).toEqual({ removed: 4, errors: [] });
    expect(await readdir(root)).toEqual(['d']);
  });
});

describe('cachectl delete', () => {
  test('exit 0 when something went, 2 when nothing was cached, 1 on an error, 2 without arguments', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 3 });
    const ok = await runCachectl(['delete', root, '/gentoo-distfiles/pkg-1.tar.xz', '/nowhere']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${key('/gentoo-distfiles/pkg-1.tar.xz')}\n`);
    expect(ok.stderr).toContain('not cached: /nowhere');
    expect((await runCachectl(['delete', root, '/gentoo-distfiles/pkg-1.tar.xz'])).code).toBe(2);
    const dry = await runCachectl(['delete', '--dry-run', '--match', '*/vary/*', root]);
    expect({ code: dry.code, stdout: dry.stdout }).toEqual({ code: 0, stdout: `${key('/vary/app.js')}\n` });
    expect(dry.stderr).toContain('would remove 1 entry (7 files)');
    const s = stemOf(root, '/gentoo-distfiles/pkg-0.tar.xz');
    await unlink(`${s}.data`);
    await mkdir(join(`${s}.data`, 'x'), { recursive: true });
    expect((await runCachectl(['delete', root, key('/gentoo-distfiles/pkg-0.tar.xz')])).code).toBe(1);
    expect((await runCachectl(['delete', root])).code).toBe(2);
  });
});
