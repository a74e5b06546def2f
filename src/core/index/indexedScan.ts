import { scan, type ScanOptions, type Snapshot } from '../scan/scan.js';
import { resolveRoot, statRoot } from '../scan/root.js';
import { detectFormat } from '../scan/detect.js';
import { noopLog, type Log } from '../log.js';
import type { IndexMeta } from './format.js';
import { loadIndex, saveIndex } from './store.js';
import { applyAccessLogs, type AccessLogResult } from './accessLog.js';

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
 * A scan that starts from the persisted index when one can be trusted, applies access
 * logs, and saves the index again. The index is only a starting point: a directory is
 * reused only if its mtime/ctime/inode are unchanged, and evict re-checks every victim
 * with lstat before unlinking, so a stale index cannot cause a wrong deletion.
 */
export async function indexedScan(opts: ScanOptions & IndexOptions): Promise<IndexedSnapshot> {
  const log = opts.log ?? noopLog;
  if (!opts.stateDir) {
    const snap = await scan(opts);
    return { ...snap, index: { used: false, reason: 'no state dir', reusedDirs: 0, readDirs: snap.dirRecords.length } };
  }
  const root = await resolveRoot(opts.root);
  const format = !opts.format || opts.format === 'auto' ? await detectFormat(root) : opts.format;
  const rootStat = await statRoot(root);
  const loaded = opts.full ? { index: null, reason: '--full' } : await loadIndex(opts.stateDir, root, rootStat.ino, format);
  if (!loaded.index) log.debug?.(`full scan: ${loaded.reason}`);
  const useLog = (opts.accessLogs?.length ?? 0) > 0;
  const snap = await scan({ ...opts, format, reuse: loaded.index ? { index: loaded.index } : undefined });
  let accessLog: AccessLogResult | undefined;
  if (useLog && !snap.interrupted) {
    accessLog = await applyAccessLogs(snap.table, opts.accessLogs!, loaded.index?.meta.logs ?? {}, { format: opts.logFormat, use: loaded.index?.meta.logUse });
  }
  const info = {
    used: loaded.index !== null, reason: loaded.reason,
    reusedDirs: snap.reuse?.reusedDirs ?? 0, readDirs: snap.reuse?.readDirs ?? snap.dirRecords.length, accessLog,
  };
  if (snap.interrupted) return { ...snap, index: info };
  // Every directory reused and no log line read: the saved index still describes the tree
  // (access times it holds are refreshed from the files on every run anyway). Rewriting
  // it took ~1 s at 500k entries for nothing.
  const logsMoved = accessLog !== undefined && (accessLog.lines > 0 || JSON.stringify(accessLog.positions) !== JSON.stringify(loaded.index?.meta.logs ?? {}));
  if (loaded.index && snap.reuse && snap.reuse.readDirs === 0 && !logsMoved) return { ...snap, index: { ...info, unchanged: true } };
  // Without --access-log this run read no log: what earlier runs read is kept for the next that does.
  const logs = accessLog ? { logs: accessLog.positions, logUse: accessLog.use } : { logs: loaded.index?.meta.logs, logUse: loaded.index?.meta.logUse };
  return { ...snap, index: await write(opts.stateDir, snap, info, logs, log) };
}

async function write(stateDir: string, snap: Snapshot, info: IndexInfo, logs: Pick<IndexMeta, 'logs' | 'logUse'>, log: Log): Promise<IndexInfo> {
  try {
    const saved = await saveIndex(stateDir, snap.root, {
      root: snap.root, rootIno: snap.rootIno, format: snap.format, savedAt: snap.startedAt, dirs: snap.dirRecords, ...logs,
    }, snap.table);
    return { ...info, saved };
  } catch (e) {
    log.warn(`could not save the index in ${stateDir}: ${(e as Error).message}`);
    return { ...info, saveError: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}
