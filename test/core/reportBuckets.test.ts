import { expect, test } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { scan } from '../../src/core/scan/scan.js';
import { stat } from 'node:fs/promises';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';

const HOUR = 3600e3;
const DAY = 24 * HOUR;

// Each entry lands in a known age bucket (last use: the latest of body atime, body and
// header mtime) and a known lifetime bucket (expire - date): the report's column loop
// (reportTally.ts) is checked bucket by bucket, not only by its totals.
test('age and lifetime buckets hold exactly the entries that belong there', async () => {
  const root = await tempDir();
  const now = Date.now();
  const entries: { name: string; fetchedAt: number; accessedAt?: number; revalidatedAt?: number; maxAge?: number; body: number; headerOnly?: boolean }[] = [
    { name: 'hit-10m', fetchedAt: now - 40 * DAY, accessedAt: now - 10 * 60e3, body: 10, maxAge: HOUR - 1000 },
    { name: 'fetched-3h', fetchedAt: now - 3 * HOUR, body: 20, maxAge: DAY },
    { name: 'revalidated-2d', fetchedAt: now - 100 * DAY, revalidatedAt: now - 2 * DAY, body: 30, maxAge: 10 * DAY },
    { name: 'hit-20d', fetchedAt: now - 200 * DAY, accessedAt: now - 20 * DAY, body: 40, maxAge: 60 * DAY },
    { name: 'fetched-60d', fetchedAt: now - 60 * DAY, body: 50 },
    { name: 'fetched-200d', fetchedAt: now - 200 * DAY, body: 60, maxAge: 29 * DAY },
    { name: 'fetched-2y', fetchedAt: now - 800 * DAY, body: 70 },
    { name: 'header-only-5h', fetchedAt: now - 5 * HOUR, body: 0, maxAge: DAY },
  ];
  const bucketOf: Record<string, string> = {
    'hit-10m': '< 1h', 'fetched-3h': '< 1d', 'header-only-5h': '< 1d', 'revalidated-2d': '< 7d', 'hit-20d': '< 30d',
    'fetched-60d': '< 90d', 'fetched-200d': '< 1y', 'fetched-2y': 'older',
  };
  const want: Record<string, [number, number]> = {};
  for (const e of entries) {
    const files = await writeEntry(root, { key: `http://distfiles.local:80/distfiles/${e.name}?`, ...e });
    let bytes = 0;
    for (const f of files) bytes += (await stat(f)).size;
    const w = (want[bucketOf[e.name]] ??= [0, 0]);
    w[0]++; w[1] += bytes;
  }
  const r = await buildReport(await scan({ root }), { now });
  expect(Object.fromEntries(r.ageHistogram.filter((b) => b.count > 0).map((b) => [b.label, [b.count, b.bytes]]))).toEqual(want);
  expect(r.expired.profile).toEqual([
    { label: '<= 1h', count: 1 }, { label: '<= 1d', count: 2 }, { label: '<= 30d', count: 2 }, { label: '> 30d', count: 1 },
  ]);
  // Expired: every entry with a lifetime whose expiry has passed (all but fetched-3h and header-only-5h).
  expect(r.expired.count).toBe(4);
  expect(r.entries).toBe(8);
  expect(r.headerOnly).toBe(1);
});
