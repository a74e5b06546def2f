import { describe, expect, test } from 'vitest';
import { symlink, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { sizing } from '../../src/core/sizing/sizing.js';
import { UsageError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';
import { CACHE_FORMAT, lines, type Req } from './logFiles.js';
import { simulateLru } from './lruSim.js';


const DAY = 86400e3;
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

/** Three days of a small mirror: skewed popularity, some keys with query strings, `/` itself. */
function mirrorDays(): Req[] {
  const rs: Req[] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 3000; i++) {
    const o = Math.floor(40 * rnd() ** 2);
    const path = o === 0 ? '/' : o % 5 === 0 ? `/distfiles/f${o}.tar.xz?mirror=${o % 3}` : `/distfiles/f${o}.tar.xz`;
    rs.push({ t: T0 + i * 86e3, path, bytes: o === 0 ? 512 : 1000 * o * o });
  }
  return rs;
}

async function write(dir: string, name: string, text: string | Buffer) {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

describe('sizing over real log files', () => {
  test('counts, days, the working set, and the curve equal to the brute-force LRU on the same requests', async () => {
    const dir = await tempDir();
    const rs = mirrorDays();
    const extra: Req[] = [
      { t: T0 + 1, path: '/distfiles/f3.tar.xz', bytes: 0, status: 304 },
      { t: T0 + 2, path: '/distfiles/f3.tar.xz', bytes: 500, status: 206 },
      { t: T0 + 3, path: '/distfiles/f3.tar.xz', bytes: 0, method: 'HEAD' },
      { t: T0 + 4, path: '/missing', bytes: 200, status: 404 },
    ];
    const log = await write(dir, 'access_log', lines(extra) + lines(rs) + 'garbage\n\n' + 'h - - [05/Jan/2026:10:00:00 +0000] "GET /trunc');
    const r = await sizing({ accessLogs: [log], sizes: [0, 1e5, 1e6, 5e6, 2e7, 1e9] });
    expect(r).toMatchObject({ requests: 3000, notModified: 1, partial: 1, other: 2, unparsed: 2, lines: 3006, method: 'exact', observed: null, interrupted: false });
    expect(r.bytes).toBe(rs.reduce((a, x) => a + x.bytes, 0));
    expect(r.days.map((d) => d.day)).toEqual(['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08']);
    expect(r.days.reduce((a, d) => a + d.requests, 0)).toBe(3004);
    const keys = new Map(rs.map((x) => [x.path, x.bytes]));
    expect(r.objects).toBe(keys.size);
    expect(r.workingSet).toBe([...keys.values()].reduce((a, b) => a + b, 0));
    const trace = rs.map((x) => [x.path, x.bytes] as const);
    for (const p of r.curve) {
      const sim = simulateLru(trace, p.size);
      expect(p.hitRatio).toBe(sim.hits / 3000);
      expect(p.upstreamBytes).toBe(r.bytes - sim.hitBytes);
    }
    expect(r.curve[0]).toMatchObject({ size: 0, hitRatio: 0, byteHitRatio: 0, upstreamBytes: r.bytes });
    // The largest size holds the working set: as good as unlimited.
    expect(r.curve.at(-1)!.byteHitRatio).toBe(r.unlimited.byteHitRatio);
    expect(r.target!.byteHitRatio).toBeGreaterThanOrEqual(0.95 * r.unlimited.byteHitRatio);
  });

  test('a rotated set given newest first (plain, .1, .2.gz) replays as the one log it was', async () => {
    const dir = await tempDir();
    const rs = mirrorDays();
    const whole = await write(dir, 'whole_log', lines(rs));
    const parts = [
      await write(dir, 'access_log', lines(rs.slice(2000))),
      await write(dir, 'access_log.1', lines(rs.slice(1000, 2000))),
      await write(dir, 'access_log.2.gz', gzipSync(lines(rs.slice(0, 1000)))),
    ];
    const one = await sizing({ accessLogs: [whole] });
    const rotated = await sizing({ accessLogs: parts });
    expect(rotated.files.map((f) => f.path)).toEqual([...parts].reverse());
    expect(rotated.curve).toEqual(one.curve);
    expect(rotated.days).toEqual(one.days);
    // The same file twice (here through a symlink) is read once.
    await symlink(parts[0], join(dir, 'current'));
    const twice = await sizing({ accessLogs: [...parts, join(dir, 'current')] });
    expect(twice.requests).toBe(3000);
  });

  test('a truncated gzip log keeps the lines before the damage and says so', async () => {
    const dir = await tempDir();
    const rs = mirrorDays();
    const gz = gzipSync(lines(rs));
    const log = await write(dir, 'access_log.1.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await sizing({ accessLogs: [log] });
    expect(r.files[0].error).toBeTruthy();
    expect(r.requests).toBeGreaterThan(100);
    expect(r.requests).toBeLessThan(3000);
  });

  test('observed ratios from %{cache-status}e, over the replayed requests', async () => {
    const dir = await tempDir();
    const rs: Req[] = [
      { t: T0, path: '/a', bytes: 1000, cache: 'cache miss: attempting entity save' },
      { t: T0 + 1, path: '/a', bytes: 1000, cache: 'cache hit' },
      { t: T0 + 2, path: '/a', bytes: 1000, cache: 'conditional cache hit: entity refreshed' },
      { t: T0 + 3, path: '/b', bytes: 3000, cache: 'cache miss: attempting entity save' },
      { t: T0 + 4, path: '/b', bytes: 0, status: 304, cache: 'cache hit' },
      { t: T0 + DAY, path: '/c', bytes: 10, cache: '-' },
    ];
    const log = await write(dir, 'access_log', lines(rs));
    const r = await sizing({ accessLogs: [log], logFormat: CACHE_FORMAT });
    expect(r.observed).toMatchObject({ requests: 4, hitRatio: 0.5, byteHitRatio: 2000 / 6000, upstreamBytes: 4000 });
    expect(r.observed!.upstreamBytesPerDay).toBeCloseTo(4000 / ((DAY + 5) / DAY));
    // The model, unlimited: /a hits twice (2000 of 6010 bytes).
    expect(r.unlimited).toMatchObject({ hitRatio: 2 / 5, byteHitRatio: 2000 / 6010 });
  });

  test('past the exact budget the replay is sampled, and says so', async () => {
    const dir = await tempDir();
    const log = await write(dir, 'access_log', lines(mirrorDays()));
    const r = await sizing({ accessLogs: [log], profiler: { maxExactRequests: 500, maxSampledObjects: 16 } });
    expect(r.method).toBe('sampled');
    expect(r.sampleRate).toBeGreaterThan(0);
    expect(r.sampleRate).toBeLessThan(1);
    expect(r.requests).toBe(3000);
    const exact = await sizing({ accessLogs: [log], exact: true, profiler: { maxExactRequests: 500 } });
    expect(exact.method).toBe('exact');
    expect(exact).not.toHaveProperty('sampleRate');
  });

  test('missing logs and formats without a byte count are usage errors', async () => {
    const dir = await tempDir();
    await expect(sizing({ accessLogs: [join(dir, 'nope')] })).rejects.toThrow(UsageError);
    const log = await write(dir, 'access_log', lines(mirrorDays().slice(0, 5)));
    await expect(sizing({ accessLogs: [log], logFormat: '%h %t "%r" %>s' })).rejects.toThrow(/lacks %b/);
  });

  test('an empty log gives an empty, well-formed result', async () => {
    const dir = await tempDir();
    const r = await sizing({ accessLogs: [await write(dir, 'access_log', '')] });
    expect(r).toMatchObject({ lines: 0, requests: 0, span: null, target: null, curve: [{ size: 0, hitRatio: 0, byteHitRatio: 0, upstreamBytes: 0 }] });
  });
});
