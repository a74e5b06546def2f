/**
 * Candidates in eviction order, taken one at a time: a binary heap, O(n) to build and
 * O(log n) per victim, so a daily prune that evicts a few thousand of 500k entries does
 * not sort them all.
 */
export class LruQueue {
  private readonly heap: Uint32Array;
  private size: number;

  /** `before(a, b)`: a goes before b. */
  constructor(rows: ArrayLike<number>, private readonly before: (a: number, b: number) => boolean) {
    this.heap = Uint32Array.from(rows);
    this.size = this.heap.length;
    for (let k = (this.size >>> 1) - 1; k >= 0; k--) this.down(k);
  }

  /** The next row to evict, or null when none is left. */
  next(): number | null {
    if (this.size === 0) return null;
    const top = this.heap[0];
    this.heap[0] = this.heap[--this.size];
    this.down(0);
    return top;
  }

  /** The row that would go next, without taking it. */
  peek(): number | null {
    return this.size === 0 ? null : this.heap[0];
  }

  private down(k: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * k + 1, r = l + 1;
      let m = k;
      if (l < this.size && this.before(h[l], h[m])) m = l;
      if (r < this.size && this.before(h[r], h[m])) m = r;
      if (m === k) return;
      [h[k], h[m]] = [h[m], h[k]];
      k = m;
    }
  }
}
