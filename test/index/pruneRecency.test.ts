import { describe, expect, test } from 'vitest';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { needNative } from '../helpers/tools.js';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { scan } from '../../src/core/scan/scan.js';
import { prune } from '../../src/core/prune/prune.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';
import { url, DAY } from '../scan/fixtureTree.js';
import { rowOf, valuesOf, type Column } from '../helpers/columns.js';

const L = { levels: 2, length: 1 };
const walkers = [{ walker: 'portable' as const }, ...(needNative().binding ? [{ walker: 'native' as const }] : [])];

/** Ten entries, one per day of age: old-9 is the least recently used, old-0 the most. */
async function setup() {
  const root = await tempDir();
  const state = await tempDir('cachectl-state-');
  for (let i = 0; i < 10; i++) await writeEntry(root, { key: url(`old-${i}`), body: 1000, fetchedAt: Date.now() - (i + 2) * DAY }, L);
  return { root, state };
}

// prune with an index takes every access time from the files (the index only spares the
// header reads): a hit since the index was saved must still save an entry from eviction,
// exactly as a full scan would.
describe.each(walkers)('prune with a warm index ($walker)', ({ walker }) => {
  test('an entry hit since the index is not evicted; the next least recently used one is', async () => {
    const { root, state } = await setup();
    const first = await indexedScan({ walker, root, stateDir: state });
    // A hit on the oldest entry: httpd reads its body (atime moves; nothing else changes).
    const t = first.table;
    const oldest = rowOf(t.key, url('old-9'));
    await readFile(join(root, t.files(oldest)[1]));
    const opts = { walker, root, stateDir: state, maxEntries: 8, lock: false } as Parameters<typeof prune>[0];
    const dry = await prune({ ...opts, dryRun: true });
    const real = await prune(opts);
    for (const r of [dry, real]) {
      expect(r.index?.used).toBe(true);
      expect(r.index?.readDirs).toBe(0); // nothing re-read: the time came from the check of the unchanged directory
      expect(r.plan.map((v) => v.url)).toEqual([url('old-8'), url('old-7')]);
    }
    expect(real.removed.entries).toBe(2);
  });

  // prune does not regroup the table before its deletions (Snapshot.dropped, regroup at the
  // save): the stale rows of changed directories must be skipped by every count and never
  // planned, and the index saved afterwards must be the regrouped one.
  test('changed directories: their stale rows are never planned, and the saved index is regrouped', async () => {
    const { root, state } = await setup();
    const first = await indexedScan({ walker, root, stateDir: state });
    // The oldest entry is deleted by someone else, the next one rewritten as fresh (both
    // directories change), and a new entry arrives: the index holds stale rows for all three.
    const t = first.table;
    for (const f of t.files(rowOf(t.key, url('old-9')))) await unlink(join(root, f));
    await writeEntry(root, { key: url('old-8'), body: 1000, fetchedAt: Date.now() }, L);
    await writeEntry(root, { key: url('new-0'), body: 1000, fetchedAt: Date.now() }, L);
    const opts = { walker, root, stateDir: state, maxEntries: 8, lock: false } as Parameters<typeof prune>[0];
    const dry = await prune({ ...opts, dryRun: true });
    expect(dry.index?.readDirs).toBeGreaterThan(0);
    expect(dry.before.entries).toBe(10);
    expect(dry.plan.map((v) => v.url)).toEqual([url('old-7'), url('old-6')]);
    const real = await prune(opts);
    expect(real.plan.map((v) => v.url)).toEqual([url('old-7'), url('old-6')]);
    expect(real.removed.entries).toBe(2);
    // The index saved after the deletions, read back, describes the tree as a full scan does.
    const again = await indexedScan({ walker, root, stateDir: state });
    const keys = (s: { table: { key: Column } }) => valuesOf(s.table.key).filter(Boolean).sort();
    expect(keys(again)).toEqual(keys(await scan({ root, walker })));
    expect(keys(again)).not.toContain(url('old-7'));
  });
});
