import { describe, expect, test } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** `schedule --check` resolves everything (flags > config file > environment) and exits. */
const check = (args: string[], env: NodeJS.ProcessEnv = {}) => runCachectl(['schedule', '--check', ...args], { env });

describe('cachectl schedule: settings and usage errors', () => {
  test('every option can come from the environment, DIR from CACHECTL_PATH', async () => {
    const root = await tempDir();
    const r = await check([], {
      CACHECTL_PATH: root, CACHECTL_LIMIT: '50G', CACHECTL_CRON: '0 3 * * *', CACHECTL_TZ: 'Europe/Berlin',
      CACHECTL_WATCH_FREE: '10%', CACHECTL_WATCH_INTERVAL: '1m', CACHECTL_IF_CHANGED: '1', CACHECTL_RUN_NOW: 'no',
      CACHECTL_EXPIRED_FIRST: '', CACHECTL_KEEP_NEWER_THAN: '2d', CACHECTL_LOG_FORMAT: 'json',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      dir: root, cron: '0 3 * * *', tz: 'Europe/Berlin', watchFree: { percent: 10 }, watchIntervalMs: 60_000,
      ifChanged: true, runNow: false, logFormat: 'json',
      prune: { root, limit: 50 * 2 ** 30, keepNewerThan: 2 * 86400e3 },
    });
    expect(j.prune.expiredFirst).toBeUndefined(); // an empty boolean variable is off
    expect(j.nextCron).toMatch(/T0[12]:00:00\.000Z$/); // 03:00 in Berlin
  });

  test('flags beat the config file, which beats the environment', async () => {
    const root = await tempDir();
    // Outside the cache: --check judges the cache directory, and a stray file would make it no cache.
    const config = join(await tempDir(), 'cachectl.env');
    await writeFile(config, 'CACHECTL_LIMIT=20G\nCACHECTL_EVERY=2h\n');
    const r = await check([root, '--config', config, '--every', '30m'], { CACHECTL_LIMIT: '10G', CACHECTL_EVERY: '1h' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ everyMs: 1800e3, prune: { limit: 20 * 2 ** 30 }, config });
  });

  test.each([
    [['--limit', '50G', '--cron', '61 3 * * *'], /invalid cron expression '61 3 \* \* \*'/],
    [['--limit', '50G', '--cron', '0 3 * * *', '--tz', 'Nowhere/Town'], /unknown time zone/],
    [['--limit', '50G'], /needs --cron EXPR, --every AGE or --watch-free/],
    [['--cron', '0 3 * * *'], /need a target: --limit SIZE/],
    [['--limit', '50G', '--every', '2x'], /option '--every <age>' argument '2x' is invalid/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const root = await tempDir();
    const r = await check([root, ...(args as string[])]);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  test('a bad cron expression from the environment is a usage error too', async () => {
    const root = await tempDir();
    const r = await runCachectl(['schedule', root, '--limit', '1G'], { env: { CACHECTL_CRON: '* * *' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cachectl: invalid cron expression '\* \* \*'/m);
  });

  test('no directory, or a missing one, is a usage error', async () => {
    const none = await check(['--limit', '1G', '--every', '1h'], { CACHECTL_PATH: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs a cache directory/);
    const missing = await check(['/nonexistent/cache', '--limit', '1G', '--every', '1h']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});
