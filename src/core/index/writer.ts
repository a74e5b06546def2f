import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';
import type { DirRecord } from '../scan/walkTypes.js';
import { recordsOf } from './records.js';
import { F64_COLUMNS, type UnitTable } from '../table/table.js';
import { DIR_COLUMNS, HEAD, INDEX_VERSION, MAGIC, pad8, raw, recordSections, spareBytes, spareRows, type MetaInput, type StoredMeta } from './format.js';

/** Row sections (F64_COLUMNS, dir, status, kind, reason, flags), then the names' three and the keys' four. */
const ROW_SECTIONS = F64_COLUMNS.length + 5;
const NAME = ROW_SECTIONS, KEY = ROW_SECTIONS + 3;
const SECTIONS = KEY + 4;
/** Bytes per row of each section; 0 = string bytes (spare bytes after them, not spare rows). */
const ELEMENT = [...F64_COLUMNS.map(() => 8), 4, 2, 1, 1, 1, 0, 4, 4, 0, 4, 4, 4];

/** Where a piece of a section is: in memory (a table kept whole), in the scratch file, or made when written. */
type Piece = Uint8Array | { pos: number; len: number } | (() => Uint8Array);

/**
 * Collects a table's rows, section by section, for the index file (format.ts), and writes
 * the file. Rows come as one whole table (`whole`, the columns referenced in place), or
 * directory by directory as a scan streams them (`addStreamed`, copied into a scratch file
 * in the state dir as they come): an index built that way never holds the whole table in
 * memory, which is what lets a first `report` build the index in the memory of one
 * without it. Either way the same bytes reach the file.
 */
export class IndexWriter {
  private readonly pieces: Piece[][] = Array.from({ length: SECTIONS }, () => []);
  /** Bytes added to each section so far. */
  private readonly lengths = new Array<number>(SECTIONS).fill(0);
  private readonly dirs: string[] = [];
  private readonly dirIds = new Map<string, number>();
  private rows = 0;
  private keyPrefixes: readonly string[] = [];
  /** Streaming only: a buffer per section, the scratch file they are flushed to, and why it could not be. */
  private buffers?: { buf: Buffer; used: number }[];
  private scratch?: { fd: number; end: number };
  private failed?: Error;
  /**
   * The directory records, as columns (an object per directory with its own fields and
   * numbers weighs ~390 bytes of heap) and their strings.
   */
  private readonly recs = {
    cols: DIR_COLUMNS.map(() => new Float64Array(1024)), paths: [] as string[],
    subdirs: {} as Record<number, string[]>, extraSubdirs: {} as Record<number, string[]>, foreignSamples: {} as Record<number, string[]>,
  };

  /**
   * `stateDir`: where a streamed table's scratch file goes (the index's own directory);
   * `spillBytes`: each section's buffer before it goes there.
   */
  constructor(private readonly stateDir = '.', private readonly spillBytes = 64 << 10) {}

  /** A writer for a whole table and its records, referenced (not copied): they must not change before `writeTo`. */
  static whole(t: UnitTable, records: readonly DirRecord[]): IndexWriter {
    const w = new IndexWriter();
    w.add(t, (s, a) => w.keep(s, a));
    for (const d of records) w.addRecord(d);
    return w;
  }

  /** One directory's rows (the table is then cleared): copied out, to the scratch file when a buffer fills. */
  addStreamed(t: UnitTable): void {
    this.add(t, (s, a) => this.copy(s, a));
  }

  private add(t: UnitTable, put: (section: number, a: Uint8Array) => void): void {
    const n = t.length;
    if (n === 0) return;
    const c = t.rowColumns();
    F64_COLUMNS.forEach((k, s) => put(s, raw(c.f64[k])));
    // Directory ids are the table's own (a streamed table starts over each directory): the file's are this writer's.
    const ids = new Int32Array(t.dirs.length).fill(-1);
    const dir = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const d = c.dir[i];
      dir[i] = ids[d] >= 0 ? ids[d] : (ids[d] = this.dirId(t.dirs[d]));
    }
    [dir, c.status, c.kind, c.reason, c.flags].forEach((a, k) => put(F64_COLUMNS.length + k, raw(a)));
    this.rows += n;
    for (const [at, col] of [[NAME, t.name], [KEY, t.key]] as const) {
      const p = col.parts();
      const start = this.lengths[at];
      put(at, p.bytes);
      // Offsets into this writer's bytes, not the table's.
      put(at + 1, raw(start === 0 ? p.start : p.start.map((x) => x + start)));
      put(at + 2, raw(p.len));
      if (p.pre) put(at + 3, raw(p.pre));
      if (col === t.key) this.keyPrefixes = p.prefixes;
    }
  }

  /** A directory's record: each once, after the last change to it (a streamed scan's are changed through `records()`). */
  addRecord(d: DirRecord): void {
    const r = this.recs.paths.push(d.rel) - 1;
    if (r === this.recs.cols[0].length) this.recs.cols = this.recs.cols.map((c) => { const g = new Float64Array(c.length * 2); g.set(c); return g; });
    const cols = this.recs.cols;
    cols[0][r] = r; // its path's id in `paths` (records.ts)
    for (let k = 1; k < DIR_COLUMNS.length; k++) cols[k][r] = d[DIR_COLUMNS[k] as Exclude<(typeof DIR_COLUMNS)[number], 'path'>];
    if (d.subdirs?.length) this.recs.subdirs[r] = d.subdirs;
    else if (!d.subdirs && d.extraSubdirs?.length) this.recs.extraSubdirs[r] = d.extraSubdirs;
    if (d.foreignSamples.length > 0) this.recs.foreignSamples[r] = d.foreignSamples;
  }

  /** The records added, in order: objects over the columns (writes go to them). */
  records(): DirRecord[] {
    const n = this.recs.paths.length;
    return recordsOf({ ...this.recs, records: n }, this.recs.cols.map((c) => c.subarray(0, n)));
  }

  private dirId(rel: string): number {
    let id = this.dirIds.get(rel);
    if (id === undefined) this.dirIds.set(rel, (id = this.dirs.push(rel) - 1));
    return id;
  }

  private keep(section: number, a: Uint8Array): void {
    this.pieces[section].push(a);
    this.lengths[section] += a.length;
  }

  private copy(section: number, a: Uint8Array): void {
    if (this.failed) return;
    this.buffers ??= Array.from({ length: SECTIONS }, () => ({ buf: Buffer.allocUnsafe(this.spillBytes), used: 0 }));
    const b = this.buffers[section];
    this.lengths[section] += a.length;
    for (let at = 0; at < a.length;) {
      const n = Math.min(a.length - at, this.spillBytes - b.used);
      b.buf.set(a.subarray(at, at + n), b.used);
      b.used += n;
      at += n;
      if (b.used === this.spillBytes) this.flush(section);
    }
  }

  /**
   * A scratch file that cannot be written (a full or read-only state dir) fails the save
   * at the end, as a save would, not the scan: the report does not depend on the index.
   */
  private flush(section: number): void {
    const b = this.buffers![section];
    if (b.used === 0) return;
    try {
      if (!this.scratch) {
        mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
        // Unlinked at once: a run killed midway leaves nothing behind.
        const path = join(this.stateDir, `.index-scratch.${randomBytes(6).toString('hex')}.tmp`);
        const fd = openSync(path, 'wx+', 0o600);
        unlinkSync(path);
        this.scratch = { fd, end: 0 };
      }
      writeAll(this.scratch.fd, b.buf.subarray(0, b.used), this.scratch.end);
    } catch (e) {
      this.failed ??= e as Error;
      this.buffers = undefined;
      return this.discard();
    }
    this.pieces[section].push({ pos: this.scratch.end, len: b.used });
    this.scratch.end += b.used;
    b.used = 0;
  }

  /** Writes the whole file to `fh` (head, meta, sections); the writer is spent afterwards. */
  async writeTo(fh: FileHandle, input: MetaInput): Promise<void> {
    try {
      this.buffers?.forEach((_, s) => this.flush(s));
      if (this.failed) throw this.failed;
      const rows = this.rows;
      const n = this.recs.paths.length;
      const { paths, column, extraSubdirs, foreignSamples } = recordSections({ ...this.recs, records: n, cols: this.recs.cols.map((c) => c.subarray(0, n)) }, this.dirs, this.dirIds);
      const meta: StoredMeta = {
        ...input, version: INDEX_VERSION, rows, paths, tableDirs: this.dirs.length,
        keyPrefixes: [...this.keyPrefixes], records: n, extraSubdirs, foreignSamples,
        capacity: rows + spareRows(rows), nameBytes: this.lengths[NAME], keyBytes: this.lengths[KEY],
      };
      if (this.lengths[KEY + 3] === 0) this.keep(KEY + 3, raw(new Uint32Array(rows)));
      // Each section: its pieces, its bytes, and the spare room after them (format.ts): rows or string bytes. The records' have none.
      const sections = [
        ...this.pieces.map((pieces, s) => ({ pieces, bytes: this.lengths[s], room: ELEMENT[s] === 0 ? spareBytes(this.lengths[s]) : spareRows(rows) * ELEMENT[s] })),
        ...DIR_COLUMNS.map((_, k) => ({ pieces: [() => raw(column(k))], bytes: n * 8, room: 0 })),
      ];
      const table = Float64Array.from(sections, (x) => x.bytes + x.room);
      const json = Buffer.from(JSON.stringify(meta));
      let pos = HEAD, sum = 0;
      const put = async (b: Uint8Array): Promise<void> => {
        // The kernel copies the bytes on the thread pool while this thread sums them (neither writes them).
        const writing = fh.write(b, 0, b.length, pos);
        sum = crc32(b, sum);
        pos += b.length;
        const { bytesWritten } = await writing;
        if (bytesWritten !== b.length) throw Object.assign(new Error(`short write (${bytesWritten} of ${b.length} bytes)`), { code: 'EIO' });
      };
      const zeros = (n: number) => put(Buffer.alloc(n));
      await put(json);
      await zeros(pad8(json.length) - json.length);
      await put(raw(table));
      const chunk = this.scratch ? Buffer.allocUnsafe(this.spillBytes) : null;
      for (const { pieces, bytes, room } of sections) {
        for (const p of pieces) {
          if (p instanceof Uint8Array) await put(p);
          else if (typeof p === 'function') await put(p());
          else await put(readAll(this.scratch!.fd, chunk!.subarray(0, p.len), p.pos));
        }
        await zeros(pad8(bytes + room) - bytes);
      }
      await fh.write(head(json.length, sections.length, pos - HEAD, sum), 0, HEAD, 0);
    } finally {
      this.discard();
    }
  }

  /** Closes the scratch file (already unlinked), if any. */
  discard(): void {
    if (this.scratch) closeSync(this.scratch.fd);
    this.scratch = undefined;
  }
}

function head(jsonLength: number, sections: number, bodyLength: number, sum: number): Buffer {
  const h = Buffer.alloc(HEAD);
  MAGIC.copy(h, 0);
  h.writeUInt8(INDEX_VERSION, 5);
  h.writeUInt32LE(jsonLength, 8);
  h.writeUInt32LE(sections, 12);
  h.writeDoubleLE(bodyLength, 16);
  h.writeUInt32LE(sum, 24);
  return h;
}

function writeAll(fd: number, b: Uint8Array, pos: number): void {
  for (let at = 0; at < b.length;) at += writeSync(fd, b, at, b.length - at, pos + at);
}

function readAll(fd: number, b: Buffer, pos: number): Buffer {
  for (let at = 0; at < b.length;) {
    const n = readSync(fd, b, at, b.length - at, pos + at);
    if (n === 0) throw Object.assign(new Error('index scratch file truncated'), { code: 'EIO' });
    at += n;
  }
  return b;
}
