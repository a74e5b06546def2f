import { dirname, relative } from 'node:path';
import { openRoot, pickReader, scanTree, type Reader, type ScanOptions, type ScanTarget, type Snapshot } from '../scan/scan.js';
import type { UnitTable } from '../table/table.js';
import type { CacheFormat } from '../scan/detect.js';
import { IndexWriter } from './writer.js';
import type { DirRecord, WalkError } from '../scan/walkTypes.js';
import { noopLog, type Log } from '../log.js';
import type { IndexMeta } from './format.js';
import { loadIndex, saveIndex, type LoadedIndex } from './store.js';
import { applyAccessLogs, type AccessLogResult } from '../accessLog/recency.js';
import { reusePortable, type Reuse } from './reuse.js';
import { reuseNative } from './reuseNative.js';
import { regroup } from './regroup.js';
export interface IndexOptions {
  /** Where the index lives; undefined = no index (a plain full scan). */
  readonly stateDir?: string;
  /** Ignore the saved index and read every directory (it is rewritten afterwards). */
  readonly full?: boolean;
  /** Apache access logs whose requests raise recency (for noatime mounts). */
  readonly accessLogs?: readonly string[];
  /** A LogFormat string; default: common or combined. */
  readonly logFormat?: string;
}

export interface IndexInfo {
  readonly used: boolean;
  /** Why the index was (not) used: 'index loaded', 'no index yet', 'index checksum mismatch'... */
  readonly reason: string;
  readonly reusedDirs: number;
  readonly readDirs: number;
  readonly saved?: string;
  /** Nothing the index holds changed (no directory re-read, no log lines): not rewritten. */
  readonly unchanged?: boolean;
  readonly saveError?: string;
  readonly accessLog?: AccessLogResult;
}

export type IndexedSnapshot = Snapshot & { readonly index: IndexInfo };

/**
 * A scan and its index, not saved yet: `commit()` (once) saves it and resolves to the final
 * info. Saving moves no row, so the snapshot may be planned and evicted from meanwhile
 * (prune does); nothing may change the table until it resolves.
 */
export interface IndexedScan {
  readonly snapshot: IndexedSnapshot;
  commit(): Promise<IndexInfo>;
}

/** indexedScan, saved before it returns: what report, list and the HTML report use. */
export async function indexedScan(opts: ScanOptions & IndexOptions): Promise<IndexedSnapshot> {
  const { snapshot, commit } = await scanWithIndex(opts);
  return { ...snapshot, index: await commit() };
}

/**
 * A scan that starts from the persisted index when one can be trusted, applies access
 * logs, and hands back the index to save. The index is only a starting point: a directory
 * is reused only if its mtime/ctime/inode and every file of its rows are unchanged, and
 * evict re-checks every victim before unlinking, so a stale index cannot cause a wrong
 * deletion.
 *
 * With `rowSink`, a run that reads the whole tree (no usable index) hands the rows to it
 * one directory at a time and writes them to the index as they come, and the snapshot's
 * table ends empty; a run that starts from the index returns its table whole. A caller
 * that sums rows sums both: what the sink got, then `snapshot.table`.
 */
export async function scanWithIndex(opts: ScanOptions & IndexOptions): Promise<IndexedScan> {
  const log = opts.log ?? noopLog;
  let target = await openRoot(opts);
  const reader = pickReader(opts.walker);
  const settled = (snapshot: IndexedSnapshot): IndexedScan => ({ snapshot, commit: async () => snapshot.index });
  if (!opts.stateDir) {
    const snap = await scanTree(target, opts, reader);
    return settled({ ...snap, index: { used: false, reason: 'no state dir', reusedDirs: 0, readDirs: snap.dirRecords.length } });
  }
  const stateDir = opts.stateDir;
  const loaded = opts.full ? { index: null, reason: '--full' } : await loadIndex(stateDir, target.root, target.rootStat.ino, target.format);
  if (!loaded.index) log.debug?.(`full scan: ${loaded.reason}`);
  // The scan starts now, with the index's checks.
  target = { ...target, startedAt: Date.now() };
  const { snap, reuse, streamed } = await scanFrom(target, opts, stateDir, reader, loaded.index);
  // Access logs are applied to a table kept whole (scanFrom), so never when rows were `streamed`.
  const accessLog = (opts.accessLogs?.length ?? 0) > 0 && !snap.interrupted
    ? await applyAccessLogs(snap.table, opts.accessLogs!, loaded.index?.meta.logs ?? {}, { format: opts.logFormat, use: loaded.index?.meta.logUse })
    : undefined;
  const readDirs = snap.dirRecords.length - (reuse?.reusedDirs ?? 0);
  const info = { used: loaded.index !== null, reason: loaded.reason, reusedDirs: reuse?.reusedDirs ?? 0, readDirs, accessLog };
  // Every directory reused and no log line read: the saved index still describes the tree
  // (the access times it holds are refreshed from the files on every run anyway).
  const logsMoved = accessLog !== undefined && (accessLog.lines > 0 || JSON.stringify(accessLog.positions) !== JSON.stringify(loaded.index?.meta.logs ?? {}));
  const unchanged = !snap.interrupted && reuse !== undefined && readDirs === 0 && !logsMoved;
  if (snap.interrupted || unchanged) {
    streamed?.discard();
    return settled({ ...snap, index: unchanged ? { ...info, unchanged } : info });
  }
  // Without --access-log this run read no log: what earlier runs read is kept for the next that does.
  const logs = accessLog ? { logs: accessLog.positions, logUse: accessLog.use } : { logs: loaded.index?.meta.logs, logUse: loaded.index?.meta.logUse };
  markUnvouched(snap.dirRecords, snap.errors, snap.root);
  const rows = streamed ?? IndexWriter.whole(snap.table, snap.dirRecords);
  return { snapshot: { ...snap, index: info }, commit: () => write(stateDir, snap, rows, info, logs, log).finally(() => streamed?.discard()) };
}

/**
 * The scan, from the index when there is one: the reader's reusing walk (the native one
 * checks the whole index first, and may find a plain full scan cheaper), then the table
 * regrouped. Without `reuse`, it was a plain full scan; `streamed`: its rows went to the
 * caller's rowSink and to this writer as they came.
 */
async function scanFrom(target: ScanTarget, opts: ScanOptions & IndexOptions, stateDir: string, reader: Reader, index: LoadedIndex | null): Promise<{ snap: Snapshot; reuse?: Reuse; streamed?: IndexWriter }> {
  const reuse = !index ? undefined : reader.native
    ? await reuseNative(reader.native, target.root, target.rootStat.ino, index, opts.signal)
    : reusePortable(index);
  if (!index || !reuse || reuse === 'full-scan') {
    if (reuse === 'full-scan') opts.log?.debug?.('most directories changed since the index: a full scan instead');
    const walked = reuse ? { reusedDirs: 0, walk: reader.walk } : undefined;
    // Access times from a log apply to the whole table: then it is kept whole.
    const sink = (opts.accessLogs?.length ?? 0) === 0 ? opts.rowSink : undefined;
    if (!sink) return { snap: await scanTree(target, { ...opts, rowSink: undefined }, reader), reuse: walked };
    const rows = new IndexWriter(stateDir);
    const streamTo = (t: UnitTable, format: CacheFormat) => { rows.addStreamed(t); sink(t, format); };
    const snap = await scanTree(target, { ...opts, rowSink: streamTo }, reader, undefined, (d) => rows.addRecord(d));
    return { snap: { ...snap, dirRecords: rows.records() }, reuse: walked, streamed: rows };
  }
  // Rows of directories that changed or vanished since the index was saved go now. When
  // every record of the index came back unchanged, the table is the one saved, which was
  // regrouped before it was saved.
  const settle = (table: UnitTable, records: DirRecord[]): void => {
    if (reuse.reusedDirs !== records.length || records.length !== index.meta.dirs.length) regroup(table, records);
  };
  return { snap: await scanTree(target, { ...opts, rowSink: undefined }, reader, { table: index.table, walk: reuse.walk, settle }), reuse };
}

/**
 * The index vouches only for what its rows describe. A directory with files that are no
 * row (foreign files, unreadable headers: their sizes and errors are not checked) or
 * with an error below it (an unreadable subdirectory, which has no record of its own)
 * gets a record that never matches (an mtime no directory has), so every indexed run
 * reads it again and reports what a full scan reports.
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
    if (d.foreignFiles > 0 || flagged.has(d.rel)) d.mtimeMs = -1;
  }
}
async function write(stateDir: string, snap: Snapshot, rows: IndexWriter, info: IndexInfo, logs: Pick<IndexMeta, 'logs' | 'logUse'>, log: Log): Promise<IndexInfo> {
  try {
    const saved = await saveIndex(stateDir, snap.root, {
      root: snap.root, rootIno: snap.rootIno, format: snap.format, savedAt: snap.startedAt, ...logs,
    }, rows);
    return { ...info, saved };
  } catch (e) {
    log.warn(`could not save the index in ${stateDir}: ${(e as Error).message}`);
    return { ...info, saveError: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}
