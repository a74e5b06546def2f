import type { StoredMeta } from './format.js';
import type { DirRecord } from '../scan/walkTypes.js';

/**
 * The directory records, read from their columns when asked (no subdirs: see
 * DirRecord.subdirs). Building 66k plain objects cost ~140 ms and their garbage collection
 * more, on a re-run that mostly reads a few fields of each; a record here is two fields
 * and accessors. Writes (regroup moves rowStart/rowCount) go to the columns, which are a
 * private mapping or a private copy: the file never changes.
 */
export function recordsOf(meta: StoredMeta, cols: Float64Array[]): DirRecord[] {
  const src: RecordSource = { paths: meta.paths, cols, foreignSamples: meta.foreignSamples, extraSubdirs: meta.extraSubdirs };
  const out: DirRecord[] = new Array(meta.records);
  for (let r = 0; r < meta.records; r++) out[r] = new StoredRecord(src, r);
  return out;
}

interface RecordSource {
  paths: string[];
  cols: Float64Array[];
  foreignSamples: Record<number, string[]>;
  extraSubdirs: Record<number, string[]>;
}

const NO_SAMPLES: string[] = [];
/** Column number of each numeric field (DIR_COLUMNS order). */
const enum C { Path, Mtime, Ctime, Ino, RowStart, RowCount, Files, Bytes, DirDisk, ForeignFiles, ForeignBytes, ForeignDisk, Others }

class StoredRecord implements DirRecord {
  subdirs?: string[];
  #samples?: string[];
  #extra?: string[] | null;
  constructor(private readonly s: RecordSource, private readonly r: number) {}
  get rel(): string { return this.s.paths[this.s.cols[C.Path][this.r]]; }
  get mtimeMs(): number { return this.s.cols[C.Mtime][this.r]; }
  set mtimeMs(v: number) { this.s.cols[C.Mtime][this.r] = v; }
  get ctimeMs(): number { return this.s.cols[C.Ctime][this.r]; }
  set ctimeMs(v: number) { this.s.cols[C.Ctime][this.r] = v; }
  get ino(): number { return this.s.cols[C.Ino][this.r]; }
  set ino(v: number) { this.s.cols[C.Ino][this.r] = v; }
  get rowStart(): number { return this.s.cols[C.RowStart][this.r]; }
  set rowStart(v: number) { this.s.cols[C.RowStart][this.r] = v; }
  get rowCount(): number { return this.s.cols[C.RowCount][this.r]; }
  set rowCount(v: number) { this.s.cols[C.RowCount][this.r] = v; }
  get files(): number { return this.s.cols[C.Files][this.r]; }
  set files(v: number) { this.s.cols[C.Files][this.r] = v; }
  get bytes(): number { return this.s.cols[C.Bytes][this.r]; }
  set bytes(v: number) { this.s.cols[C.Bytes][this.r] = v; }
  get dirDisk(): number { return this.s.cols[C.DirDisk][this.r]; }
  set dirDisk(v: number) { this.s.cols[C.DirDisk][this.r] = v; }
  get foreignFiles(): number { return this.s.cols[C.ForeignFiles][this.r]; }
  set foreignFiles(v: number) { this.s.cols[C.ForeignFiles][this.r] = v; }
  get foreignBytes(): number { return this.s.cols[C.ForeignBytes][this.r]; }
  set foreignBytes(v: number) { this.s.cols[C.ForeignBytes][this.r] = v; }
  get foreignDisk(): number { return this.s.cols[C.ForeignDisk][this.r]; }
  set foreignDisk(v: number) { this.s.cols[C.ForeignDisk][this.r] = v; }
  get others(): number { return this.s.cols[C.Others][this.r]; }
  set others(v: number) { this.s.cols[C.Others][this.r] = v; }
  get foreignSamples(): string[] { return this.#samples ?? this.s.foreignSamples[this.r] ?? NO_SAMPLES; }
  set foreignSamples(v: string[]) { this.#samples = v; }
  get extraSubdirs(): string[] | undefined { return this.#extra === undefined ? this.s.extraSubdirs[this.r] : this.#extra ?? undefined; }
  set extraSubdirs(v: string[] | undefined) { this.#extra = v ?? null; }
}
