import { DIR_COLUMNS, type RecordSource } from './format.js';
import type { DirRecord } from '../scan/walkTypes.js';

/**
 * Directory records read from columns when asked: those of a loaded index, and those an
 * index writer collected as a scan streamed them (writer.ts). A record is two fields and
 * accessors, not a copy of every field: an object per directory with its own fields and
 * numbers weighs ~390 bytes of heap, which counts in a run's peak memory. Writes
 * (regroup's rowStart/rowCount, an unvouched mtime) go to the columns, which are
 * in memory: the file never changes.
 */
export function recordsOf(meta: RecordSource, cols: Float64Array[]): DirRecord[] {
  const src: Source = { meta, cols };
  const out: DirRecord[] = new Array(meta.records);
  // The numeric fields are accessors on the prototype (below): the cast says so.
  for (let r = 0; r < meta.records; r++) out[r] = new StoredRecord(src, r) as unknown as DirRecord;
  return out;
}

interface Source { meta: RecordSource; cols: Float64Array[] }
const NO_SAMPLES: string[] = [];

class StoredRecord {
  constructor(readonly s: Source, readonly r: number) {}
  get rel(): string { return this.s.meta.paths[this.s.cols[0][this.r]]; }
  get foreignSamples(): string[] { return this.s.meta.foreignSamples[this.r] ?? NO_SAMPLES; }
  get extraSubdirs(): string[] | undefined { return this.s.meta.extraSubdirs[this.r]; }
  get subdirs(): string[] | undefined { return this.s.meta.subdirs?.[this.r]; }
}
// Each numeric field of DirRecord, read from and written to its column (DIR_COLUMNS order).
DIR_COLUMNS.forEach((name, c) => {
  if (name === 'path') return;
  Object.defineProperty(StoredRecord.prototype, name, {
    get(this: StoredRecord) { return this.s.cols[c][this.r]; },
    set(this: StoredRecord, v: number) { this.s.cols[c][this.r] = v; },
  });
});
