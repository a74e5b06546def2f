import { StringColumn } from './strings.js';
import { F64_COLUMNS, Flag, rowFiles, type F64Column, type Kind, type RowColumns } from './types.js';

export * from './types.js';

type Column = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * Columnar storage for scanned cache units. A cache of a million entries must fit in a
 * few hundred bytes per entry, so there is no object per entry: numbers live in growable
 * typed arrays and strings (key, file stem) in two StringColumns. Row i of every column
 * is unit i.
 */
export class UnitTable {
  length = 0;
  private capacity: number;
  /** Columns are the index file's, exactly full (see grow). */
  private loaded = false;
  kind: Uint8Array;
  reason: Uint8Array;
  flags: Uint8Array;
  status: Uint16Array;
  dir: Uint32Array;
  readonly f64: Record<F64Column, Float64Array>;
  /** File stem (or whole name with Flag.RawName); UTF-8, as names can be anything. */
  name = new StringColumn('utf8', 1024, 24);
  /** Cache key (URL) for entries, variants (base key) and unusable entries; '' otherwise. Raw bytes. */
  key = new StringColumn('latin1', 1024, 24, true);
  /** Interned directory paths relative to the root ('' = the root itself). */
  dirs: string[] = [];
  private readonly dirIds = new Map<string, number>();

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.kind = new Uint8Array(capacity);
    this.reason = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.status = new Uint16Array(capacity);
    this.dir = new Uint32Array(capacity);
    this.f64 = Object.fromEntries(F64_COLUMNS.map((c) => [c, new Float64Array(capacity)])) as Record<F64Column, Float64Array>;
  }

  /** A directory's id in `dirs`, given one if it has none. */
  internDir(rel: string): number {
    // Built on first use: a table loaded from the index may never get a new row.
    if (this.dirIds.size < this.dirs.length) this.dirs.forEach((d, i) => this.dirIds.set(d, i));
    let id = this.dirIds.get(rel);
    if (id === undefined) this.dirIds.set(rel, (id = this.dirs.push(rel) - 1));
    return id;
  }

  /**
   * Appends a row, every number 0: the caller writes its columns (no object per row, and
   * each column named, not looked up by a key string: a scan appends one per unit).
   */
  append(kind: Kind, reason: number, flags: number, dir: number, name: string, key: string): number {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.kind[i] = kind;
    this.reason[i] = reason;
    this.flags[i] = flags;
    this.status[i] = 0;
    this.dir[i] = dir;
    const v = this.f64;
    v.hdrSize[i] = 0; v.hdrDisk[i] = 0; v.dataSize[i] = 0; v.dataDisk[i] = 0;
    v.hdrMtime[i] = 0; v.hdrAtime[i] = 0; v.dataMtime[i] = 0; v.dataAtime[i] = 0;
    v.changed[i] = 0; v.expire[i] = 0; v.date[i] = 0; v.requestTime[i] = 0; v.responseTime[i] = 0;
    this.name.push(name);
    this.key.push(key);
    return i;
  }

  /** Drops every row and interned directory (key prefixes stay: their ids remain valid). */
  clear(): void {
    this.length = 0;
    this.name.clear();
    this.key.clear();
    this.dirs.length = 0;
    this.dirIds.clear();
  }

  /** Relative paths of the unit's files (rowFiles: header first). */
  files(i: number): string[] {
    const d = this.dirs[this.dir[i]];
    const name = this.name.get(i);
    const base = d === '' ? name : `${d}/${name}`;
    return rowFiles(this.flags[i]).map((f) => base + f.suffix);
  }

  /** The access-time column that holds row i's recency: its body's when it has one, else its header's. */
  recencyAtime(i: number): Float64Array {
    return this.flags[i] & Flag.HasData ? this.f64.dataAtime : this.f64.hdrAtime;
  }

  size(i: number, usage: 'disk' | 'apparent'): number {
    return usage === 'disk'
      ? this.f64.hdrDisk[i] + this.f64.dataDisk[i]
      : this.f64.hdrSize[i] + this.f64.dataSize[i];
  }

  /** The row columns cut to `length` (views, no copy), for the index file. */
  rowColumns(): RowColumns {
    const n = this.length;
    const f64 = Object.fromEntries(F64_COLUMNS.map((c) => [c, this.f64[c].subarray(0, n)])) as Record<F64Column, Float64Array>;
    return { f64, dir: this.dir.subarray(0, n), status: this.status.subarray(0, n), kind: this.kind.subarray(0, n), reason: this.reason.subarray(0, n), flags: this.flags.subarray(0, n) };
  }

  /**
   * A table over columns loaded from the index file, used in place; rows past `length`
   * (the file's spare rows) take new rows without a copy; growing past them copies.
   */
  static fromColumns(length: number, dirs: readonly string[], cols: RowColumns, name: StringColumn, key: StringColumn): UnitTable {
    const t = new UnitTable(0);
    t.dirs = dirs.slice();
    t.capacity = cols.dir.length;
    t.loaded = true;
    Object.assign(t.f64, cols.f64);
    t.dir = cols.dir; t.status = cols.status; t.kind = cols.kind; t.reason = cols.reason; t.flags = cols.flags;
    t.name = name;
    t.key = key;
    t.length = length;
    return t;
  }

  /** Rows in the order `perm` (new row k = old row perm[k]); rows not listed are dropped. */
  permute(perm: Int32Array): void {
    const n = perm.length;
    this.capacity = Math.max(1024, n);
    this.replaceColumns((col, out) => { for (let k = 0; k < n; k++) out[k] = col[perm[k]]; });
    this.name.permute(perm);
    this.key.permute(perm);
    this.length = n;
  }

  /** Every numeric column replaced by a fresh one of `capacity` rows, which `fill` writes from the old. */
  private replaceColumns(fill: <T extends Column>(old: T, out: T) => void): void {
    const fresh = <T extends Column>(old: T): T => {
      const out = new (old.constructor as new (n: number) => T)(this.capacity);
      fill(old, out);
      return out;
    };
    this.kind = fresh(this.kind); this.reason = fresh(this.reason); this.flags = fresh(this.flags);
    this.status = fresh(this.status); this.dir = fresh(this.dir);
    for (const c of F64_COLUMNS) this.f64[c] = fresh(this.f64[c]);
  }

  private grow(): void {
    // Doubling, except for a table loaded from the index (exactly full: a run's few new
    // rows need +1/8, not twice every column in fresh pages), and +50% past 256k rows
    // (doubling a million rows would hold as many unused).
    this.capacity = Math.max(1024, this.loaded ? this.capacity + (this.capacity >>> 3) : this.capacity < 1 << 18 ? this.capacity * 2 : this.capacity + (this.capacity >>> 1));
    this.loaded = false;
    this.replaceColumns((old, out) => out.set(old as never));
  }
}
