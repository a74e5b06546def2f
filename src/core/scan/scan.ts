import { walkPortable } from './walkPortable.js';
import { nativeWalk } from './walkNative.js';
import { classifyApacheDir, classifyFilesDir, type ClassifyTotals } from './classify.js';
import { detectFormat, detectLayout, type CacheFormat } from './detect.js';
import { UnitTable } from '../table/table.js';
import type { Layout } from '../format/key.js';
import { resolveRoot, statRoot } from './root.js';
import { noopLog, type Log } from '../log.js';
import type { DirRecord, FileStat, Walk, WalkError, WalkOptions } from './walkTypes.js';
import { LOCK_NAME } from '../lock.js';
import { nativeState, type NativeBinding } from '../native/load.js';

const OWN_PREFIX = LOCK_NAME;
/** Foreign file names a report shows. */
const SAMPLES = 10;

export interface ScanOptions {
  readonly root: string;
  readonly format?: CacheFormat | 'auto';
  readonly signal?: AbortSignal;
  readonly log?: Log;
  /** Called after each directory; the CLI throttles it into a TTY progress line. */
  readonly onProgress?: (p: ScanProgress) => void;
  readonly concurrency?: number;
  /** 'auto' (default): the native reader when it is built, else the portable walker. */
  readonly walker?: 'auto' | 'native' | 'portable';
  /** Injected clock (ms), so tests are exact. */
  readonly now?: number;
  /**
   * Rows are handed here after each directory and then dropped: the snapshot's table
   * ends empty. For summaries that need no table (streamReport), and an index written as
   * the rows come (indexedScan).
   */
  readonly rowSink?: (table: UnitTable, format: CacheFormat) => void;
}

export interface ScanProgress {
  files: number;
  directories: number;
  bytes: number;
}

export interface Snapshot {
  /** Absolute, symlinks of the root itself resolved (as htcacheclean's chdir does). */
  readonly root: string;
  readonly format: CacheFormat;
  readonly layout: Layout | null;
  readonly table: UnitTable;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly files: number;
  readonly directories: number;
  /** Blocks of the directories themselves (du counts them; nothing can evict them). */
  readonly dirDisk: number;
  readonly foreign: { files: number; bytes: number; disk: number; samples: string[] };
  /** Symlinks and special files seen (never followed or touched). */
  readonly others: number;
  readonly vanished: number;
  readonly errors: WalkError[];
  readonly interrupted: boolean;
  /** Which reader read it: the native one, or the portable walker (and why). */
  readonly reader: string;
  readonly rootIno: number;
  /** Per directory: what it looked like and where its rows are (saved as the index). */
  readonly dirRecords: DirRecord[];
}

/**
 * The tree a scan reads: its resolved root, the root's lstat, its format, and when the
 * scan started: real wall-clock time (not the injected `now`), compared with file ctimes
 * to spot entries written while the tree was read.
 */
export interface ScanTarget { root: string; rootStat: FileStat; format: CacheFormat; startedAt: number }

/** Resolves the root once (the index's scan shares it): its real path, lstat and format. */
export async function openRoot(opts: Pick<ScanOptions, 'root' | 'format'>): Promise<ScanTarget> {
  const root = await resolveRoot(opts.root);
  const rootStat = await statRoot(root);
  const startedAt = Date.now();
  const format = !opts.format || opts.format === 'auto' ? await detectFormat(root) : opts.format;
  return { root, rootStat, format, startedAt };
}

/** The native binding for `walker` ('portable' = none; 'native' = required; 'auto' = if built). */
export function pickNative(walker: ScanOptions['walker']): NativeBinding | null {
  if (walker === 'portable') return null;
  const { binding, reason } = nativeState();
  if (walker === 'native' && !binding) throw new Error(`the native reader is ${reason}`);
  return binding;
}

/** How a scan reads the tree, picked once: the native walker or the portable one, and its name for the report. */
export interface Reader { readonly native: NativeBinding | null; readonly walk: Walk; readonly name: string }

export function pickReader(walker: ScanOptions['walker']): Reader {
  const native = pickNative(walker);
  if (native) return { native, walk: nativeWalk(native), name: 'native' };
  return { native, walk: walkPortable, name: walker === 'portable' ? 'portable' : `portable (native reader ${nativeState().reason})` };
}

/**
 * Where a scan starts other than from nothing (the index, index/indexedScan.ts): its
 * table, the walk that fills in what changed, and `settle`, which puts the table in order
 * once the walk is done (before anything reads it).
 */
export interface ScanStart { readonly table: UnitTable; readonly walk: Walk; settle(table: UnitTable, records: DirRecord[]): void }

/** Walks the whole cache once and returns every unit, classified, with totals. */
export async function scan(opts: ScanOptions): Promise<Snapshot> {
  return scanTree(await openRoot(opts), opts, pickReader(opts.walker));
}

/**
 * Reads `target` with `reader` (or from `start`): each directory classified into the
 * table, with its record. Records go to `recordSink` when there is one; else they are
 * kept, unless rows stream to `opts.rowSink` (only an index needs them).
 */
export async function scanTree(target: ScanTarget, opts: ScanOptions, reader: Reader, start?: ScanStart, recordSink?: (d: DirRecord) => void): Promise<Snapshot> {
  const { root, rootStat, format, startedAt } = target;
  (opts.log ?? noopLog).debug?.(`scanning ${root} as ${format}`);
  const table = start?.table ?? new UnitTable(1 << 14);
  const totals: ClassifyTotals = { foreignFiles: 0, foreignBytes: 0, foreignDisk: 0, foreignSamples: [], headerErrors: [], vanished: 0 };
  const errors: WalkError[] = [];
  const samples: string[] = [];
  const progress: ScanProgress = { files: 0, directories: 0, bytes: 0 };
  const records: DirRecord[] = [];
  let dirDisk = 0;
  let layout: Layout | null = null;
  let others = 0;
  let vanished = 0;

  // Streaming (rowSink): rows are dropped after each directory; `streamed` counts them (records' rowStart).
  const streaming = opts.rowSink !== undefined && !start;
  let streamed = 0;
  const keep = recordSink ?? (streaming ? undefined : (d: DirRecord) => records.push(d));
  /** A directory's record and totals; `report`: tell onProgress now (a batch of records tells it once). */
  const count = (d: DirRecord, report = true): void => {
    keep?.(d);
    if (d.rel !== '') progress.directories++;
    dirDisk += d.dirDisk;
    others += d.others;
    progress.files += d.files;
    progress.bytes += d.bytes;
    if (report) opts.onProgress?.(progress);
  };

  const walkOpts: WalkOptions = {
    root, rootStat,
    signal: opts.signal,
    concurrency: opts.concurrency,
    readHeaders: format === 'apache',
    onError: (e) => errors.push(e),
    onVanished: () => vanished++,
    onReused: (reused) => {
      for (const d of reused) {
        if (d.foreignFiles > 0) {
          totals.foreignFiles += d.foreignFiles;
          totals.foreignBytes += d.foreignBytes;
          totals.foreignDisk += d.foreignDisk;
          for (const x of d.foreignSamples) keepSample(samples, x);
        }
        count(d, false);
      }
      opts.onProgress?.(progress);
    },
    onDir: (walked) => {
      // Our own lock file lives in the root: it is not part of the cache.
      const dir = walked.rel === '' ? { ...walked, files: walked.files.filter((f) => !f.name.startsWith(OWN_PREFIX)) } : walked;
      const rowStart = table.length;
      // Samples per directory (kept in its record), and the first few by name overall:
      // directories finish in a different order on every run.
      totals.foreignSamples = [];
      const before = { ...totals };
      if (format === 'apache') classifyApacheDir(dir, table, totals);
      else classifyFilesDir(dir, table);
      count({
        rel: dir.rel, mtimeMs: dir.stat.mtimeMs, ctimeMs: dir.stat.ctimeMs, ino: dir.stat.ino,
        rowStart: streamed + rowStart, rowCount: table.length - rowStart, subdirs: dir.subdirs,
        files: dir.files.length, bytes: dir.files.reduce((a, f) => a + f.stat.size, 0),
        dirDisk: dir.stat.blocks * 512, others: dir.others,
        foreignFiles: totals.foreignFiles - before.foreignFiles, foreignBytes: totals.foreignBytes - before.foreignBytes,
        foreignDisk: totals.foreignDisk - before.foreignDisk, foreignSamples: totals.foreignSamples,
      });
      for (const x of totals.foreignSamples) keepSample(samples, x);
      if (streaming) {
        opts.rowSink!(table, format);
        if (format === 'apache') layout ??= detectLayout(table);
        streamed += table.length;
        table.clear();
      }
    },
  };
  const completed = await (start?.walk ?? reader.walk)(walkOpts);
  start?.settle(table, records);
  for (const e of totals.headerErrors) errors.push({ path: `${root}/${e.path}`, code: e.code });
  return {
    root, format, table, startedAt, rootIno: rootStat.ino, dirRecords: records,
    layout: format === 'apache' ? layout ?? detectLayout(table) : null,
    finishedAt: Date.now(),
    files: progress.files,
    directories: progress.directories,
    dirDisk, others,
    foreign: { files: totals.foreignFiles, bytes: totals.foreignBytes, disk: totals.foreignDisk, samples },
    vanished: vanished + totals.vanished,
    errors,
    interrupted: !completed,
    reader: reader.name,
  };
}

/** Keeps the `SAMPLES` first names in order (a short sorted list: insertion is enough). */
function keepSample(list: string[], name: string): void {
  if (list.length === SAMPLES && name >= list[SAMPLES - 1]) return;
  let at = list.length;
  while (at > 0 && list[at - 1] > name) at--;
  list.splice(at, 0, name);
  if (list.length > SAMPLES) list.pop();
}
