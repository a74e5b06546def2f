import { describe, expect, test } from 'vitest';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { needNative } from '../helpers/tools.js';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { indexPath } from '../../src/core/index/store.js';
import { readIndexFile } from '../../src/core/index/decode.js';
import { buildReport, streamReport } from '../../src/core/report.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { F64_COLUMNS, type UnitTable } from '../../src/core/table/table.js';
import { tempDir } from '../helpers/tmp.js';
import { addRow } from '../helpers/columns.js';
import { writeEveryKind, url, DAY } from '../scan/fixtureTree.js';

// A first `report` writes the index as the rows come, one directory at a time, and never
// holds the whole table (index/writer.ts, addStreamed). That index must be the one a run
// holding the table writes (IndexWriter.whole), and the report summed as the rows came must be
// the one summed from the table.

const L = { levels: 2, length: 1 };
const NOW = Date.now();
const walkers = [{ walker: 'portable' as const }, ...(needNative().binding ? [{ walker: 'native' as const }] : [])];

async function tree() {
  const root = await tempDir();
  await writeEveryKind(root, NOW, L);
  for (let i = 0; i < 60; i++) await writeEntry(root, { key: url(`more-${i}/${'x'.repeat(i)}`), body: 100 + i * 7, fetchedAt: NOW - i * DAY }, L);
  return root;
}

/** Every row of a loaded index, by its files (row order and ids may differ; their content may not). */
function rowsOf(t: UnitTable): string[] {
  const rows: string[] = [];
  for (let i = 0; i < t.length; i++) {
    rows.push([t.files(i).join(','), t.kind[i], t.reason[i], t.flags[i], t.status[i], t.key.get(i), t.name.get(i), ...F64_COLUMNS.map((c) => t.f64[c][i])].join('|'));
  }
  return rows.sort();
}

async function loaded(state: string, root: string) {
  const d = await readIndexFile(indexPath(state, root));
  if (!d.ok) throw new Error(d.reason);
  const { savedAt: _s, dirs, dirColumns: _c, dirPaths: _p, ...meta } = d.meta;
  const records = dirs.map((r) => ({ rel: r.rel, mtimeMs: r.mtimeMs, ino: r.ino, rowCount: r.rowCount, files: r.files, bytes: r.bytes, foreign: r.foreignFiles, samples: r.foreignSamples }))
    .sort((a, b) => (a.rel < b.rel ? -1 : 1));
  // Each record's rows are where it says they are.
  for (const r of dirs) for (let i = r.rowStart; i < r.rowStart + r.rowCount; i++) expect(d.table.dirs[d.table.dir[i]]).toBe(r.rel);
  return { meta, records, rows: rowsOf(d.table) };
}

describe.each(walkers)('an index written as the rows stream ($walker)', ({ walker }) => {
  test('is the index a run holding the whole table writes, and the report is the same', async () => {
    const root = await tree();
    const [streamed, whole] = [await tempDir('cachectl-state-'), await tempDir('cachectl-state-')];
    const report = await streamReport({ root, walker, now: NOW, stateDir: streamed });
    expect(report.index).toMatchObject({ used: false, reason: 'no index yet' });
    const full = await indexedScan({ root, walker, now: NOW, stateDir: whole });
    expect(full.table.length).toBeGreaterThan(60);
    const { index: _i, interrupted, ...summed } = report;
    expect(interrupted).toBe(false);
    const fromTable = await buildReport(full, { now: NOW });
    expect({ ...summed, scanMs: 0, scannedAt: '', filesystem: null }).toEqual({ ...fromTable, scanMs: 0, scannedAt: '', filesystem: null });
    expect(await loaded(streamed, root)).toEqual(await loaded(whole, root));
    // No scratch file is left beside it.
    expect((await readdir(streamed)).filter((n) => n.includes('scratch'))).toEqual([]);
  });

  test('a run from the streamed index reuses it and reports what a full scan reports', async () => {
    const root = await tree();
    const state = await tempDir('cachectl-state-');
    await streamReport({ root, walker, now: NOW, stateDir: state });
    await writeEntry(root, { key: url('after'), body: 999, fetchedAt: NOW }, L);
    const again = await streamReport({ root, walker, now: NOW, stateDir: state });
    expect(again.index).toMatchObject({ used: true });
    expect(again.index!.reusedDirs).toBeGreaterThan(0);
    const fresh = await streamReport({ root, walker, now: NOW });
    const strip = (r: typeof fresh) => ({ ...r, scanMs: 0, scannedAt: '', filesystem: null, index: undefined });
    expect(strip(again)).toEqual(strip(fresh));
  });

  test('a state dir that cannot hold the index costs the index, not the report', async () => {
    const root = await tree();
    const file = join(await tempDir(), 'not-a-dir');
    await writeFile(file, '');
    const r = await streamReport({ root, walker, now: NOW, stateDir: file });
    expect(r.index?.saveError).toBeTruthy();
    expect(r.entries).toBe((await streamReport({ root, walker, now: NOW })).entries);
  });
});

test('rows spilled in small pieces make the same file, byte for byte, as the whole table', async () => {
  const { open, readFile } = await import('node:fs/promises');
  const { IndexWriter } = await import('../../src/core/index/writer.js');
  const { scan } = await import('../../src/core/scan/scan.js');
  const { UnitTable } = await import('../../src/core/table/table.js');
  const root = await tree();
  const state = await tempDir('cachectl-state-');
  // One scan: each directory's rows go to the spilling writer and are copied into one whole table.
  const spilled = new IndexWriter(state, 64);
  const whole = new UnitTable();
  await scan({ root, walker: 'portable', now: NOW, rowSink: (t) => {
    spilled.addStreamed(t);
    for (let i = 0; i < t.length; i++) {
      addRow(whole, {
        kind: t.kind[i], reason: t.reason[i], flags: t.flags[i], status: t.status[i], dir: whole.internDir(t.dirs[t.dir[i]]),
        name: t.name.get(i), key: t.key.get(i), values: Object.fromEntries(F64_COLUMNS.map((c) => [c, t.f64[c][i]])),
      });
    }
  } });
  const kept = IndexWriter.whole(whole, []);
  const meta = { root, rootIno: 1, format: 'apache' as const, savedAt: 0 };
  const write = async (w: InstanceType<typeof IndexWriter>, name: string) => {
    const fh = await open(join(state, name), 'w');
    try { await w.writeTo(fh, meta); } finally { await fh.close(); }
    return readFile(join(state, name));
  };
  const [a, b] = [await write(spilled, 'a'), await write(kept, 'b')];
  expect(whole.length).toBeGreaterThan(60);
  expect(a.equals(b)).toBe(true);
  // The scratch file was unlinked when it was made.
  expect((await readdir(state)).sort()).toEqual(['a', 'b']);
});
