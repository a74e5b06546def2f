/**
 * Many short strings (cache keys, file stems) in one growable byte buffer with an
 * offset and a length per row. A million URLs as JS strings cost ~100 B each of V8
 * heap, and the heap's growth factor roughly doubles that at peak; here they cost their
 * bytes plus 8, outside the heap. `get` decodes on demand (a fresh string each call).
 *
 * With `sharePrefixes` (keys), everything up to the last '/' is interned once and a row
 * keeps only its id and the rest: a mirror's URLs share `http://host:80/distfiles/`, so
 * a 65-byte key costs ~15 bytes plus 12 (measured: -48 B per row at 500k entries).
 */
export class StringColumn {
  private bytes: Buffer;
  private used = 0;
  private start: Uint32Array;
  private len: Uint32Array;
  /** Per row: index into `prefixes` + 1 (0 = none). Only with sharePrefixes. */
  private pre: Uint32Array;
  private readonly prefixes: string[] = [];
  private readonly prefixIds = new Map<string, number>();
  length = 0;

  constructor(readonly encoding: 'latin1' | 'utf8', capacity = 1024, avgBytes = 32, readonly sharePrefixes = false) {
    this.bytes = Buffer.allocUnsafe(capacity * avgBytes);
    this.start = new Uint32Array(capacity);
    this.len = new Uint32Array(capacity);
    this.pre = new Uint32Array(sharePrefixes ? capacity : 0);
  }

  push(s: string): void {
    this.reserve(1, 0);
    this.length++;
    this.set(this.length - 1, s);
  }

  get(i: number): string {
    const rest = this.len[i] === 0 ? '' : this.bytes.toString(this.encoding, this.start[i], this.start[i] + this.len[i]);
    const p = this.sharePrefixes ? this.pre[i] : 0;
    return p === 0 ? rest : this.prefixes[p - 1] + rest;
  }

  /** Replaces row i's value (appends the new bytes; the old ones are reclaimed by compact). */
  set(i: number, s: string): void {
    let rest = s;
    if (this.sharePrefixes) {
      const cut = s.lastIndexOf('/') + 1;
      this.pre[i] = cut === 0 ? 0 : this.intern(s.slice(0, cut));
      rest = cut === 0 ? s : s.slice(cut);
    }
    const n = this.encoding === 'latin1' ? rest.length : Buffer.byteLength(rest, 'utf8');
    this.reserve(0, n);
    this.bytes.write(rest, this.used, n, this.encoding);
    this.start[i] = this.used;
    this.len[i] = n;
    this.used += n;
  }

  private intern(prefix: string): number {
    let id = this.prefixIds.get(prefix);
    if (id === undefined) {
      this.prefixes.push(prefix);
      id = this.prefixes.length;
      this.prefixIds.set(prefix, id);
    }
    return id;
  }

  indexOf(s: string): number {
    for (let i = 0; i < this.length; i++) if (this.get(i) === s) return i;
    return -1;
  }

  toArray(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /** Copies row i's bytes (prefix included) into `to` at `at`; returns the count (for the index file). */
  copyTo(i: number, to: Buffer, at: number): number {
    const p = this.sharePrefixes ? this.pre[i] : 0;
    const n = p === 0 ? 0 : to.write(this.prefixes[p - 1], at, this.encoding);
    return n + this.bytes.copy(to, at + n, this.start[i], this.start[i] + this.len[i]);
  }

  lengthOf(i: number): number {
    const p = this.sharePrefixes ? this.pre[i] : 0;
    return this.len[i] + (p === 0 ? 0 : Buffer.byteLength(this.prefixes[p - 1], this.encoding));
  }

  /** Appends raw bytes as a new row (for loading the index file). */
  pushRaw(b: Buffer): void {
    if (this.sharePrefixes) return this.push(b.toString(this.encoding));
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
      if (this.sharePrefixes) this.pre[w] = this.pre[i];
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
      if (this.sharePrefixes) { const p = new Uint32Array(cap); p.set(this.pre); this.pre = p; }
    }
    if (this.used + bytes > this.bytes.length) {
      const b = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + bytes));
      this.bytes.copy(b, 0, 0, this.used);
      this.bytes = b;
    }
  }
}
