import { expect, test } from 'vitest';
import { stat } from 'node:fs/promises';
import { buildReport } from '../../src/core/report.js';
import { scan } from '../../src/core/scan/scan.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86400e3;

// Sizes are header + body (the header's size depends on the key: read back, not assumed);
// each entry lands in the power-of-4 bucket its total falls in, and the oldest last use is
// the report's tail.
test('entries by size: each in its log-scale bucket; oldestAccess is the least recently used entry\'s last use', async () => {
  const root = await tempDir();
  const now = Date.now();
  const bodies = [0, 100, 5000, 70_000, 300_000, 2_000_000];
  const want = new Map<string, [number, number]>();
  const bounds = [1, 4, 16, 64, 256, 1024, 4096].map((k) => k * 1024);
  const labels = ['< 1 KiB', '< 4 KiB', '< 16 KiB', '< 64 KiB', '< 256 KiB', '< 1 MiB', '< 4 MiB'];
  for (const [i, body] of bodies.entries()) {
    const files = await writeEntry(root, { key: `http://h.local:80/d/e${i}?`, body, fetchedAt: now - (i + 1) * DAY, headerOnly: body === 0 });
    let total = 0;
    for (const f of files) total += (await stat(f)).size;
    const label = labels[bounds.findIndex((b) => total < b)];
    const w = want.get(label) ?? [0, 0];
    want.set(label, [w[0] + 1, w[1] + total]);
  }
  const r = await buildReport(await scan({ root }), { now });
  expect(new Map(r.sizeHistogram.filter((b) => b.count > 0).map((b) => [b.label, [b.count, b.bytes]]))).toEqual(want);
  expect(r.sizeHistogram.map((b) => b.label).at(-1)).toBe('>= 4 GiB');
  expect(r.sizeHistogram.reduce((a, b) => a + b.count, 0)).toBe(r.entries);
  // The oldest entry was fetched (and last used) 6 days ago; times are kept to the second.
  expect(Math.abs(Date.parse(r.oldestAccess!) - (now - 6 * DAY))).toBeLessThan(1000);
  expect((await buildReport(await scan({ root: await tempDir() }), { now })).oldestAccess).toBeNull();
});
