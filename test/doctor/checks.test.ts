import { describe, expect, test } from 'vitest';
import { chmod, mkdir, statfs, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { doctor, type DoctorOptions } from '../../src/core/doctor/doctor.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { check } from './helpers.js';

const ME = { uid: process.getuid!(), gids: process.getgroups!() };
const CACHE = '/var/cache/apache2/dist-files';
const MODULES = 'LoadModule cache_module m/mod_cache.so\nLoadModule cache_disk_module m/mod_cache_disk.so\n';
const NATIVE = { binding: null, reason: 'not built (MODULE_NOT_FOUND)' };

/**
 * A machine with httpd.conf = MODULES + `conf`, a cache directory, and whatever else
 * `files` adds; httpd's User is us (by name in its passwd), so ownership is right
 * unless a test says otherwise.
 */
async function machine(conf: string, files: Record<string, string> = {}): Promise<string> {
  const root = await tempDir('cachectl-checks-');
  const all = {
    '/etc/apache2/httpd.conf': `${MODULES}User me\n${conf}`,
    '/etc/passwd': `root:x:0:0::/root:/bin/sh\nme:x:${ME.uid}:${process.getgid!()}::/home/me:/bin/sh\nother:x:4242:4242::/x:/bin/sh\n`,
    '/etc/group': `root:x:0:\nme:x:${process.getgid!()}:\n`,
    ...files,
  };
  for (const [p, text] of Object.entries(all)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), text);
  }
  await mkdir(join(root, CACHE), { recursive: true });
  return root;
}

const run = (root: string, o: Partial<DoctorOptions> = {}) => doctor({ rootFs: root, user: ME, native: NATIVE, limit: 2 ** 20, ...o });
const SEED = `CacheEnable disk /\nCacheRoot ${CACHE}\n`;

describe('cache-root', () => {
  test.each([
    ['CacheRoot without CacheEnable', `CacheRoot ${CACHE}\n`, `CacheRoot ${CACHE} is set at /etc/apache2/httpd.conf:4 but no server has CacheEnable disk, so httpd caches nothing`],
    ['CacheEnable without CacheRoot', 'CacheEnable disk /\n', 'the main server has CacheEnable disk but no CacheRoot, so mod_cache_disk stores nothing'],
    ['neither', 'ServerName x\n', "httpd's configuration has no CacheRoot and no CacheEnable disk: it caches nothing"],
    ['a CacheRoot in an <IfModule> that is off', `<IfModule mod_nope.c>\n${SEED}</IfModule>\n`, 'httpd caches nothing: the CacheEnable at /etc/apache2/httpd.conf:5 is not in effect, because <IfModule mod_nope.c> at /etc/apache2/httpd.conf:4 is off: that module is not loaded'],
  ])('%s', async (_name, conf, message) => {
    const r = await run(await machine(conf));
    expect(check(r, 'cache-root')).toMatchObject({ status: 'fail', message });
  });

  test('CacheRoot used without mod_cache_disk loaded: httpd refuses to start', async () => {
    const root = await machine('');
    await writeFile(join(root, 'etc/apache2/httpd.conf'), `LoadModule cache_module m/mod_cache.so\n${SEED}`);
    expect(check(await run(root), 'cache-root')).toMatchObject({ status: 'fail', message: expect.stringContaining('uses CacheRoot but cache_disk_module is not loaded: httpd refuses to start') });
  });

  test('a dir named through a symlink is the same cache', async () => {
    const root = await machine(SEED);
    // Relative: an absolute symlink in a fixture tree resolves against the real /.
    await symlink('var/cache/apache2/dist-files', join(root, 'srv-cache'));
    expect(check(await run(root, { dir: '/srv-cache' }), 'cache-root').status).toBe('ok');
  });
});

describe('dir-layout', () => {
  test('CacheDirLevels × CacheDirLength above 20 stops httpd', async () => {
    const r = await run(await machine(`${SEED}CacheDirLevels 5\nCacheDirLength 5\n`));
    expect(check(r, 'dir-layout')).toMatchObject({ status: 'fail', message: 'CacheDirLevels 5 × CacheDirLength 5 is more than 20: httpd refuses to start' });
  });

  test('a mix of layouts: some entries were left by an earlier one', async () => {
    const root = await machine(SEED);
    const dir = join(root, CACHE);
    for (let i = 0; i < 3; i++) await writeEntry(dir, { key: `http://m/d/a${i}?`, body: 10, fetchedAt: Date.now() }, { levels: 2, length: 2 });
    for (let i = 0; i < 3; i++) await writeEntry(dir, { key: `http://m/d/b${i}?`, body: 10, fetchedAt: Date.now() }, { levels: 1, length: 2 });
    const c = check(await run(root), 'dir-layout');
    expect(c.status).toBe('warn');
    expect(c.message).toMatch(/of 6 entries looked at, 3 sit 2×2 as configured but 3 at 1×2: left from an earlier layout/);
  });

  test('an empty cache', async () => {
    expect(check(await run(await machine(SEED)), 'dir-layout')).toMatchObject({ status: 'ok', message: `${CACHE} holds no entries yet; httpd will file them 2×2 (CacheDirLevels × CacheDirLength, httpd's defaults)` });
  });
});

describe('max-file-size, freshness, cache-lock', () => {
  test.each([
    ['CacheMaxFileSize 1000000', 'warn', 'CacheMaxFileSize is 1,000,000 B (/etc/apache2/httpd.conf:6): every distfile larger than that'],
    ['CacheMaxFileSize 500000000', 'warn', 'distfiles larger than 476.8 MiB (the largest run to 4.0 GiB) are never cached'],
    ['CacheMaxFileSize 10000000000\nCacheMinFileSize 2048', 'warn', 'CacheMinFileSize 2,048 B also keeps smaller files (patches, signatures) out'],
    ['CacheMaxFileSize 10\nCacheMinFileSize 20', 'fail', 'CacheMinFileSize 20 B is above CacheMaxFileSize 10 B: nothing can be cached'],
    ['CacheMaxFileSize 10G', 'fail', 'CacheMaxFileSize "10G" at /etc/apache2/httpd.conf:6 is not a number of bytes (httpd refuses to start)'],
  ])('%s', async (conf, status, message) => {
    const c = check(await run(await machine(`${SEED}${conf}\n`)), 'max-file-size');
    expect(c.status).toBe(status);
    expect(c.message).toContain(message);
  });

  test('--largest-file moves the bar', async () => {
    const root = await machine(`${SEED}CacheMaxFileSize 500000000\n`);
    expect(check(await run(root, { largestFile: 400_000_000 }), 'max-file-size').status).toBe('ok');
  });

  test('a CacheDefaultExpire above CacheMaxExpire is capped too, for every response with a Last-Modified', async () => {
    const c = check(await run(await machine(`${SEED}CacheDefaultExpire 63072000\n`)), 'freshness');
    expect(c).toMatchObject({ status: 'warn', fix: 'CacheMaxExpire 63072000 next to CacheDefaultExpire' });
    expect(c.message).toMatch(/^CacheDefaultExpire 63,072,000 s = 730d \(\/etc\/apache2\/httpd\.conf:6\) is above CacheMaxExpire 86,400 s = one day \(httpd's default\)/);
  });

  test('CacheMaxExpire at least CacheMinExpire is ok; CacheLock on with a 5 s lock age is not enough', async () => {
    const r = await run(await machine(`${SEED}CacheMinExpire 63072000\nCacheMaxExpire 63072000\nCacheLock on\n`));
    expect(check(r, 'freshness').status).toBe('ok');
    expect(check(r, 'cache-lock')).toMatchObject({ status: 'warn', message: expect.stringContaining('CacheLockMaxAge is 5 s (the default)'), fix: 'CacheLockMaxAge 600' });
  });
});

describe('owner', () => {
  test('httpd\'s User does not exist, or cannot write the cache', async () => {
    const root = await machine(SEED);
    await writeFile(join(root, 'etc/apache2/httpd.conf'), `${MODULES}User ghost\n${SEED}`);
    expect(check(await run(root), 'owner')).toMatchObject({ status: 'fail', message: "httpd's User ghost (/etc/apache2/httpd.conf:3) does not exist on this machine" });
    await writeFile(join(root, 'etc/apache2/httpd.conf'), `${MODULES}User other\n${SEED}`);
    await chmod(join(root, CACHE), 0o755);
    const c = check(await run(root), 'owner');
    expect(c.status).toBe('fail');
    // As root, "me" shares uid 0 with root, which comes first in the passwd file.
    expect(c.message).toMatch(new RegExp(`^${CACHE} belongs to (me|root), but httpd runs as other \\(/etc/apache2/httpd.conf:3\\) and cannot write it, so it caches nothing new$`));
    expect(c.fix).toBe(`chown -R other: ${CACHE}`);
  });
});

describe('state-dir', () => {
  test('a cron line as httpd\'s user with no state dir; one with an unwritable state dir; one with a writable one', async () => {
    const line = (extra: string) => `30 4 * * * other ${extra} /usr/local/bin/cachectl prune -l 1G ${CACHE}\n`;
    const root = await machine(SEED, { '/etc/cron.d/cachectl': line(''), '/usr/local/bin/cachectl': '#!/usr/bin/env node\n' });
    expect(check(await run(root), 'state-dir')).toMatchObject({ status: 'warn', message: expect.stringContaining('runs as other with no --state-dir or CACHECTL_STATE_DIR') });
    await mkdir(join(root, 'var/lib/cachectl'), { recursive: true, mode: 0o755 });
    await writeFile(join(root, 'etc/cron.d/cachectl'), line('CACHECTL_STATE_DIR=/var/lib/cachectl'));
    const c = check(await run(root), 'state-dir');
    expect(c).toMatchObject({ status: 'fail', message: '/etc/cron.d/cachectl line 1: /var/lib/cachectl is not writable by other, so no index is kept and every run reads the whole cache', fix: 'chown other /var/lib/cachectl' });
    await writeFile(join(root, 'etc/cron.d/cachectl'), `30 4 * * * me CACHECTL_STATE_DIR=/var/lib/cachectl /usr/local/bin/cachectl prune -l 1G ${CACHE}\n`);
    expect(check(await run(root), 'state-dir').status).toBe('ok');
  });
});

describe('free-space', () => {
  test('a limit larger than the filesystem fails; one that leaves no headroom warns; the cleaner\'s own limit is used', async () => {
    const root = await machine(SEED, { '/etc/cron.d/c': `1 1 * * * root /usr/local/bin/cachectl prune -l 1M ${CACHE}\n`, '/usr/local/bin/cachectl': '#\n' });
    const fs = await statfs(join(root, CACHE));
    const size = fs.blocks * fs.bsize;
    const over = check(await run(root, { limit: size * 2 }), 'free-space');
    expect(over).toMatchObject({ status: 'fail', message: expect.stringMatching(/^the limit of .* \(--limit\) is larger than the .* filesystem of \/var\/cache\/apache2\/dist-files/) });
    expect(check(await run(root, { limit: Math.floor(size * 0.95) }), 'free-space')).toMatchObject({ status: 'warn', message: expect.stringContaining('leaves less than 10%') });
    expect(check(await run(root, { limit: undefined }), 'free-space')).toMatchObject({ status: 'ok', message: expect.stringContaining('the limit of 1.0 MiB (/etc/cron.d/c line 1) fits') });
  });

  test('no limit known', async () => {
    expect(check(await run(await machine(SEED), { limit: undefined }), 'free-space')).toMatchObject({ status: 'warn', fix: 'give the limit with --limit SIZE' });
  });
});

describe('native', () => {
  test('loaded, turned off, not built', async () => {
    const root = await machine(SEED);
    expect(check(await run(root, { native: { binding: {} as never, reason: 'loaded' } }), 'native').status).toBe('ok');
    expect(check(await run(root, { native: { binding: null, reason: 'turned off' } }), 'native')).toMatchObject({ status: 'warn', fix: 'unset CACHECTL_NATIVE' });
    expect(check(await run(root), 'native')).toMatchObject({ status: 'warn', message: expect.stringContaining('not built (MODULE_NOT_FOUND)') });
  });
});

describe('log-format', () => {
  test.each([
    ['no log at all', '', 'warn', 'the main server writes no access log'],
    ['TransferLog with the plain LogFormat', 'LogFormat "%h %t \\"%r\\" %>s %{cache-status}e"\nTransferLog logs/t.log\n', 'ok', '/etc/apache2/logs/t.log'],
    ['an inline format', 'CustomLog /var/log/x.log "%h %t \\"%r\\" %{cache-status}e"\n', 'ok', 'format an inline format'],
    ['a vhost with its own log does not write the main one', '<VirtualHost *:80>\nCustomLog /var/log/v.log common\n</VirtualHost>\nLogFormat "%h %t \\"%r\\" %{cache-status}e" c\nCustomLog /var/log/main.log c\n', 'ok', '/var/log/main.log'],
    ['a piped log', 'LogFormat "%h %t \\"%r\\" %{cache-status}e" c\nCustomLog "|/usr/bin/rotatelogs /var/log/a.%Y 86400" c\n', 'ok', 'the files written by |/usr/bin/rotatelogs'],
    ['a format cachectl cannot read', 'CustomLog /var/log/x.log "%{cache-status}e %h"\n', 'ok', 'lacks %t or %r'],
  ])('%s', async (_n, conf, status, text) => {
    const c = check(await run(await machine(`${SEED}${conf}`)), 'log-format');
    expect(c.status).toBe(status);
    expect(c.message).toContain(text);
  });
});
