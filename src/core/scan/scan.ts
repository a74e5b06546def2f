import { dirname, relative } from 'node:path';
import { walk, type WalkError, type WalkOptions } from './walk.js';
import { makeNativeReuser } from './reuseNative.js';
import { classifyApacheDir, classifyFilesDir, type ClassifyTotals } from './classify.js';
import { detectFormat, detectLayout, type CacheFormat } from './detect.js';
import { Kind, UnitTable } from './table.js';
import type { Layout } from '../format/key.js';
import { resolveRoot, statRoot } from './root.js';
import { noopLog, type Log } from '../log.js';
import type { DirRecord } from '../index/format.js';
import type { LoadedIndex } from '../index/store.js';
import { makeReuser } from './reuse.js';
import { regroup } from './regroup.js';
import { LOCK_NAME } from '../lock.js';
import { nativeState, type NativeBinding } from '../native/load.js';

const OWN_PREFIX = LOCK_NAME;
/** Foreign file names a report shows. */
const SAMPLES = 10;
/** A directory mtime no directory has: its record is always read again (markUnvouched). */
const UNVOUCHED = -1;

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
   * Rows are handed here after each directory and then dropped (not with `reuse`): the
   * snapshot's table ends empty. For summaries that need no table (streamReport).
   */
  readonly rowSink?: (table: UnitTable, format: CacheFormat) => void;
  /** Start from a persisted index: only changed directories are read again. */
  readonly reuse?: { index: LoadedIndex };
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
  /** Set when the scan started from a persisted index. */
  readonly reuse?: { reusedDirs: number; readDirs: number; refreshed: number };
}

/** The native binding for `walker` ('portable' = none; 'native' = required; 'auto' = if built). */
export function pickNative(walker: ScanOptions['walker']): NativeBinding | null {
  if (walker === 'portable') return null;
  const { binding, reason } = nativeState();
  if (walker === 'native' && !binding) throw new Error(`the native reader is ${reason}`);
  return binding;
}

/** Walks the whole cache once and returns every unit, classified, with totals. */
export async function scan(opts: ScanOptions): Promise<Snapshot> {
  const log = opts.log ?? noopLog;
  const root = await resolveRoot(opts.root);
  const rootStat = await statRoot(root);
  // Real wall-clock start (not the injected `now`): compared with file ctimes to spot
  // entries written while we scanned.
  const startedAt = Date.now();
  const format = !opts.format || opts.format === 'auto' ? await detectFormat(root) : opts.format;
  log.debug?.(`scanning ${root} as ${format}`);
  const table = opts.reuse?.index.table ?? new UnitTable(1 << 14);
  const totals: ClassifyTotals = { foreignFiles: 0, foreignBytes: 0, foreignDisk: 0, foreignSamples: [], headerErrors: [], vanished: 0 };
  const errors: WalkError[] = [];
  const samples: string[] = [];
  const progress: ScanProgress = { files: 0, directories: 0, bytes: 0 };
  const records: DirRecord[] = [];
  /** Records taken from the index unchanged (every file of their rows checked). */
  const fromIndex: DirRecord[] = [];
  let dirDisk = 0;
  let layout: Layout | null = null;
  let others = 0;
  let vanished = 0;

  // Streaming (rowSink): rows are dropped after each directory, and so are records (only the index needs them).
  const streaming = opts.rowSink !== undefined && !opts.reuse;
  /** A directory's record and totals; `report`: tell onProgress now (a batch of records tells it once). */
  const count = (d: DirRecord, report = true): void => {
    if (!streaming) records.push(d);
    if (d.rel !== '') progress.directories++;
    dirDisk += d.dirDisk;
    others += d.others;
    progress.files += d.files;
    progress.bytes += d.bytes;
    if (report) opts.onProgress?.(progress);
  };
  const reused = (d: DirRecord, report = true): void => {
    if (d.foreignFiles > 0) {
      totals.foreignFiles += d.foreignFiles;
      totals.foreignBytes += d.foreignBytes;
      totals.foreignDisk += d.foreignDisk;
      for (const x of d.foreignSamples) keepSample(samples, x);
    }
    fromIndex.push(d);
    count(d, report);
  };
  /** Records of the index found unchanged, all at once (the native reuser): one progress call. */
  const reusedAll = (which: readonly number[]): void => {
    const { dirs } = opts.reuse!.index.meta;
    for (const k of which) reused(dirs[k], false);
    opts.onProgress?.(progress);
  };
  const native = pickNative(opts.walker);
  const nativeReuser = opts.reuse && native ? makeNativeReuser(native, root, rootStat.ino, opts.reuse.index, reusedAll) : undefined;
  const reuser = nativeReuser ?? (opts.reuse ? makeReuser(root, opts.reuse.index, reused) : undefined);

  const walkOpts: WalkOptions = {
    root, rootStat,
    signal: opts.signal,
    concurrency: opts.concurrency,
    native,
    tryReuse: nativeReuser ? undefined : reuser?.tryReuse,
    readHeaders: format === 'apache',
    onError: (e) => errors.push(e),
    onVanished: () => vanished++,
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
        rel: dir.rel, mtimeMs: dir.stat?.mtimeMs ?? 0, ctimeMs: dir.stat?.ctimeMs ?? 0, ino: dir.stat?.ino ?? 0,
        rowStart, rowCount: table.length - rowStart, subdirs: dir.subdirs,
        files: dir.files.length, bytes: dir.files.reduce((a, f) => a + f.stat.size, 0),
        dirDisk: dir.stat ? dir.stat.blocks * 512 : 0, others: dir.others,
        foreignFiles: totals.foreignFiles - before.foreignFiles, foreignBytes: totals.foreignBytes - before.foreignBytes,
        foreignDisk: totals.foreignDisk - before.foreignDisk, foreignSamples: totals.foreignSamples,
      });
      for (const x of totals.foreignSamples) keepSample(samples, x);
      if (streaming) {
        opts.rowSink!(table, format);
        if (format === 'apache') layout ??= detectLayout(table);
        table.clear();
      }
    },
  };
  const walked = nativeReuser ? await nativeReuser.walk(walkOpts) : await walk(walkOpts);
  if (walked === 'full-scan') {
    log.debug?.('most directories changed since the index: a full scan instead');
    const full = await scan({ ...opts, format, reuse: undefined });
    return { ...full, reuse: { reusedDirs: 0, readDirs: full.dirRecords.length, refreshed: 0 } };
  }
  const completed = walked;

  // Rows of directories that changed or vanished since the index was saved go now. When every record
  // of the index came back unchanged, the table is the one saved, which was regrouped
  // before it was saved (checking that again cost ~50 ms at 500k rows).
  const asSaved = fromIndex.length === records.length && records.length === opts.reuse?.index.meta.dirs.length;
  if (reuser && !asSaved) regroup(table, records);
  for (const e of totals.headerErrors) errors.push({ path: `${root}/${e.path}`, code: e.code });
  markUnvouched(records, errors, root);
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
    reader: native ? 'native' : opts.walker === 'portable' ? 'portable' : `portable (native reader ${nativeState().reason})`,
    reuse: reuser ? { reusedDirs: reuser.reusedDirs, readDirs: records.length - reuser.reusedDirs, refreshed: reuser.refreshed } : undefined,
  };
}

/**
 * The index vouches only for what its rows describe. A directory with files that are no
 * row (foreign files, unreadable headers: their sizes and errors are not checked) or
 * with an error below it (an unreadable subdirectory, which has no record of its own)
 * gets a record that never matches, so every indexed run reads it again and reports
 * what a full scan reports.
 */
function markUnvouched(records: DirRecord[], errors: readonly WalkError[], root: string): void {
  const flagged = new Set<string>();
  for (const e of errors) {
    const rel = relative(root, e.path);
    if (rel.startsWith('..')) continue;
    flagged.add(rel);
    flagged.add(dirname(rel) === '.' ? '' : dirname(rel));
  }
  for (const d of records) {
    if (d.foreignFiles > 0 || flagged.has(d.rel)) d.mtimeMs = UNVOUCHED;
  }
}

/** Keeps the `SAMPLES` first names in order (a short sorted list: insertion is enough). */
function keepSample(list: string[], name: string): void {
  if (list.length === SAMPLES && name >= list[SAMPLES - 1]) return;
  let at = list.length;
  while (at > 0 && list[at - 1] > name) at--;
  list.splice(at, 0, name);
  if (list.length > SAMPLES) list.pop();
}

/** Rows of the table that are servable entries (what `htcacheclean -A` lists). */
export function* entryRows(snap: Snapshot): Generator<number> {
  const { table } = snap;
  for (let i = 0; i < table.length; i++) if (table.kind[i] === Kind.Entry) yield i;
}
