import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFile, mkdir, readFile, symlink, writeFile, chmod, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { apache2, haveAll, isCached, startLab, titled, type Lab } from '../helpers/apacheLab.js';
import { tempDir } from '../helpers/tmp.js';
import { check, doctorJson, IS_ROOT } from './helpers.js';

const BIG = { name: 'big-2.0.tar.xz', size: 2_000_000 };
const SMALL = { name: 'small-1.0.tar.xz', size: 20_000 };

/**
 * The machine around a lab, for --root-fs: the real accounts, the lab's directory where
 * it really is (a symlink to it), and cachectl.timer as the one cleaner of the lab's
 * cache, run as the cache's owner. httpd's configuration is the lab's own file.
 */
async function machineAround(lab: Lab): Promise<string> {
  const base = await tempDir('cachectl-doctor-lab-');
  const root = join(base, 'root');
  await mkdir(join(root, 'etc/default'), { recursive: true });
  for (const f of ['passwd', 'group']) await copyFile(`/etc/${f}`, join(root, 'etc', f));
  await mkdir(join(root, dirname(lab.dir)), { recursive: true });
  await symlink(lab.dir, join(root, lab.dir));
  const units = join(root, 'etc/systemd/system');
  await mkdir(join(units, 'timers.target.wants'), { recursive: true });
  await mkdir(join(units, 'cachectl.service.d'));
  for (const f of ['cachectl.service', 'cachectl.timer']) await copyFile(new URL(`../../systemd/${f}`, import.meta.url), join(units, f));
  await symlink('/etc/systemd/system/cachectl.timer', join(units, 'timers.target.wants/cachectl.timer'));
  const owner = IS_ROOT ? 'www-data' : userInfo().username;
  await writeFile(join(units, 'cachectl.service.d/lab.conf'), `[Service]\nUser=${owner}\nGroup=${owner}\n`);
  await writeFile(join(root, 'etc/default/cachectl'), `CACHECTL_PATH="${lab.cacheRoot}"\nCACHECTL_LIMIT="1G"\n`);
  await mkdir(join(root, 'usr/local/bin'), { recursive: true });
  await writeFile(join(root, 'usr/local/bin/cachectl'), '#!/usr/bin/env node\n');
  await chmod(join(root, 'usr/local/bin/cachectl'), 0o755);
  return root;
}

async function doctorOn(lab: Lab) {
  const root = await machineAround(lab);
  return doctorJson(['--root-fs', root, '--httpd-config', lab.confPath, '--limit', '1M']);
}

describe.skipIf(!haveAll(apache2))(titled('doctor on a real httpd caching proxy (lab)', apache2), { timeout: 120_000 }, () => {
  describe('the lab as it runs', () => {
    let lab: Lab;
    beforeAll(async () => { lab = await startLab({ files: [SMALL, BIG] }); }, 60_000);
    afterAll(async () => { await lab?.stop(); }, 60_000);

    test('passes: no check fails; the cache it writes is the one checked, filed as configured', async () => {
      for (const f of [SMALL, BIG]) expect((await lab.fetch(f.name)).status).toBe(200);
      await lab.waitForCommit();
      const j = await doctorOn(lab);
      expect(j.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(j.code).toBe(0);
      expect(j.httpd.caches).toEqual([{ root: lab.cacheRoot, servers: ['the main server'] }]);
      expect(check(j, 'cache-root').status).toBe('ok');
      expect(check(j, 'dir-layout')).toMatchObject({ status: 'ok', message: expect.stringContaining('sit 2×2') });
      expect(check(j, 'max-file-size').message).toContain('CacheMaxFileSize is 1,000,000,000 B');
      expect(check(j, 'owner').status).toBe('ok');
      expect(check(j, 'scheduler')).toMatchObject({ status: 'ok', message: expect.stringContaining('cachectl.timer') });
      // The lab logs in "combined": recency works, hits and misses cannot be told apart.
      expect(check(j, 'log-format')).toMatchObject({ status: 'warn', message: expect.stringContaining(`--access-log ${lab.accessLog}`) });
      expect(isCached(lab, { file: lab.file(BIG.name)!, ae: '' })).toBe(true);
    });
  });

  describe('the lab without CacheMaxFileSize', () => {
    let lab: Lab;
    beforeAll(async () => { lab = await startLab({ files: [SMALL, BIG], cacheMaxFileSize: null }); }, 60_000);
    afterAll(async () => { await lab?.stop(); }, 60_000);

    test('doctor warns, and indeed a 2 MB distfile fetched through the proxy is never cached', async () => {
      expect(await readFile(lab.confPath, 'utf8')).not.toMatch(/^CacheMaxFileSize/m);
      const j = await doctorOn(lab);
      const c = check(j, 'max-file-size');
      expect(c).toMatchObject({ status: 'warn', message: expect.stringContaining("CacheMaxFileSize is not set, so it is httpd's default of 1,000,000 B") });
      expect(c.fix).toContain('CacheMaxFileSize 10000000000');

      // What the warning means, on the real httpd: the big one passes through twice, the small one is kept.
      const results = [];
      for (let i = 0; i < 2; i++) for (const f of [BIG, SMALL]) results.push(await lab.fetch(f.name));
      await lab.waitForCommit();
      expect(results.map((r) => `${r.file?.name} ${r.status} ${r.cache} ${r.bodyOk}`)).toEqual([
        `${BIG.name} 200 MISS true`, `${SMALL.name} 200 MISS true`, `${BIG.name} 200 MISS true`, `${SMALL.name} 200 HIT true`,
      ]);
      expect(isCached(lab, { file: lab.file(BIG.name)!, ae: '' })).toBe(false);
      expect(isCached(lab, { file: lab.file(SMALL.name)!, ae: '' })).toBe(true);
      expect(lab.upstreamLog.filter((h) => h.url.endsWith(BIG.name) && h.status === 200)).toHaveLength(2);
      expect((await stat(lab.entryFiles(SMALL.name).data!)).size).toBe(SMALL.size);
    });
  });
});
