import { describe, expect, test } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { CACHE_FORMAT, lines, type Req } from './logFiles.js';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);

/** Two days: /hot (1 MB) every 10th request, 18 others of 100 KB in turn, every answer logged with its verdict. */
function trace(): Req[] {
  const rs: Req[] = [];
  for (let i = 0; i < 400; i++) {
    const hot = i % 10 === 0;
    rs.push({ t: T0 + i * 432e3, path: hot ? '/distfiles/hot.tar.xz' : `/distfiles/f${i % 20}.tar.xz?x=1`, bytes: hot ? 1_000_000 : 100_000, cache: i < 20 ? 'cache miss: attempting entity save' : 'cache hit' });
  }
  return rs;
}

async function logs() {
  const dir = await tempDir('logs-');
  const rs = trace();
  const a = join(dir, 'access.log.1.gz'), b = join(dir, 'access.log');
  await writeFile(a, gzipSync(lines(rs.slice(0, 200))));
  // A URL with an escape sequence in it: attacker-controlled text that must not reach the terminal raw.
  await writeFile(b, lines(rs.slice(200)) + 'junk \x1b[31m line\n');
  return [b, a];
}

describe('cachectl sizing (spawned bin)', () => {
  test('--json: one document with the documented fields', async () => {
    const r = await runCachectl(['sizing', '--json', '--access-log-format', CACHE_FORMAT, '--sizes', '0,1M,2M,3M,10M', '--access-log', ...(await logs())]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['requests', 'bytes', 'notModified', 'partial', 'unparsed', 'objects', 'workingSet', 'observed', 'curve', 'method', 'days', 'span', 'unlimited', 'target']) expect(j).toHaveProperty(k);
    expect(j).toMatchObject({ requests: 400, bytes: 40 * 1e6 + 360 * 1e5, unparsed: 1, objects: 19, workingSet: 2_800_000, method: 'exact', notModified: 0, partial: 0 });
    expect(j).not.toHaveProperty('sampleRate');
    expect(j.observed).toMatchObject({ requests: 400, hitRatio: 380 / 400 });
    expect(j.curve.map((p: { size: number }) => p.size)).toEqual([0, 2 ** 20, 2 ** 21, 3 * 2 ** 20, 10 * 2 ** 20]);
    for (const p of j.curve) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['size', 'hitRatio', 'byteHitRatio', 'upstreamBytes']));
      expect(p.hitRatio).toBeGreaterThanOrEqual(0);
      expect(p.hitRatio).toBeLessThanOrEqual(1);
    }
    // 3 MiB holds the whole working set: every repeat hits, as unlimited.
    expect(j.curve[3]).toMatchObject({ hitRatio: 381 / 400, byteHitRatio: j.unlimited.byteHitRatio });
    // 1 MiB: /hot comes back after 9 others (900 KB + its own 1 MB): a miss; a 100 KB one after
    // the 17 others and /hot (2.8 MB with itself): a miss. 2 MiB: /hot hits, the others still miss.
    expect(j.curve[1].hitRatio).toBe(0);
    expect(j.curve[2].hitRatio).toBe(39 / 400);
  });

  test('text: what happened, what if with the limit and the current size marked, one sentence', async () => {
    const root = await tempDir();
    for (let i = 0; i < 3; i++) await writeEntry(root, { key: `http://mirror.local:80/distfiles/f${i}.tar.xz?x=1`, body: 100_000, fetchedAt: T0 }, { levels: 2, length: 1 });
    const r = await runCachectl(['sizing', root, '--limit', '2M', '--access-log-format', CACHE_FORMAT, '--access-log', ...(await logs())], { env: { CACHECTL_ACCESS_LOG: '' } });
    expect(r.code).toBe(0);
    for (const s of ['What happened', '2026-03-01', '2026-03-02', 'What if', 'Working set: 2.7 MiB in 19 objects', '← limit', '← current size', 'request hit ratio 95.0%', 'the current limit, 2.0 MiB, gets']) {
      expect(r.stdout).toContain(s);
    }
    expect(r.stdout).toMatch(/A [\d.]+ MiB cache reaches 95% of the byte hit ratio an unlimited cache would get/);
    expect(r.stdout).not.toMatch(/\x1b/);
  });

  test('the limit from CACHECTL_LIMIT; no cache status: says how to log it', async () => {
    const dir = await tempDir('logs-');
    const log = join(dir, 'access_log');
    await writeFile(log, lines(trace().map((x) => ({ ...x, cache: undefined }))));
    const r = await runCachectl(['sizing', '--access-log', log], { env: { CACHECTL_LIMIT: '1M' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('add %{cache-status}e to the LogFormat');
    expect(r.stdout).toContain('the current limit, 1.0 MiB, gets 0.0%');
  });

  test.each([
    [['sizing'], 'no access log given'],
    [['sizing', '--access-log', '/nonexistent/access_log'], 'access log /nonexistent/access_log does not exist'],
    [['sizing', '--sizes', '10G,lots', '--access-log', '/dev/null'], "invalid size 'lots'"],
    [['sizing', '--access-log-format', '%h %t "%r"', '--access-log', '/etc/hostname'], "lacks %>s, %b"],
  ])('%j exits 2 with one sentence', async (args, message) => {
    const r = await runCachectl(args, { env: { CACHECTL_ACCESS_LOG: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('--help explains the model and the overshoot between prunes', async () => {
    const r = await runCachectl(['sizing', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('between');
    expect(r.stdout).toMatch(/the curve at the limit and at the limit plus the growth of one interval/);
    expect(r.stdout).toContain('--exact');
  });
});
