/**
 * A Fenwick (binary indexed) tree of byte counts over positions 1..capacity: point
 * updates and prefix sums in O(log n). Sums stay exact while they are below 2^53 bytes
 * (8 PiB), far above any cache.
 */
export class Fenwick {
  readonly tree: Float64Array;
  constructor(readonly capacity: number) {
    this.tree = new Float64Array(capacity + 1);
  }

  add(pos: number, delta: number): void {
    const t = this.tree;
    for (let i = pos; i <= this.capacity; i += i & -i) t[i] += delta;
  }

  /** Sum of positions 1..pos. */
  prefix(pos: number): number {
    const t = this.tree;
    let s = 0;
    for (let i = pos; i > 0; i -= i & -i) s += t[i];
    return s;
  }

  /** A tree holding values[1..] (values[0] unused), built in O(n). */
  static from(values: Float64Array, capacity: number): Fenwick {
    const f = new Fenwick(capacity);
    const t = f.tree;
    t.set(values.subarray(0, Math.min(values.length, capacity + 1)));
    for (let i = 1; i <= capacity; i++) {
      const j = i + (i & -i);
      if (j <= capacity) t[j] += t[i];
    }
    return f;
  }
}
