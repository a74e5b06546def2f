/**
 * Many short strings (cache keys, file stems) in one growable byte buffer with an
 * offset and a length per row. As JS strings they would cost a heap object each, and the
 * heap's growth factor on top at peak; here they cost their bytes plus 8, outside the
 * heap. `get` decodes on demand (a fresh string each call).
 *
 * With `sharePrefixes` (keys), everything up to the last '/' is interned once and a row
 * keeps only its id and the rest: a mirror's URLs share `http://host:80/distfiles/`, so
 * a key costs its last path segment plus 12 bytes.
 */
export interface StringParts {
  bytes: Buffer;
  start: Uint32Array;
  len: Uint32Array;
  pre?: Uint32Array;
  prefixes: readonly string[];
  /** Loaded parts with spare room: rows and bytes in use (default: all of them). */
  rows?: number;
  used?: number;
}

export class StringColumn {
  private bytes: Buffer;
  private used = 0;
  private start: Uint32Array;
  private len: Uint32Array;
  /** Per row: index into `prefixes` + 1 (0 = none). Only with sharePrefixes. */
  private pre: Uint32Array;
  private readonly prefixes: string[] = [];
  /** Bits: 1 = row arrays, 2 = bytes are still the index file's, exactly full. */
  private loaded = 0;
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

  /** Drops every row; interned prefixes stay (their ids remain valid). */
  clear(): void {
    this.length = 0;
    this.used = 0;
  }

  /** Row i's shared prefix: its id (0 = none), for grouping rows without decoding them. */
  prefixId(i: number): number {
    return this.sharePrefixes ? this.pre[i] : 0;
  }

  /** The prefix of id `id` (> 0). */
  prefix(id: number): string {
    return this.prefixes[id - 1];
  }

  get prefixCount(): number {
    return this.prefixes.length;
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

  /** The column as the index file stores it: its arrays as they are, no per-row work. */
  parts(): StringParts {
    const n = this.length;
    return {
      bytes: this.bytes.subarray(0, this.used), start: this.start.subarray(0, n), len: this.len.subarray(0, n),
      pre: this.sharePrefixes ? this.pre.subarray(0, n) : undefined, prefixes: this.prefixes,
    };
  }

  /**
   * A column over `parts` in place (views into the loaded index file): loading costs
   * nothing per row. The first push or set copies what it must grow.
   */
  static fromParts(encoding: 'latin1' | 'utf8', sharePrefixes: boolean, p: StringParts): StringColumn {
    const c = new StringColumn(encoding, 0, 0, sharePrefixes);
    c.bytes = p.bytes;
    c.used = p.used ?? p.bytes.length;
    c.start = p.start;
    c.len = p.len;
    if (sharePrefixes) c.pre = p.pre ?? new Uint32Array(p.start.length);
    for (const x of p.prefixes) c.intern(x);
    c.length = p.rows ?? p.start.length;
    c.loaded = 3;
    return c;
  }

  /**
   * Rows in the order `perm` (new row k = old row perm[k]). The bytes stay where they are;
   * once over half of them belong to no row, the live ones are copied together.
   */
  permute(perm: Int32Array): void {
    const n = perm.length;
    const cap = Math.max(1024, n);
    const start = new Uint32Array(cap), len = new Uint32Array(cap), pre = new Uint32Array(this.sharePrefixes ? cap : 0);
    let live = 0;
    for (let k = 0; k < n; k++) {
      const r = perm[k];
      start[k] = this.start[r];
      live += len[k] = this.len[r];
      if (this.sharePrefixes) pre[k] = this.pre[r];
    }
    this.start = start; this.len = len; this.pre = pre;
    this.length = n;
    if (live * 2 < this.used) this.compact();
  }

  /** Copies the rows' bytes together, dropping those no row holds any more. */
  compact(): void {
    const out = Buffer.allocUnsafe(Math.max(1024, this.used));
    let at = 0;
    for (let i = 0; i < this.length; i++) {
      this.bytes.copy(out, at, this.start[i], this.start[i] + this.len[i]);
      this.start[i] = at;
      at += this.len[i];
    }
    this.bytes = out;
    this.used = at;
  }

  private reserve(rows: number, bytes: number): void {
    // A column loaded from the index is exactly full: each part grows by 1/8 once (see UnitTable.grow).
    if (this.length + rows > this.start.length) {
      const cap = Math.max(1024, Math.ceil(this.start.length * (this.loaded & 1 ? 1.125 : this.start.length < 1 << 18 ? 2 : 1.5)), this.length + rows);
      const s = new Uint32Array(cap); s.set(this.start); this.start = s;
      const l = new Uint32Array(cap); l.set(this.len); this.len = l;
      if (this.sharePrefixes) { const p = new Uint32Array(cap); p.set(this.pre); this.pre = p; }
      this.loaded &= ~1;
    }
    if (this.used + bytes > this.bytes.length) {
      const b = Buffer.allocUnsafe(Math.max(1024, Math.ceil(this.bytes.length * (this.loaded & 2 ? 1.125 : this.bytes.length < 8 << 20 ? 2 : 1.5)), this.used + bytes));
      this.bytes.copy(b, 0, 0, this.used);
      this.bytes = b;
      this.loaded &= ~2;
    }
  }

}
