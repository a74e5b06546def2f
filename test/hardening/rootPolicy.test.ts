import { describe, expect, test } from 'vitest';
import { chmod, chown, mkdir, symlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { runCachectl } from '../helpers/cli.js';
import { ancestorProblem, checkCacheRoot, systemDirProblem } from '../../src/core/safety/rootPolicy.js';
import { IS_ROOT, NOBODY, ROOT_REASON, smallCache, listTree } from './helpers.js';

const dirStat = (uid: number, mode: number, gid = 0) => ({ isDirectory: () => true, uid, gid, mode: 0o040000 | mode }) as unknown as Stats;

describe('root policy: which directories are never a cache', () => {
  test.each(['/', '/etc', '/usr', '/var', '/var/cache', '/var/lib', '/home', '/root', '/tmp', '/usr/local', '/var/www', '/srv', '/boot'])('%s is refused', (dir) => {
    expect(systemDirProblem(dir)).toMatch(/refusing/);
  });

  test.each(['/etc/apache2', '/proc/1', '/sys/kernel', '/dev/shm', '/usr/lib/x86_64-linux-gnu', '/boot/grub'])('%s (inside a system tree) is refused', (dir) => {
    expect(systemDirProblem(dir)).toMatch(/inside the system tree/);
  });

  test.each(['/var/cache/apache2/mod_cache_disk', '/usr/portage/distfiles', '/srv/distfiles', '/var/lib/cache', '/tmp/cachectl-x', '/home/alice/cache'])('%s is a possible cache', (dir) => {
    expect(systemDirProblem(dir)).toBeNull();
  });

  test('the ownership rule: ancestors owned by root or by the cache owner, not writable by others unless sticky', () => {
    expect(ancestorProblem('/var/cache', dirStat(0, 0o755), 33)).toBeNull();
    expect(ancestorProblem('/srv/www', dirStat(33, 0o755), 33)).toBeNull(); // the owner's own directory
    expect(ancestorProblem('/tmp', dirStat(0, 0o1777), 33)).toBeNull(); // sticky: others cannot rename our root
    expect(ancestorProblem('/srv/x', dirStat(1000, 0o755), 33)).toMatch(/owned by uid 1000, which is neither root nor the cache's owner \(uid 33\)/);
    expect(ancestorProblem('/srv/x', dirStat(1000, 0o755), 0)).toMatch(/uid 1000/); // root's cache below a user's directory
    expect(ancestorProblem('/srv/x', dirStat(0, 0o777), 33)).toMatch(/writable by everyone \(mode 777\)/);
    expect(ancestorProblem('/srv/x', dirStat(0, 0o775, 33), 33)).toMatch(/writable by group 33/);
  });
});

describe('root policy on real trees', () => {
  test('a cache below a world-writable (non-sticky) directory is refused: anyone could swap it', async () => {
    const base = await tempDir();
    const open = join(base, 'open');
    await mkdir(join(open, 'cache'), { recursive: true });
    await chmod(open, 0o777);
    await expect(checkCacheRoot(join(open, 'cache'))).rejects.toThrow(/writable by everyone/);
    await chmod(open, 0o1777); // sticky, like /tmp: fine
    await expect(checkCacheRoot(join(open, 'cache'))).resolves.toMatchObject({ uid: process.getuid!() });
  });

  test.skipIf(!IS_ROOT)(`a root-owned cache inside a directory another user owns is refused (${IS_ROOT ? 'root' : ROOT_REASON})`, async () => {
    const base = await tempDir();
    await chmod(base, 0o755);
    const userDir = join(base, 'user');
    await mkdir(join(userDir, 'cache'), { recursive: true });
    await chown(userDir, NOBODY, NOBODY);
    await expect(checkCacheRoot(join(userDir, 'cache'))).rejects.toThrow(/owned by uid 65534, which is neither root nor the cache's owner \(uid 0\)/);
    // The same tree owned by that user throughout is fine: nobody else can swap it.
    await chown(join(userDir, 'cache'), NOBODY, NOBODY);
    await expect(checkCacheRoot(join(userDir, 'cache'))).resolves.toEqual({ uid: NOBODY, gid: NOBODY });
  });
});

describe('every command refuses such roots (spawned bin, exit 2, nothing touched)', () => {
  test.each([
    [['report', '/'], 'refusing to use / as a cache directory'],
    [['prune', '/', '--limit', '1G'], 'refusing to use / as a cache directory'],
    [['prune', '/etc', '--limit', '1G', '--dry-run'], 'refusing to use the system directory /etc'],
    [['list', '/usr'], 'refusing to use the system directory /usr'],
    [['delete', '/var/cache', 'http://x:80/a?'], 'refusing to use the system directory /var/cache'],
    [['prune', '/proc/self', '--limit', '1G'], 'inside the system tree /proc'],
    [['schedule', '/var', '--limit', '1G', '--every', '1h'], 'refusing to use the system directory /var'],
  ])('%j', async (args, msg) => {
    const r = await runCachectl(args);
    expect(r.stderr).toContain(msg);
    expect(r.code).toBe(2);
  });

  test('a symlink to a system directory is judged by where it leads', async () => {
    const base = await tempDir();
    await symlink('/etc', join(base, 'innocent'));
    const r = await runCachectl(['prune', join(base, 'innocent'), '--max-entries', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to use the system directory /etc');
  });

  test('a cache below a world-writable directory is refused before anything is deleted', async () => {
    const base = await tempDir();
    await chmod(base, 0o777);
    const { root } = await smallCache(3, join(base, 'cache'));
    const before = listTree(root);
    const r = await runCachectl(['prune', root, '--max-entries', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/writable by everyone .*swapped for a symlink/);
    expect(listTree(root)).toEqual(before);
  });
});
