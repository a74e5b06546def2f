import { describe, expect, test } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { needNative } from '../helpers/tools.js';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { prune } from '../../src/core/prune/prune.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';
import { url, DAY } from '../scan/fixtureTree.js';

const L = { levels: 2, length: 1 };
const walkers = [{ walker: 'portable' as const }, ...(needNative().binding ? [{ walker: 'native' as const }] : [])];

/** Ten entries, one per day of age: old-9 is the least recently used, old-0 the most. */
async function setup() {
  const root = await tempDir();
  const state = await tempDir('cachectl-state-');
  for (let i = 0; i < 10; i++) await writeEntry(root, { key: url(`old-${i}`), body: 1000, fetchedAt: Date.now() - (i + 2) * DAY }, L);
  return { root, state };
}

// prune with an index checks access times lazily (lruQueue.ts): a hit since the index was
// saved must still save an entry from eviction, exactly as a full scan would.
describe.each(walkers)('prune with a warm index, lazy recency ($walker)', ({ walker }) => {
  test('an entry hit since the index is not evicted; the next least recently used one is', async () => {
    const { root, state } = await setup();
    const first = await indexedScan({ walker, root, stateDir: state });
    // A hit on the oldest entry: httpd reads its body (atime moves; nothing else changes).
    const t = first.table;
    const oldest = t.key.indexOf(url('old-9'));
    await readFile(join(root, t.files(oldest)[1]));
    const opts = { walker, root, stateDir: state, maxEntries: 8, lock: false } as Parameters<typeof prune>[0];
    const dry = await prune({ ...opts, dryRun: true });
    const real = await prune(opts);
    for (const r of [dry, real]) {
      expect(r.index?.used).toBe(true);
      expect(r.index?.readDirs).toBe(0); // nothing re-read: the times really came from the index
      expect(r.plan.map((v) => v.url)).toEqual([url('old-8'), url('old-7')]);
    }
    expect(real.removed.entries).toBe(2);
  });

  test('control: the index alone still holds the old time of that entry (the test above is not vacuous)', async () => {
    const { root, state } = await setup();
    const first = await indexedScan({ walker, root, stateDir: state });
    const t = first.table;
    const oldest = t.key.indexOf(url('old-9'));
    const before = t.f64.dataAtime[oldest];
    await readFile(join(root, t.files(oldest)[1]));
    const lazy = await indexedScan({ walker, root, stateDir: state, recency: 'lazy' });
    const i = lazy.table.key.indexOf(url('old-9'));
    expect(lazy.staleRecency?.[i]).toBe(1);
    expect(lazy.table.f64.dataAtime[i]).toBe(before);
  });
});
