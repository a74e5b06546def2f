import { describe, expect, test } from 'vitest';
import { rm, writeFile, symlink, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import type { Layout } from '../../src/core/format/key.js';
import { check, doctorJson, fixtureRoot, mkdirIn, ownAs, statuses } from './helpers.js';

const url = (name: string, host = 'mirror.example.com') => `http://${host}:80/gentoo-distfiles/distfiles/${name}?`;

/** A cache with a few entries, as httpd (running as `user`) would have written it. */
async function cacheIn(root: string, path: string, layout: Layout, user: string, n = 4): Promise<string> {
  const dir = await mkdirIn(root, path);
  for (let i = 0; i < n; i++) await writeEntry(dir, { key: url(`pkg${i}-1.0.tar.xz`), body: 1000 + i, fetchedAt: Date.now() - i * 3600e3 }, layout);
  await ownAs(root, dir, user);
  return dir;
}

// --limit 1M: free space is the machine's, not the fixture's; free-space.test.ts covers it.
const LIMIT = ['--limit', '1M'];

describe('doctor on a Gentoo machine set up as the seed is (test/doctor/fixtures/gentoo)', () => {
  test('the seed: found through APACHE2_OPTS and the vhost; the day cap, no CacheLock, a common log and a leftover htcacheclean are the findings', async () => {
    const root = await fixtureRoot('gentoo');
    await cacheIn(root, 'var/cache/apache2/dist-files', { levels: 2, length: 2 }, 'apache');
    const j = await doctorJson(['--root-fs', root, ...LIMIT]);
    expect(j.httpd.mainFile).toBe('/etc/apache2/httpd.conf');
    expect(j.httpd.defines).toEqual(['DEFAULT_VHOST', 'INFO', 'SSL', 'SSL_DEFAULT_VHOST', 'LANGUAGE', 'CACHE', 'PROXY']);
    expect(j.httpd.files).toContain('/etc/apache2/vhosts.d/00_default_vhost.conf');
    expect(statuses(j)).toMatchObject({
      'httpd-config': 'ok', 'cache-root': 'ok', 'dir-layout': 'ok', 'max-file-size': 'ok', freshness: 'warn', 'last-modified': 'ok',
      'cache-lock': 'warn', 'log-format': 'warn', scheduler: 'warn', 'state-dir': 'ok', 'free-space': 'ok',
    });
    expect(check(j, 'owner')).toMatchObject({ status: 'ok', message: '/var/cache/apache2/dist-files belongs to apache, httpd\'s User' });
    expect(check(j, 'cache-root').message).toContain('/var/cache/apache2/dist-files (<VirtualHost *:80> (mirror.example.com)');
    expect(check(j, 'freshness').message).toMatch(/CacheMaxExpire 86,400 s = one day \(httpd's default\) is below CacheMinExpire 63,072,000 s.*stale a day after/);
    expect(check(j, 'freshness').fix).toBe('CacheMaxExpire 63072000 next to CacheMinExpire');
    expect(check(j, 'log-format').message).toContain('/var/log/apache2/access_log');
    expect(check(j, 'log-format').message).toContain('--access-log /var/log/apache2/access_log');
    const s = check(j, 'scheduler');
    expect(s.message).toContain("only Apache's htcacheclean cleans /var/cache/apache2/dist-files (/etc/cron.daily/htcacheclean");
    expect(s.fix).toContain('remove the htcacheclean line from /etc/cron.daily/htcacheclean');
    expect(j.code).toBe(0);
  });

  test('<IfDefine CACHE> off (APACHE2_OPTS without -D CACHE): httpd caches nothing, and the fix names APACHE2_OPTS', async () => {
    const root = await fixtureRoot('gentoo');
    await cacheIn(root, 'var/cache/apache2/dist-files', { levels: 2, length: 2 }, 'apache');
    await writeFile(join(root, 'etc/conf.d/apache2'), 'APACHE2_OPTS="-D DEFAULT_VHOST -D PROXY"\n');
    const j = await doctorJson(['--root-fs', root, ...LIMIT]);
    const c = check(j, 'cache-root');
    expect(c.status).toBe('fail');
    expect(c.message).toContain('<IfDefine CACHE> at /etc/apache2/vhosts.d/00_default_vhost.conf:11 is off');
    expect(c.fix).toBe('add -D CACHE to APACHE2_OPTS in /etc/conf.d/apache2 and restart apache2');
    expect(j.code).toBe(1);
    // The same tree, with the names given on the command line: both sections are on again.
    const on = await doctorJson(['--root-fs', root, ...LIMIT, '--define', 'DEFAULT_VHOST', '-D', 'CACHE,PROXY']);
    expect(check(on, 'cache-root').status).toBe('ok');
    expect(on.httpd.defines).toEqual(['DEFAULT_VHOST', 'CACHE', 'PROXY']);
  });

  test('cachectl added as an OpenRC service while the htcacheclean cron job stays: two cleaners fail; without the cron job, one is ok', async () => {
    const root = await fixtureRoot('gentoo');
    await cacheIn(root, 'var/cache/apache2/dist-files', { levels: 2, length: 2 }, 'apache');
    await mkdirIn(root, 'etc/runlevels/default');
    await mkdirIn(root, 'etc/init.d');
    await writeFile(join(root, 'etc/init.d/cachectl'), await readFile(new URL('../../openrc/cachectl.initd', import.meta.url)), { mode: 0o755 });
    await writeFile(join(root, 'etc/conf.d/cachectl'), 'CACHECTL_PATH="/var/cache/apache2/dist-files"\nCACHECTL_LIMIT="40G"\n');
    await symlink('/etc/init.d/cachectl', join(root, 'etc/runlevels/default/cachectl'));
    await mkdirIn(root, 'usr/local/lib/node_modules/cachectl/bin');
    await writeFile(join(root, 'usr/local/lib/node_modules/cachectl/bin/cachectl.js'), '#!/usr/bin/env node\n');
    const both = await doctorJson(['--root-fs', root, ...LIMIT]);
    const s = check(both, 'scheduler');
    expect(s.status).toBe('fail');
    expect(s.message).toMatch(/two cleaners work on \/var\/cache\/apache2\/dist-files: OpenRC service cachectl \(runlevel default\) runs cachectl .* to 40\.0 GiB, and \/etc\/cron\.daily\/htcacheclean runs Apache's htcacheclean/);
    expect(s.fix).toBe('remove the htcacheclean line from /etc/cron.daily/htcacheclean');
    expect(check(both, 'owner').message).toContain('OpenRC service cachectl (runlevel default) runs as apache, the cache\'s owner');

    await rm(join(root, 'etc/cron.daily/htcacheclean'));
    const one = await doctorJson(['--root-fs', root, ...LIMIT]);
    expect(check(one, 'scheduler')).toMatchObject({ status: 'ok', fix: null });
    expect(check(one, 'state-dir').message).toContain('/var/lib/cachectl, which it creates for its user');
  });

  test("cron's PATH finds Apache's htcacheclean before cachectl's drop-in; naming the drop-in's path makes the line cachectl's", async () => {
    const root = await fixtureRoot('gentoo');
    await cacheIn(root, 'var/cache/apache2/dist-files', { levels: 2, length: 2 }, 'apache');
    await mkdirIn(root, 'usr/local/bin');
    await symlink('../lib/node_modules/cachectl/bin/htcacheclean.js', join(root, 'usr/local/bin/htcacheclean'));
    // /etc/crontab's PATH has no /usr/local/bin: the bare name is /usr/sbin/htcacheclean.
    expect(check(await doctorJson(['--root-fs', root, ...LIMIT]), 'scheduler').message).toContain("only Apache's htcacheclean");
    await writeFile(join(root, 'etc/cron.daily/htcacheclean'), '#!/bin/sh\n/usr/local/bin/htcacheclean -ntp /var/cache/apache2/dist-files/ -l 50G\n', { mode: 0o755 });
    const j = await doctorJson(['--root-fs', root, ...LIMIT]);
    expect(check(j, 'scheduler')).toMatchObject({ status: 'ok', message: '/etc/cron.daily/htcacheclean runs cachectl on /var/cache/apache2/dist-files/ to 50.0 GiB, and nothing else cleans it' });
  });
});

describe('doctor on a Debian machine (apache2.conf, envvars, mods-enabled, sites-enabled: test/doctor/fixtures/debian)', () => {
  const DIR = 'var/cache/apache2/mod_cache_disk';

  test("as set up: everything in order except Debian's apache-htcacheclean.service, which a2enmod cache_disk enabled next to cachectl.timer", async () => {
    const root = await fixtureRoot('debian');
    await cacheIn(root, DIR, { levels: 2, length: 1 }, 'www-data');
    const j = await doctorJson(['--root-fs', root, ...LIMIT]);
    expect(j.httpd.mainFile).toBe('/etc/apache2/apache2.conf');
    expect(j.httpd.files).toEqual(expect.arrayContaining(['/etc/apache2/mods-enabled/cache_disk.conf', '/etc/apache2/sites-enabled/gentoo-mirror.conf', '/etc/apache2/ports.conf']));
    expect(j.httpd.caches).toEqual([{ root: '/var/cache/apache2/mod_cache_disk', servers: [expect.stringContaining('(mirror.example.org)')] }]);
    expect(statuses(j)).toMatchObject({
      'httpd-config': 'ok', 'cache-root': 'ok', 'dir-layout': 'ok', 'max-file-size': 'ok', freshness: 'ok', 'cache-lock': 'ok',
      'log-format': 'ok', scheduler: 'fail', 'state-dir': 'ok',
    });
    expect(check(j, 'owner')).toMatchObject({ status: 'ok', message: '/var/cache/apache2/mod_cache_disk belongs to www-data, httpd\'s User; cachectl.timer (systemd, runs cachectl.service) runs as www-data, the cache\'s owner' });
    expect(check(j, 'httpd-config').message).toContain('environment from /etc/apache2/envvars');
    expect(check(j, 'dir-layout').message).toContain('sit 2×1');
    expect(check(j, 'log-format').message).toContain(`give cachectl --access-log /var/log/apache2/mirror-access.log --access-log-format '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{cache-status}e"'`);
    const s = check(j, 'scheduler');
    expect(s.message).toContain("apache-htcacheclean.service (systemd) runs Apache's htcacheclean on /var/cache/apache2/mod_cache_disk to 300.0 MiB");
    expect(s.fix).toBe('systemctl disable --now apache-htcacheclean.service');
    expect(j.code).toBe(1);
  });

  test('with the htcacheclean service disabled, nothing fails', async () => {
    const root = await fixtureRoot('debian');
    await cacheIn(root, DIR, { levels: 2, length: 1 }, 'www-data');
    await rm(join(root, 'etc/systemd/system/multi-user.target.wants/apache-htcacheclean.service'));
    const j = await doctorJson(['--root-fs', root, ...LIMIT]);
    expect(check(j, 'scheduler').message).toBe('cachectl.timer (systemd, runs cachectl.service) runs cachectl on /var/cache/apache2/mod_cache_disk to 20.0 GiB, and nothing else cleans it');
    expect(j.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(j.code).toBe(0);
  });

  test("HTCACHECLEAN_MODE=cron makes Debian's /etc/cron.daily/apache2 a cleaner", async () => {
    const root = await fixtureRoot('debian');
    await rm(join(root, 'etc/systemd/system/multi-user.target.wants/apache-htcacheclean.service'));
    const def = join(root, 'etc/default/apache-htcacheclean');
    await writeFile(def, (await readFile(def, 'utf8')).replace('HTCACHECLEAN_MODE=daemon', 'HTCACHECLEAN_MODE=cron'));
    const s = check(await doctorJson(['--root-fs', root, ...LIMIT]), 'scheduler');
    expect(s.status).toBe('fail');
    expect(s.message).toContain('/etc/cron.daily/apache2 (HTCACHECLEAN_MODE=cron) runs Apache\'s htcacheclean');
    expect(s.fix).toContain('HTCACHECLEAN_MODE=daemon');
  });

  test('cachectl.service without the User=www-data drop-in runs as apache and cannot delete what httpd wrote', async () => {
    const root = await fixtureRoot('debian');
    await cacheIn(root, DIR, { levels: 2, length: 1 }, 'www-data');
    await rm(join(root, 'etc/systemd/system/cachectl.service.d'), { recursive: true });
    const c = check(await doctorJson(['--root-fs', root, ...LIMIT]), 'owner');
    expect(c.status).toBe('fail');
    expect(c.message).toContain('cachectl.timer (systemd, runs cachectl.service) runs as apache, but the cache belongs to www-data: it cannot delete what httpd wrote');
    expect(c.fix).toBe('run it as www-data: systemctl edit cachectl.service (User=www-data, Group=www-data)');
  });

  test('entries filed 2×2 while httpd is set to 2×1: none of them is ever found again', async () => {
    const root = await fixtureRoot('debian');
    await cacheIn(root, DIR, { levels: 2, length: 2 }, 'www-data');
    const c = check(await doctorJson(['--root-fs', root, ...LIMIT]), 'dir-layout');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/sit 2×2 but httpd is set to 2×1 \(set at \/etc\/apache2\/mods-enabled\/cache_disk\.conf:\d+/);
    expect(c.fix).toContain('CacheDirLevels 2 and CacheDirLength 2');
  });
});

describe('doctor on nested includes with globs, a Define\'d CacheRoot and two vhosts with two caches (test/doctor/fixtures/nested)', () => {
  const CONF = ['--httpd-config', '/srv/httpd/main.conf'];

  test('without dir: both caches, each with its own settings', async () => {
    const root = await fixtureRoot('nested');
    await cacheIn(root, 'srv/cache/a', { levels: 2, length: 1 }, 'nobody');
    await cacheIn(root, 'srv/cache/b', { levels: 2, length: 2 }, 'nobody');
    const j = await doctorJson(['--root-fs', root, ...CONF, ...LIMIT]);
    expect(j.httpd.files).toEqual([
      '/srv/httpd/main.conf', '/srv/httpd/conf.d/00-logs.conf', '/srv/httpd/conf.d/50-sites.conf',
      '/srv/httpd/sites/a/vhost.conf', '/srv/httpd/sites/a/extra/dirs.conf', '/srv/httpd/sites/b/vhost.conf',
    ]);
    expect(j.httpd.caches.map((c) => c.root)).toEqual(['/srv/cache/a', '/srv/cache/b']);
    const rootCheck = check(j, 'cache-root');
    expect(rootCheck.status).toBe('ok');
    expect(rootCheck.message).toMatch(/^httpd has 2 caches, each checked below: \/srv\/cache\/a \(<VirtualHost \*:8001> \(a\.example\).*and \/srv\/cache\/b \(<VirtualHost \*:8002> \(b\.example\)/);
    expect(check(j, 'dir-layout', '/srv/cache/a').message).toContain('sit 2×1');
    expect(check(j, 'dir-layout', '/srv/cache/b').message).toContain('sit 2×2');
    expect(check(j, 'max-file-size', '/srv/cache/a').status).toBe('warn');
    // CacheMaxFileSize in b is written across two lines with a backslash.
    expect(check(j, 'max-file-size', '/srv/cache/b')).toMatchObject({ status: 'ok', message: expect.stringContaining('10,000,000,000 B (/srv/httpd/sites/b/vhost.conf:5)') });
    expect(check(j, 'log-format', '/srv/cache/a').status).toBe('warn');
    expect(check(j, 'log-format', '/srv/cache/b').message).toContain('/srv/logs/b-access.log');
    expect(check(j, 'scheduler', '/srv/cache/a').status).toBe('fail');
    // The commented-out Include continued onto the next line is a comment too.
    expect(check(j, 'httpd-config').status).toBe('ok');
  });

  test('with dir: only that cache; a dir httpd does not write names both', async () => {
    const root = await fixtureRoot('nested');
    await cacheIn(root, 'srv/cache/a', { levels: 2, length: 1 }, 'nobody');
    await cacheIn(root, 'srv/cache/b', { levels: 2, length: 2 }, 'nobody');
    const b = await doctorJson(['--root-fs', root, ...CONF, ...LIMIT, '/srv/cache/b/']);
    expect(new Set(b.checks.filter((c) => c.cache).map((c) => c.cache))).toEqual(new Set(['/srv/cache/b']));
    expect(check(b, 'cache-root').message).toMatch(/^httpd caches into \/srv\/cache\/b /);
    const wrong = await doctorJson(['--root-fs', root, ...CONF, ...LIMIT, '/srv/cache/c']);
    const c = check(wrong, 'cache-root');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/^\/srv\/cache\/c is not a CacheRoot httpd writes; its caches are \/srv\/cache\/a .*, and \/srv\/cache\/b /);
  });
});
