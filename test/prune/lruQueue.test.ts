import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { LruQueue } from '../../src/core/prune/lruQueue.js';

// Rows with a true last use; some are stale (the queue sees a lower bound until it
// checks them). Whatever the mix, rows come out in the order of their true times, and
// rows the check rejects never come out.
describe('LruQueue', () => {
  test('hands rows out in true order, checking stale ones only as they reach the front', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ use: fc.integer({ min: 0, max: 50 }), lag: fc.integer({ min: 0, max: 30 }), stale: fc.boolean(), gone: fc.boolean() }), { maxLength: 80 }),
      fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 80 }),
      async (rows, batch, take) => {
        // The index holds use - lag for stale rows (a hit since moved the time forward).
        const seen = Float64Array.from(rows, (r) => (r.stale ? r.use - r.lag : r.use));
        const stale = Uint8Array.from(rows, (r) => (r.stale ? 1 : 0));
        const before = (a: number, b: number) => seen[a] - seen[b] < 0 || (seen[a] === seen[b] && a < b);
        let checks = 0;
        const q = new LruQueue(rows.map((_, i) => i), {
          before, stale, batch,
          freshen: async (list) => list.map((i) => { checks++; seen[i] = rows[i].use; return !rows[i].gone; }),
        });
        const out: number[] = [];
        for (let k = 0; k < take; k++) {
          const i = await q.next();
          if (i === null) break;
          out.push(i);
        }
        const valid = rows.map((r, i) => ({ ...r, i })).filter((r) => !(r.stale && r.gone));
        valid.sort((a, b) => a.use - b.use || a.i - b.i);
        expect(out).toEqual(valid.slice(0, take).map((r) => r.i));
        expect(checks).toBeLessThanOrEqual(rows.filter((r) => r.stale).length);
      },
    ));
  });

  test('a queue with nothing stale never checks', async () => {
    const q = new LruQueue([2, 0, 1], { before: (a, b) => a < b, stale: new Uint8Array(3), freshen: async () => { throw new Error('checked'); } });
    expect([await q.next(), await q.next(), await q.next(), await q.next()]).toEqual([0, 1, 2, null]);
  });
});
