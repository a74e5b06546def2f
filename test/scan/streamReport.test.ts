import { describe, expect, test } from 'vitest';
import { buildReport, streamReport } from '../../src/core/report.js';
import { scan } from '../../src/core/scan/scan.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';
import { needNative } from '../helpers/tools.js';
import { writeEveryKind, url, DAY } from './fixtureTree.js';

const walkers = [{ walker: 'portable' as const }, ...(needNative().binding ? [{ walker: 'native' as const }] : [])];

// report --no-index sums rows directory by directory and drops them (streamReport); it must
// say exactly what the report of a kept table says.
describe.each(walkers)('streamReport ($walker)', ({ walker }) => {
  test.each([
    ['apache', { levels: 2, length: 1 }],
    ['apache', { levels: 1, length: 2 }],
  ] as const)('equals buildReport over the whole table (%s, layout %j)', async (_f, layout) => {
    const root = await tempDir();
    const now = Date.now();
    await writeEveryKind(root, now, layout);
    for (let i = 0; i < 40; i++) {
      const host = i % 3 === 0 ? 'http://other.example:80' : 'http://distfiles.local:80';
      await writeEntry(root, { key: i % 5 === 0 ? `${host}/f-${i}.tar.xz?` : url(`more-${i}`).replace('http://distfiles.local:80', host), body: 100 * i, fetchedAt: now - i * DAY }, layout);
    }
    const kept = await buildReport(await scan({ root, walker }), { now, top: 5 });
    const streamed = await streamReport({ root, walker, now, top: 5 });
    const strip = ({ scannedAt: _a, scanMs: _b, filesystem: _c, interrupted: _d, ...r }: Record<string, unknown>) => r;
    expect(strip(streamed)).toEqual(strip(kept as unknown as Record<string, unknown>));
    expect(streamed.layout).toEqual(layout);
    expect(streamed.entries).toBeGreaterThan(40);
    expect(streamed.byHost.length).toBeGreaterThanOrEqual(2);
  });

  test('files mode too', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const now = Date.now();
    const kept = await buildReport(await scan({ root, walker, format: 'files' }), { now });
    const streamed = await streamReport({ root, walker, format: 'files', now });
    expect(streamed.entries).toBe(kept.entries);
    expect(streamed.bytes).toBe(kept.bytes);
    expect(streamed.largest).toEqual(kept.largest);
    expect(streamed.byPath).toEqual(kept.byPath);
  });
});
