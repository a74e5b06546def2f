/**
 * Candidates in eviction order, taken one at a time: a binary heap, O(n) to build and
 * O(log n) per victim. A daily prune that evicts a few thousand of 500k entries no
 * longer sorts them all (the sort was ~0.35 s of a 2 s run).
 *
 * Lazy recency: a row whose access time came from the index unchecked (`stale`) holds a
 * lower bound of its last use (access times only move forward). When stale rows reach
 * the top, they are checked in a batch (`freshen`: one fstatat each, natively) and put
 * back with their true times; a row is handed out only when it is fresh and on top, so
 * its key is exact and no other row can be older: the same order as if every row had
 * been checked first, for a few thousand stats instead of 500k.
 */
export interface QueueOptions {
  /** a before b (a < b): the eviction order, on the current columns. */
  readonly before: (a: number, b: number) => boolean;
  /** Rows whose recency is a lower bound until checked (1); absent = all exact. */
  readonly stale?: Uint8Array;
  /**
   * Checks stale rows and refreshes their times in place. Returns per row whether it
   * may still go (false: it changed since the index, or is now inside the guard).
   */
  readonly freshen?: (rows: number[]) => Promise<boolean[]>;
  /** Stale rows checked per round. */
  readonly batch?: number;
}

export class LruQueue {
  private readonly heap: Uint32Array;
  private size: number;
  /** Stale rows checked so far. */
  checked = 0;

  constructor(rows: ArrayLike<number>, private readonly o: QueueOptions) {
    this.heap = Uint32Array.from(rows);
    this.size = this.heap.length;
    for (let k = (this.size >>> 1) - 1; k >= 0; k--) this.down(k);
  }

  /** The next row to evict (exact), or null when none is left. */
  async next(): Promise<number | null> {
    const top = await this.peek();
    if (top === null) return null;
    this.pop();
    return top;
  }

  /** The row that would go next (exact: checked if it was stale), without taking it. */
  async peek(): Promise<number | null> {
    const { stale, freshen } = this.o;
    while (this.size > 0) {
      const top = this.heap[0];
      if (!stale || !freshen || stale[top] === 0) return top;
      const batch: number[] = [];
      while (this.size > 0 && stale[this.heap[0]] === 1 && batch.length < (this.o.batch ?? 1024)) batch.push(this.pop());
      const ok = await freshen(batch);
      this.checked += batch.length;
      batch.forEach((r, k) => {
        stale[r] = 0;
        if (ok[k]) this.push(r);
      });
    }
    return null;
  }

  private pop(): number {
    const top = this.heap[0];
    this.heap[0] = this.heap[--this.size];
    this.down(0);
    return top;
  }

  private push(r: number): void {
    let k = this.size++;
    this.heap[k] = r;
    while (k > 0) {
      const parent = (k - 1) >>> 1;
      if (!this.o.before(this.heap[k], this.heap[parent])) break;
      [this.heap[k], this.heap[parent]] = [this.heap[parent], this.heap[k]];
      k = parent;
    }
  }

  private down(k: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * k + 1, r = l + 1;
      let m = k;
      if (l < this.size && this.o.before(h[l], h[m])) m = l;
      if (r < this.size && this.o.before(h[r], h[m])) m = r;
      if (m === k) return;
      [h[k], h[m]] = [h[m], h[k]];
      k = m;
    }
  }
}
