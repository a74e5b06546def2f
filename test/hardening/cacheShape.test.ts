import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { HTCACHECLEAN_BIN, runBin, runCachectl } from '../helpers/cli.js';
import { treeFingerprint } from '../helpers/treeFingerprint.js';
import { writeSampleCache } from '../../src/core/sample/sampleCache.js';
import { writeEntry, writeTemp, writeVaryGroup } from '../../src/core/sample/writeEntry.js';
import { judgeCacheShape } from '../../src/core/safety/cacheShape.js';
import { DAY, LAYOUT, listTree, smallCache, url } from './helpers.js';

const ENV = { CACHECTL_I_KNOW_THIS_IS_A_CACHE: undefined, CACHECTL_FORMAT: undefined, CACHECTL_PATH: undefined };
const cachectl = (args: string[]) => runCachectl(args, { env: ENV, timeoutMs: 20_000 });
const htcacheclean = (args: string[]) => runBin(args, { bin: HTCACHECLEAN_BIN, env: ENV, timeoutMs: 20_000 });

describe('what is still accepted', () => {
  test('a real-looking httpd cache (the demo sample) is auto-detected and pruned by every command', async () => {
    const root = await tempDir();
    await writeSampleCache(root, { now: Date.now() });
    expect((await judgeCacheShape(root, { changes: true })).format).toBe('apache');
    const prune = await cachectl(['prune', root, '--limit', '20M', '--json']);
    expect(prune.code, prune.stderr).toBe(0);
    expect(JSON.parse(prune.stdout)).toMatchObject({ format: 'apache', targetMet: true });
    expect(JSON.parse(prune.stdout).removed.entries).toBeGreaterThan(0);
    const htc = await htcacheclean(['-n', '-t', '-p', root, '-l', '5M']);
    expect(htc.code, htc.stderr).toBe(0);
    expect(htc.stderr).toBe('');
    const check = await cachectl(['schedule', root, '--limit', '1M', '--every', '1h', '--check']);
    expect(check.code, check.stderr).toBe(0);
    const list = await cachectl(['list', root]);
    expect(list.code, list.stderr).toBe(0);
    const del = await cachectl(['delete', root, '--match', '*']);
    expect(del.code, del.stderr).toBe(0);
  });

  test('a distfiles directory (tarballs, one owner) works with --format files, and auto says to ask for it', async () => {
    const root = await tempDir();
    const old = Date.now() / 1000 - 30 * 86400;
    for (const n of ['gcc-14.2.0.tar.xz', 'zlib-1.3.1.tar.gz', 'openssl-3.3.2.tar.gz', 'firefox-128.0.source.tar.xz', 'rust-1.80.0-x86_64-unknown-linux-gnu.tar.xz']) {
      await writeFile(join(root, n), Buffer.alloc(40_000, 1));
    }
    await writeFile(join(root, 'llvm-19.src.tar.xz.__download__'), Buffer.alloc(100));
    await mkdir(join(root, '.locks'));
    const { utimes } = await import('node:fs/promises');
    for (const n of readdirSync(root)) await utimes(join(root, n), old, old);
    const before = treeFingerprint(root);
    const auto = await cachectl(['prune', root, '--limit', '100K']);
    expect(auto.code).toBe(2);
    expect(auto.stderr).toMatch(/^cachectl: refusing to use .* it is not an Apache mod_cache_disk cache .*if it is a plain file cache, say so with --format files\n$/);
    expect(treeFingerprint(root)).toEqual(before);
    const files = await cachectl(['prune', root, '--limit', '100K', '--format', 'files', '--json']);
    expect(files.code, files.stderr).toBe(0);
    expect(JSON.parse(files.stdout)).toMatchObject({ format: 'files', targetMet: true });
    expect(readdirSync(root).filter((n) => n.endsWith('.tar.xz') || n.endsWith('.tar.gz')).length).toBeLessThan(5);
    const env = await runCachectl(['report', root], { env: { ...ENV, CACHECTL_FORMAT: 'files' } });
    expect(env.code, env.stderr).toBe(0);
  });

  test('an empty directory is an empty httpd cache: nothing to do, for every command (a fresh CacheRoot starts empty)', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'A/b'), { recursive: true }); // hash directories left empty are still empty
    for (const args of [['prune', root, '--limit', '1M'], ['prune', root, '--limit', '1M', '--format', 'files'], ['report', root], ['list', root], ['schedule', root, '--limit', '1', '--every', '1h', '--check']]) {
      const r = await cachectl(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const htc = await htcacheclean(['-n', '-p', root, '-l', '1']);
    expect(htc.code, htc.stderr).toBe(0);
    expect(htc.stderr).toBe('');
    expect(listTree(root)).toEqual(['A', 'A/b']);
  });

  test('a fresh cache holding only a temp file from httpd is a cache', async () => {
    const root = await tempDir();
    await writeTemp(root, 'Ab12Cd', 100, Date.now());
    expect(await judgeCacheShape(root, { changes: true })).toMatchObject({ format: 'apache', apache: 'aptmpAb12Cd' });
  });

  test('symlinks do not make a pruned-out cache non-empty, and are never followed into a home', async () => {
    const root = await tempDir();
    const home = await tempDir();
    await writeFile(join(home, '.bashrc'), '# ~/.bashrc\n');
    await mkdir(join(home, '.ssh'));
    await symlink(home, join(root, 'planted'));
    expect(await judgeCacheShape(root, { changes: true })).toMatchObject({ format: 'apache', empty: true });
    await smallCache(3, root);
    expect(await judgeCacheShape(root, { changes: true })).toMatchObject({ format: 'apache', empty: false });
  });
});

describe('the proof of an httpd cache is a parsed header where httpd would put it', () => {
  test('a real header copied outside httpd\'s layout proves nothing', async () => {
    const cache = await tempDir();
    const [header] = await writeEntry(cache, { key: url('x.tar.xz'), body: 100, fetchedAt: Date.now() - DAY }, LAYOUT);
    const root = await tempDir();
    await mkdir(join(root, 'fixtures'));
    await copyFile(header, join(root, 'fixtures', 'response.header'));
    await writeFile(join(root, 'fixtures', 'request.header'), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect(judgeCacheShape(root, { changes: false })).rejects.toThrow(/not an Apache mod_cache_disk cache/);
    // The same entry at hash(key) is proof.
    await writeEntry(root, { key: url('x.tar.xz'), body: 100, fetchedAt: Date.now() - DAY }, LAYOUT);
    expect((await judgeCacheShape(root, { changes: false })).format).toBe('apache');
  });

  test('explicit --format apache on a tree that is not one is refused for deleting, allowed for reading', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'notes.data'), 'precious\n');
    await expect(judgeCacheShape(root, { format: 'apache', changes: true })).rejects.toThrow(/not an Apache mod_cache_disk cache.*--i-know-this-is-a-cache/);
    expect((await judgeCacheShape(root, { format: 'apache', changes: false })).format).toBe('apache');
    expect((await judgeCacheShape(root, { format: 'apache', changes: true, iKnowThisIsACache: true })).format).toBe('apache');
    const r = await cachectl(['prune', root, '--format', 'apache', '--max-entries', '0']);
    expect(r.code).toBe(2);
    expect(existsSync(join(root, 'notes.data'))).toBe(true);
  });
});

describe('the library is protected too, and more edges', () => {
  async function homeDir(): Promise<string> {
    const dir = await tempDir();
    await writeFile(join(dir, '.bashrc'), '# ~/.bashrc\n');
    await writeFile(join(dir, 'report.odt'), Buffer.alloc(2000));
    return dir;
  }

  test('core prune() and deleteUrls() refuse before they take the lock', async () => {
    const { prune } = await import('../../src/core/prune/prune.js');
    const { deleteUrls } = await import('../../src/core/delete/delete.js');
    const dir = await homeDir();
    const before = treeFingerprint(dir);
    const lockOwner = { pid: process.pid, isAlive: () => true };
    await expect(prune({ root: dir, format: 'files', limit: 1, lockOwner })).rejects.toThrow(/looks like a home directory.*found \.bashrc/);
    await expect(prune({ root: dir, limit: 1, lockOwner })).rejects.toThrow(/refusing/);
    await expect(deleteUrls({ root: dir, match: '*', lockOwner })).rejects.toThrow(/refusing/);
    expect(treeFingerprint(dir)).toEqual(before);
    const r = await prune({ root: dir, format: 'files', limit: 1, lockOwner, iKnowThisIsACache: true, dryRun: true });
    expect(r.plan.length).toBeGreaterThan(0);
  });

  test('a Vary index next to its .header.vary/ directory is proof by itself', async () => {
    const root = await tempDir();
    const { index, variants } = await writeVaryGroup(root, url('v.tar.gz'), ['Accept-Encoding'], [
      { fetchedAt: Date.now() - DAY, body: 300, requestHeaders: { 'Accept-Encoding': 'gzip' } },
    ], LAYOUT);
    for (const f of variants.flat()) await unlink(f);
    expect(await judgeCacheShape(root, { changes: true })).toMatchObject({ format: 'apache', apache: index.slice(root.length + 1) });
  });

  test("an httpd cache whose hash directories happen to be named bin, etc, usr is not taken for a system's root", async () => {
    const { root } = await smallCache(3);
    for (const d of ['bin', 'etc', 'usr']) await mkdir(join(root, d));
    expect((await judgeCacheShape(root, { changes: true })).format).toBe('apache');
    // The same directories in a plain tree are a system's root.
    await expect(judgeCacheShape(root, { format: 'files', changes: true })).rejects.toThrow(/system's root/);
  });

  test('schedule --check applies the root policy and the shape check, like a real start', async () => {
    const sys = await cachectl(['schedule', '/var', '--limit', '1G', '--every', '1h', '--check']);
    expect(sys.code).toBe(2);
    expect(sys.stderr).toMatch(/refusing to use the system directory \/var/);
  });
});

describe('the check stays cheap', () => {
  test('a sample reads at most 64 directories and lstats at most 512 entries, however big the tree', async () => {
    const root = await tempDir();
    for (let i = 0; i < 200; i++) {
      await mkdir(join(root, `d${i}`, 'sub'), { recursive: true });
      for (let j = 0; j < 5; j++) await writeFile(join(root, `d${i}`, 'sub', `f${j}.tar.gz`), 'x');
    }
    const v = await judgeCacheShape(root, { format: 'files', changes: true });
    expect(v.format).toBe('files');
    expect(v.sample).toMatchObject({ complete: false });
    expect(v.sample!.dirsRead).toBeLessThanOrEqual(64);
    expect(v.sample!.lstats).toBeLessThanOrEqual(512);
  });

  test('read-only commands with an explicit format read nothing for the check', async () => {
    const root = await tempDir();
    expect((await judgeCacheShape(root, { format: 'files', changes: false })).sample).toBeNull();
  });
});
