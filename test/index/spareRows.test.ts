import { describe, expect, test } from 'vitest';
import { statSync } from 'node:fs';
import { needNative } from '../helpers/tools.js';
import { tempDir } from '../helpers/tmp.js';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { scan } from '../../src/core/scan/scan.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { F64_COLUMNS } from '../../src/core/table/table.js';
import { spareRows } from '../../src/core/index/format.js';
import { url, DAY } from '../scan/fixtureTree.js';

const { binding: native, reason } = needNative();

function rows(s: Awaited<ReturnType<typeof scan>>): string[] {
  const t = s.table;
  return Array.from({ length: t.length }, (_, i) =>
    [t.kind[i], t.reason[i], t.flags[i], t.status[i], t.key.get(i), t.files(i).join(','), ...F64_COLUMNS.map((c) => t.f64[c][i])].join('|')).sort();
}

async function addEntries(root: string, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) await writeEntry(root, { key: url(`spare-${i}.tar.xz`), body: 10 + (i % 50), fetchedAt: Date.now() - (i % 30) * DAY });
}

// The index file ends each row and string section in spare room (format.ts, since version 3).
describe('new rows after an indexed run: spare room in the index file, then growth', () => {
  test.skipIf(!native)(`a few new entries go into the loaded file's spare rows, not a copy of every column (${reason})`, async () => {
    const root = await tempDir();
    const state = await tempDir('cachectl-state-');
    await addEntries(root, 0, 30);
    const first = await indexedScan({ root, stateDir: state });
    const size = statSync(first.index.saved!).size;
    await addEntries(root, 30, 5);
    const s = await indexedScan({ root, stateDir: state });
    expect(s.index.readDirs).toBeGreaterThan(0);
    expect(rows(s)).toEqual(rows(await scan({ root })));
    // The columns are still views of the loaded file (read whole: its size), not grown copies.
    expect(s.table.f64.hdrSize.buffer.byteLength).toBe(size);
    expect(spareRows(30)).toBeGreaterThan(5);
  });

  test('more new rows than the spare room: the table grows, and every result equals a full scan', async () => {
    const root = await tempDir();
    const state = await tempDir('cachectl-state-');
    await addEntries(root, 0, 20);
    await indexedScan({ root, stateDir: state });
    const many = spareRows(20) + 100;
    await addEntries(root, 20, many);
    const grown = await indexedScan({ root, stateDir: state });
    expect(grown.index.used).toBe(true);
    const full = await scan({ root });
    expect(full.table.length).toBeGreaterThan(20 + spareRows(20));
    expect(rows(grown)).toEqual(rows(full));
    // Saved again, with spare room for the new size: a quiet re-run agrees.
    const again = await indexedScan({ root, stateDir: state });
    expect(again.index.readDirs).toBe(0);
    expect(rows(again)).toEqual(rows(full));
  }, 60_000);
});
