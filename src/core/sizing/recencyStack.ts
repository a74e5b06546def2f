import { Fenwick } from './fenwick.js';

/**
 * The recency stack of a byte-weighted LRU, as positions: each object sits at the position
 * of its last request and holds a value there (its size, or size/π when sampled). The sum
 * of the values above an object's position is the bytes of the distinct objects requested
 * since its last request: a Fenwick tree gives it in O(log n). Positions are renumbered
 * when they run out, so the tree is as large as twice the live objects, not the log.
 */
export class RecencyStack {
  private cap = 1 << 16;
  private fen = new Fenwick(this.cap);
  /** id + 1 of the object whose last request is at each position; 0 = none. */
  private idAt = new Int32Array(this.cap + 1);
  private nextPos = 1;
  private total = 0;
  /** Per object id: its position and the value it holds there. */
  private pos = new Int32Array(1024);
  private val = new Float64Array(1024);

  /** `live()`: how many objects are on the stack (renumbering makes room for twice that). */
  constructor(private readonly live: () => number) {}

  /** Room for object ids below `n`. */
  reserve(n: number): void {
    if (n <= this.pos.length) return;
    this.pos = grow(this.pos, Math.max(n, this.pos.length * 2));
    this.val = grow(this.val, this.pos.length);
  }

  /** The values of the objects requested since `id`'s last request. */
  above(id: number): number {
    return this.total - this.fen.prefix(this.pos[id]);
  }

  /** `id` requested: on top, holding `value`. */
  push(id: number, value: number): void {
    if (this.nextPos > this.cap) this.compact();
    const p = this.nextPos++;
    this.pos[id] = p;
    this.val[id] = value;
    this.idAt[p] = id + 1;
    this.fen.add(p, value);
    this.total += value;
  }

  /** `id` taken off its position (before it is pushed again). */
  remove(id: number): void {
    const p = this.pos[id];
    this.fen.add(p, -this.val[id]);
    this.total -= this.val[id];
    this.idAt[p] = 0;
  }

  /** A new value for `id` where it stands, or (`value` null) `id` gone: in force at the next `compact`. */
  restate(id: number, value: number | null): void {
    if (value === null) this.idAt[this.pos[id]] = 0;
    else this.val[id] = value;
  }

  /** Renumbers the live positions 1..L in order (doubling the room when over half full) and rebuilds the tree. */
  compact(): void {
    let cap = this.cap;
    while (this.live() * 2 > cap) cap *= 2;
    const values = new Float64Array(cap + 1);
    const idAt = new Int32Array(cap + 1);
    let q = 1, total = 0;
    for (let p = 1; p < this.nextPos; p++) {
      const v = this.idAt[p];
      if (v === 0) continue;
      idAt[q] = v;
      values[q] = this.val[v - 1];
      total += values[q];
      this.pos[v - 1] = q;
      q++;
    }
    this.fen = Fenwick.from(values, cap);
    this.idAt = idAt;
    this.cap = cap;
    this.nextPos = q;
    this.total = total;
  }
}

export function grow<T extends Float64Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
