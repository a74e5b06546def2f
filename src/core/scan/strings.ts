/**
 * Many short strings (cache keys, file stems) in one growable byte buffer with an
 * offset and a length per row. A million URLs as JS strings cost ~100 B each of V8
 * heap, and the heap's growth factor roughly doubles that at peak; here they cost their
 * bytes plus 8, outside the heap. `get` decodes on demand (a fresh string each call).
 */
export class StringColumn {
  private bytes: Buffer;
  private used = 0;
  private start: Uint32Array;
  private len: Uint32Array;
  length = 0;

  constructor(readonly encoding: 'latin1' | 'utf8', capacity = 1024, avgBytes = 32) {
    this.bytes = Buffer.allocUnsafe(capacity * avgBytes);
    this.start = new Uint32Array(capacity);
    this.len = new Uint32Array(capacity);
  }

  push(s: string): void {
    const n = this.encoding === 'latin1' ? s.length : Buffer.byteLength(s, 'utf8');
    this.reserve(1, n);
    this.bytes.write(s, this.used, n, this.encoding);
    this.start[this.length] = this.used;
    this.len[this.length] = n;
    this.used += n;
    this.length++;
  }

  get(i: number): string {
    return this.len[i] === 0 ? '' : this.bytes.toString(this.encoding, this.start[i], this.start[i] + this.len[i]);
  }

  /** Replaces row i's value (appends the new bytes; the old ones are reclaimed by compact). */
  set(i: number, s: string): void {
    const n = this.encoding === 'latin1' ? s.length : Buffer.byteLength(s, 'utf8');
    this.reserve(0, n);
    this.bytes.write(s, this.used, n, this.encoding);
    this.start[i] = this.used;
    this.len[i] = n;
    this.used += n;
  }

  indexOf(s: string): number {
    for (let i = 0; i < this.length; i++) if (this.len[i] === s.length && this.get(i) === s) return i;
    return -1;
  }

  toArray(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /** Row i's raw bytes (for the index file). */
  raw(i: number): Buffer {
    return this.bytes.subarray(this.start[i], this.start[i] + this.len[i]);
  }

  lengthOf(i: number): number {
    return this.len[i];
  }

  /** Appends raw bytes as a new row (for loading the index file). */
  pushRaw(b: Buffer): void {
    this.reserve(1, b.length);
    b.copy(this.bytes, this.used);
    this.start[this.length] = this.used;
    this.len[this.length] = b.length;
    this.used += b.length;
    this.length++;
  }

  /** Keeps rows for which map[i] >= 0, moved to row map[i] (in order); drops dead bytes. */
  compact(map: Int32Array): void {
    const out = Buffer.allocUnsafe(Math.max(1024, this.used));
    let w = 0, at = 0;
    for (let i = 0; i < this.length; i++) {
      if (map[i] < 0) continue;
      this.bytes.copy(out, at, this.start[i], this.start[i] + this.len[i]);
      this.start[w] = at;
      this.len[w] = this.len[i];
      at += this.len[i];
      w++;
    }
    this.bytes = out;
    this.used = at;
    this.length = w;
  }

  private reserve(rows: number, bytes: number): void {
    if (this.length + rows > this.start.length) {
      const cap = Math.max(1024, this.start.length * 2);
      const s = new Uint32Array(cap); s.set(this.start); this.start = s;
      const l = new Uint32Array(cap); l.set(this.len); this.len = l;
    }
    if (this.used + bytes > this.bytes.length) {
      const b = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + bytes));
      this.bytes.copy(b, 0, 0, this.used);
      this.bytes = b;
    }
  }
}
