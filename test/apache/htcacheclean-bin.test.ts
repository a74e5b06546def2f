import { execFile } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import {
  allRequests, apache2, checkServing, emptyDirs, haveAll, htcacheA, htcacheBytes, htcacheclean, runBin, titled, useFilledLab,
} from '../helpers/apacheLab.js';
import { HTCACHECLEAN_BIN } from '../helpers/cli.js';

/** Real htcacheclean's dry run (`-D -v`): its statistics go to stderr. */
function realDryRun(dir: string, limitK: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(htcacheclean.path!, ['-D', '-v', '-p', dir, `-l${limitK}K`], { encoding: 'utf8' }, (err, _out, stderr) => {
      if (err) reject(new Error(`htcacheclean -D failed: ${stderr || err.message}`)); else resolve(stderr);
    });
  });
}

/**
 * Issue #7 (e): the htcacheclean-compatible bin, with the cron line users already have
 * (`htcacheclean -ntp DIR -l LIMIT`), on a cache a real httpd filled.
 * Layout 2/1. 40 requests fill 40 entries (~11 MB); limit half of what htcacheclean counts;
 * 40 more requests check serving.
 */
describe.skipIf(!haveAll(apache2, htcacheclean))(titled('apache e2e: bin/htcacheclean.js on a real httpd cache', apache2, htcacheclean), { timeout: 90_000 }, () => {
  const lab = useFilledLab({ dirLevels: 2, dirLength: 1 });

  test('htcacheclean -ntp DIR -l LIMIT: under the limit as htcacheclean counts it, quiet, empty dirs gone', async () => {
    const reqs = allRequests(lab);
    const before = await htcacheA(lab.cacheRoot);
    const limitK = Math.floor(htcacheBytes(before) / 2 / 1024);
    const r = await runBin(['-ntp', lab.cacheRoot, '-l', `${limitK}K`], { bin: HTCACHECLEAN_BIN, timeoutMs: 60_000 });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    // Without -v a successful run prints nothing (cron mails any output).
    expect(r.stdout).toBe('');

    const after = await htcacheA(lab.cacheRoot);
    expect(after.length).toBeLessThan(before.length);
    expect(htcacheBytes(after)).toBeLessThanOrEqual(limitK * 1024);
    // -t: no directory is left without a file beneath it (vary dirs included).
    expect(await emptyDirs(lab.cacheRoot)).toEqual([]);
    // The real htcacheclean agrees: nothing more to delete at that limit.
    expect(await realDryRun(lab.cacheRoot, limitK)).toMatch(/\n0 entries deleted/);

    const { misses } = await checkServing(lab, reqs);
    expect(misses).toBe(before.length - after.length);
  });
});
