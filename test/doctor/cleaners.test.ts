import { describe, expect, test } from 'vitest';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { cleanerOf } from '../../src/core/doctor/system/command.js';
import { findCleaners } from '../../src/core/doctor/system/cleaners.js';
import { SysRoot } from '../../src/core/doctor/system/sysRoot.js';

const G = 2 ** 30;

describe('which command lines clean a cache', () => {
  test.each([
    ['htcacheclean -ntp /var/cache/apache2/dist-files/ -l 50G', { program: 'htcacheclean', path: '/var/cache/apache2/dist-files/', limit: 50 * G, daemon: false }],
    ['/usr/bin/htcacheclean -n -t -p/var/cache/x -l300M -d120', { program: 'htcacheclean', path: '/var/cache/x', limit: 300 * 2 ** 20, daemon: true }],
    ['CACHECTL_LIMIT=50G /usr/local/bin/cachectl prune /var/cache/x', { program: 'cachectl', path: '/var/cache/x', limit: 50 * G, user: null }],
    ['nice -n 19 ionice -c 3 runuser -u www-data -- /usr/local/bin/cachectl prune --state-dir /var/lib/cachectl --limit=20G /var/cache/y',
      { program: 'cachectl', path: '/var/cache/y', limit: 20 * G, stateDir: '/var/lib/cachectl', user: 'www-data' }],
    ['su -s /bin/sh www-data -c "cachectl prune -l 5G /c"', { program: 'cachectl', path: '/c', limit: 5 * G, user: 'www-data' }],
    ['timeout 2h flock -n /run/c.lock cachectl htcacheclean -p /d -l 1G', { program: 'cachectl', invoked: 'cachectl', path: '/d', limit: G }],
    ['/usr/bin/node /usr/local/lib/node_modules/cachectl/bin/cachectl.js schedule', { program: 'cachectl', path: '/from/env', daemon: true, minFree: '10%' }],
    ['test -x /usr/local/bin/cachectl && cachectl prune --min-free 5% /e', { program: 'cachectl', path: '/e', minFree: '5%', limit: 7 * G }],
  ])('%s', (line, want) => {
    expect(cleanerOf(line, { CACHECTL_PATH: '/from/env', CACHECTL_MIN_FREE: '10%', CACHECTL_LIMIT: '7G' })).toMatchObject(want);
  });

  test.each([
    'type htcacheclean > /dev/null 2>&1 || exit 0',
    'test -x /usr/bin/htcacheclean',
    'echo htcacheclean is gone',
    'cachectl report /var/cache/x',
    'cachectl doctor',
    '# htcacheclean -p /x -l 1G',
    'run-parts --report /etc/cron.daily',
  ])('not a cleaner: %s', (line) => {
    expect(cleanerOf(line)).toBeNull();
  });
});

async function machine(files: Record<string, string | { link: string } | { mode: number; text: string }>): Promise<SysRoot> {
  const root = await tempDir('cachectl-cleaners-');
  for (const [p, v] of Object.entries(files)) {
    const real = join(root, p);
    await mkdir(dirname(real), { recursive: true });
    if (typeof v === 'string') await writeFile(real, v);
    else if ('link' in v) await symlink(v.link, real);
    else { await writeFile(real, v.text); await chmod(real, v.mode); }
  }
  return new SysRoot(root);
}

describe('finding scheduled cleaners on a machine', () => {
  test('crontabs: /etc/crontab and /etc/cron.d (user field, PATH and CACHECTL_* lines), users\' crontabs (the file names the user)', async () => {
    const sys = await machine({
      '/etc/crontab': 'PATH=/usr/local/bin:/usr/bin:/bin\n30 4 * * * root htcacheclean -ntp /a -l 1G\n',
      '/etc/cron.d/cachectl': 'CACHECTL_STATE_DIR=/var/lib/cachectl\n30 4 * * *  www-data  CACHECTL_LIMIT=50G /usr/local/bin/cachectl prune /b\n',
      '/etc/cron.d/old.dpkg-dist': '1 1 * * * root htcacheclean -p /never -l 1G\n',
      '/var/spool/cron/crontabs/apache': '@daily /usr/sbin/htcacheclean -p /c -l 2G % ignored stdin\n',
      '/usr/bin/htcacheclean': '\x7fELF\0\0',
      '/usr/sbin/htcacheclean': '\x7fELF\0\0',
      '/usr/local/bin/cachectl': '#!/usr/bin/env node\n',
    });
    const { cleaners, notes } = await findCleaners(sys);
    expect(cleaners.map((c) => [c.via, c.tool, c.path, c.limit, c.user, c.stateDir])).toEqual([
      ['/etc/crontab line 2', 'htcacheclean', '/a', G, null, null],
      ['/etc/cron.d/cachectl line 2', 'cachectl', '/b', 50 * G, 'www-data', '/var/lib/cachectl'],
      ['/var/spool/cron/crontabs/apache line 1', 'htcacheclean', '/c', 2 * G, 'apache', null],
    ]);
    expect(notes).toEqual(['/etc/cron.d/old.dpkg-dist is never run (cron skips names with a dot)']);
  });

  test('/etc/cron.daily: run only when executable and named without a dot; cachectl\'s own script reads /etc/default/cachectl', async () => {
    const contrib = await import('node:fs/promises').then((f) => f.readFile(new URL('../../contrib/cron.daily/cachectl', import.meta.url), 'utf8'));
    const sys = await machine({
      '/etc/cron.daily/cachectl': { mode: 0o755, text: contrib },
      '/etc/default/cachectl': 'CACHECTL_PATH=/var/cache/apache2/mod_cache_disk\nCACHECTL_LIMIT=30G\n',
      '/etc/cron.daily/htcacheclean.sh': { mode: 0o755, text: '#!/bin/sh\nhtcacheclean -p /x -l 1G\n' },
      '/etc/cron.weekly/htcacheclean': { mode: 0o644, text: '#!/bin/sh\nhtcacheclean -p /y -l 1G\n' },
    });
    const { cleaners, notes } = await findCleaners(sys);
    expect(cleaners).toEqual([expect.objectContaining({
      tool: 'cachectl', via: '/etc/cron.daily/cachectl', path: '/var/cache/apache2/mod_cache_disk', limit: 30 * G, runsAsCacheOwner: true,
      stateDir: '/var/lib/cachectl', stateDirManaged: true, broken: '/usr/local/bin/cachectl is not installed, so the script quietly does nothing',
    })]);
    expect(notes).toEqual([
      '/etc/cron.daily/htcacheclean.sh is never run (run-parts skips names with a dot)',
      '/etc/cron.weekly/htcacheclean is never run (it is not executable, so run-parts skips it)',
    ]);
  });

  test('systemd: wanted timers and resident services, drop-ins, EnvironmentFile over Environment, masked units, instances', async () => {
    const sys = await machine({
      '/etc/systemd/system/timers.target.wants/cachectl.timer': { link: '/etc/systemd/system/cachectl.timer' },
      '/etc/systemd/system/cachectl.timer': '[Timer]\nOnCalendar=daily\n',
      '/lib/systemd/system/cachectl.service': '[Service]\nUser=apache\nStateDirectory=cachectl\nEnvironment=CACHECTL_PATH=/x CACHECTL_LIMIT=50G "CACHECTL_CRON=0 3 * * *" CACHECTL_STATE_DIR=/var/lib/cachectl\nEnvironmentFile=-/etc/default/cachectl\nExecStart=/usr/local/bin/cachectl prune $CACHECTL_OPTS ${CACHECTL_PATH}\n',
      '/etc/systemd/system/cachectl.service.d/10-user.conf': '[Service]\nUser=www-data\n',
      '/etc/default/cachectl': 'CACHECTL_LIMIT="40G"\n',
      '/etc/systemd/system/multi-user.target.wants/apache-htcacheclean@two.service': { link: '/lib/systemd/system/apache-htcacheclean@.service' },
      '/lib/systemd/system/apache-htcacheclean@.service': '[Service]\nEnvironment=HTCACHECLEAN_PATH=/var/cache/apache2%i/mod_cache_disk\nExecStart=/usr/bin/htcacheclean -d 120 -p $HTCACHECLEAN_PATH -l 300M\n',
      '/etc/systemd/system/multi-user.target.wants/apache-htcacheclean.service': { link: '/lib/systemd/system/apache-htcacheclean.service' },
      '/lib/systemd/system/apache-htcacheclean.service': '[Service]\nExecStart=/usr/bin/htcacheclean -d 120 -p /masked -l 300M\n',
      '/etc/systemd/system/apache-htcacheclean.service': { link: '/dev/null' },
      '/etc/systemd/system/multi-user.target.wants/oneshot.service': { link: '/etc/systemd/system/oneshot.service' },
      '/etc/systemd/system/oneshot.service': '[Service]\nType=oneshot\nExecStart=/usr/local/bin/cachectl prune -l 1G /boot-only\n',
      '/usr/bin/htcacheclean': '\x7fELF\0',
      '/usr/local/bin/cachectl': '#!/usr/bin/env node\n',
    });
    const { cleaners } = await findCleaners(sys);
    expect(cleaners.map((c) => [c.via, c.tool, c.path, c.limit, c.user, c.stateDirManaged])).toEqual([
      ['apache-htcacheclean@two.service (systemd)', 'htcacheclean', '/var/cache/apache2two/mod_cache_disk', 300 * 2 ** 20, null, false],
      ['cachectl.timer (systemd, runs cachectl.service)', 'cachectl', '/x', 40 * G, 'www-data', true],
    ]);
  });

  test('OpenRC runlevels and Debian\'s sysvinit links (ignored where a systemd unit of the same name exists)', async () => {
    const sys = await machine({
      '/etc/runlevels/default/cachectl': { link: '/etc/init.d/cachectl' },
      '/etc/init.d/cachectl': '#!/sbin/openrc-run\ncommand_args="${CACHECTL_SCRIPT} schedule"\n',
      '/etc/conf.d/cachectl': 'CACHECTL_PATH="/var/cache/apache2/dist-files"\nCACHECTL_USER="www-data"\n',
      '/etc/runlevels/default/htcacheclean': { link: '/etc/init.d/htcacheclean' },
      '/etc/init.d/htcacheclean': '#!/sbin/openrc-run\ncommand=/usr/sbin/htcacheclean\n',
      '/etc/conf.d/htcacheclean': 'HTCACHECLEAN_PATH=/var/cache/apache2/dist-files\nHTCACHECLEAN_SIZE=10G\n',
      '/etc/rc2.d/S01apache-htcacheclean': { link: '../init.d/apache-htcacheclean' },
      '/etc/init.d/apache-htcacheclean': '#!/bin/sh\nHTCACHECLEAN_SIZE="${HTCACHECLEAN_SIZE:=300M}"\nHTCACHECLEAN_PATH="${HTCACHECLEAN_PATH:=/var/cache/apache2$DIR_SUFFIX/mod_cache_disk}"\nDAEMON=/usr/bin/htcacheclean\n',
    });
    const found = await findCleaners(sys);
    expect(found.cleaners.map((c) => [c.via, c.tool, c.path, c.limit, c.user, c.broken !== null])).toEqual([
      ['OpenRC service cachectl (runlevel default)', 'cachectl', '/var/cache/apache2/dist-files', 50 * G, 'www-data', true],
      ['OpenRC service htcacheclean (runlevel default)', 'htcacheclean', '/var/cache/apache2/dist-files', 10 * G, null, false],
      ['sysvinit service apache-htcacheclean (/etc/rc2.d/S01apache-htcacheclean)', 'htcacheclean', '/var/cache/apache2/mod_cache_disk', 300 * 2 ** 20, null, false],
    ]);
    await mkdir(join(sys.root, 'lib/systemd/system'), { recursive: true });
    await writeFile(join(sys.root, 'lib/systemd/system/apache-htcacheclean.service'), '[Service]\n');
    expect((await findCleaners(sys)).cleaners.map((c) => c.via)).not.toContainEqual(expect.stringContaining('sysvinit'));
  });
});
