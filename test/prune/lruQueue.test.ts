import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { LruQueue } from '../../src/core/prune/lruQueue.js';

// Whatever the times, rows come out in the order a full sort gives, ties by row number.
describe('LruQueue', () => {
  test('hands rows out in sorted order, and peek names the next one', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 80 }), fc.integer({ min: 0, max: 80 }),
      (use, take) => {
        const before = (a: number, b: number) => use[a] - use[b] < 0 || (use[a] === use[b] && a < b);
        const q = new LruQueue(use.map((_, i) => i), before);
        const out: number[] = [];
        for (let k = 0; k < take; k++) {
          const peeked = q.peek();
          const i = q.next();
          expect(i).toBe(peeked);
          if (i === null) break;
          out.push(i);
        }
        const sorted = use.map((u, i) => ({ u, i })).sort((a, b) => a.u - b.u || a.i - b.i).map((r) => r.i);
        expect(out).toEqual(sorted.slice(0, take));
      },
    ));
  });
});
