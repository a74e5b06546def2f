import { describe, expect, test } from 'vitest';
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { LOCK_NAME } from '../../src/core/lock.js';
import { tempDir } from '../helpers/tmp.js';
import { url, DAY } from '../scan/fixtureTree.js';
import { events, startScheduler } from './spawn.js';

const exists = (p: string) => access(p).then(() => true, () => false);

/** A small mod_cache_disk tree, 30 entries of 4-20 KiB, one day apart in age. */
async function cache(n = 30): Promise<string> {
  const root = await tempDir();
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    await writeEntry(root, { key: url(`p${i}.tar.xz`), body: 4096 * (1 + (i % 5)), fetchedAt: now - (i + 1) * DAY }, { levels: 2, length: 1 });
  }
  return root;
}

describe('cachectl schedule (spawned bin)', () => {
  test('a per-second cron prunes, runs repeat, SIGTERM exits 0 and releases the lock', async () => {
    const root = await cache();
    const prom = join(await tempDir(), 'cachectl.prom');
    const s = startScheduler([root, '--limit', '150K', '--usage', 'apparent', '--prom-file', prom], { CACHECTL_CRON: '* * * * * *', CACHECTL_STATE_DIR: await tempDir() });
    const lines = await s.waitFor((l) => events(l, 'run').length >= 2);
    const runs = events(lines, 'run');
    expect(events(lines, 'start')[0]).toMatchObject({ dir: root, cron: '* * * * * *' });
    expect(runs[0]).toMatchObject({ reason: 'cron', interrupted: false, errors: 0 });
    expect(runs[0].removedEntries).toBeGreaterThan(0); // the first run brings it under the limit
    expect(runs[0].cacheBytes).toBeLessThanOrEqual(150 * 1024);
    expect(runs[1]).toMatchObject({ removedEntries: 0 }); // the next finds nothing to do
    for (const r of runs) expect(Date.parse(r.next as string)).toBeGreaterThan(Date.parse(r.end as string));
    expect(await readFile(prom, 'utf8')).toMatch(/^cachectl_cache_bytes\{root=".*"\} \d+$/m);

    s.child.kill('SIGTERM');
    const t0 = Date.now();
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(events(s.lines, 'stopped')).toHaveLength(1);
    expect(await exists(join(root, LOCK_NAME))).toBe(false);
    expect((await readdir(join(prom, '..'))).filter((f) => f !== 'cachectl.prom')).toEqual([]); // no temp files left
  });

  test('SIGHUP re-reads the config file; a bad value there keeps the old options', async () => {
    const root = await cache(5);
    const config = join(await tempDir(), 'cachectl');
    await writeFile(config, 'CACHECTL_LIMIT=1G\nCACHECTL_EVERY=1h\n');
    const s = startScheduler(['--config', config], { CACHECTL_PATH: root, CACHECTL_STATE_DIR: await tempDir() });
    const [start] = events(await s.waitFor((l) => events(l, 'start').length > 0), 'start');
    expect(start).toMatchObject({ dir: root, everyMs: 3600e3, cron: null });

    await writeFile(config, 'CACHECTL_LIMIT=1G\nCACHECTL_CRON="* * * * * *"\nCACHECTL_IF_CHANGED=no\n');
    s.child.kill('SIGHUP');
    const [reload] = events(await s.waitFor((l) => events(l, 'reload').length > 0), 'reload');
    expect(reload).toMatchObject({ cron: '* * * * * *', everyMs: null, ifChanged: false }); // a key gone from the file is gone
    expect(reload.msg).toContain(`re-read the options from the environment and ${config}`);
    await s.waitFor((l) => events(l, 'run').length >= 1);

    await writeFile(config, 'CACHECTL_LIMIT=1G\nCACHECTL_CRON="61 * * * *"\n');
    s.child.kill('SIGHUP');
    const [failed] = events(await s.waitFor((l) => events(l, 'reload-failed').length > 0), 'reload-failed');
    expect(failed.msg).toMatch(/SIGHUP: keeping the current options: invalid cron expression '61 \* \* \* \*'/);
    const before = events(s.lines, 'run').length;
    await s.waitFor((l) => events(l, 'run').length > before); // still running on the old schedule

    // The root guard ran for the first directory only: switching caches needs a restart.
    await writeFile(config, `CACHECTL_LIMIT=1G\nCACHECTL_CRON="* * * * * *"\nCACHECTL_PATH=${await tempDir()}\n`);
    s.child.kill('SIGHUP');
    const failures = await s.waitFor((l) => events(l, 'reload-failed').length > 1);
    expect(events(failures, 'reload-failed')[1].msg).toMatch(/the cache directory changed to .*: restart to switch caches/);

    s.child.kill('SIGINT');
    expect(await s.exited).toEqual({ code: 0, signal: null });
  });
});
