import { statfs } from 'node:fs/promises';
import { scan, type ScanOptions, type Snapshot } from './scan/scan.js';
import { KIND_NAMES, type UnitTable } from './table/table.js';
import type { CacheFormat } from './scan/detect.js';
import { indexedScan, type IndexInfo, type IndexOptions } from './index/indexedScan.js';
import { ReportTally } from './reportTally.js';
import type { GentooReport, GentooReportTally } from './gentoo/reportTally.js';

import type { AgeBucket, LargestEntry, SizeBucket, Tally } from './reportTypes.js';

export type { AgeBucket, LargestEntry, SizeBucket, Tally };
export interface Filesystem { size: number; free: number; available: number }

/** With --repo (core/gentoo): the distfile classes, as `retired`, `mismatch`, `duplicates` and `gentoo`. */
export interface Report extends Partial<GentooReport> {
  root: string;
  format: 'apache' | 'files';
  layout: { levels: number; length: number } | null;
  scannedAt: string;
  scanMs: number;
  /** 'native', or 'portable' with the reason the native reader was not used. */
  reader: string;
  entries: number;
  files: number;
  directories: number;
  bytes: number;
  diskBytes: number;
  entryBytes: number;
  varyGroups: number;
  variants: number;
  headerOnly: number;
  tempFiles: Tally;
  orphans: Tally;
  unusable: Tally;
  foreign: Tally & { samples: string[] };
  expired: Tally & { profile: { label: string; count: number }[] };
  vanished: number;
  errors: { path: string; code: string }[];
  filesystem: Filesystem | null;
  largest: LargestEntry[];
  byHost: (Tally & { host: string })[];
  byPath: (Tally & { segment: string })[];
  ageHistogram: AgeBucket[];
  /** Entries by size (header + body), log-scale buckets. */
  sizeHistogram: SizeBucket[];
  /** Last use of the least recently used entry: the cache's tail, what LRU evicts next (null: no entry). */
  oldestAccess: string | null;
}

/** Summarises a snapshot; pure apart from one statfs of the root. */
export async function buildReport(snap: Snapshot, opts: { now: number; top?: number; gentoo?: GentooReportTally }): Promise<Report> {
  const tally = new ReportTally(opts.now, opts.top ?? 10);
  tally.add(snap.table, snap.format === 'apache');
  opts.gentoo?.add(snap.table);
  return finish(snap, tally, opts.gentoo);
}

/**
 * A report summed directory by directory, without keeping the rows where it can: each
 * directory's rows are tallied and dropped (the snapshot's table ends empty). With a
 * `stateDir`, the index is used and saved as `indexedScan` does: a first run writes it
 * as the rows come, and a run that starts from it tallies the table it returns.
 */
export async function streamReport(opts: ScanOptions & IndexOptions & { now?: number; top?: number; gentoo?: GentooReportTally }): Promise<Report & { interrupted: boolean; index?: IndexInfo }> {
  const tally = new ReportTally(opts.now ?? Date.now(), opts.top ?? 10);
  const sum = (t: UnitTable, format: CacheFormat): void => {
    tally.add(t, format === 'apache');
    opts.gentoo?.add(t);
  };
  const snap: Snapshot & { index?: IndexInfo } = opts.stateDir ? await indexedScan({ ...opts, rowSink: sum }) : await scan({ ...opts, rowSink: sum });
  // The rows the scan kept (a run that started from the index), if any.
  sum(snap.table, snap.format);
  return { ...(await finish(snap, tally, opts.gentoo)), interrupted: snap.interrupted, ...(snap.index ? { index: snap.index } : {}) };
}

async function finish(snap: Snapshot, r: ReportTally, gentoo?: GentooReportTally): Promise<Report> {
  const t = r.totals();
  return {
    root: snap.root, format: snap.format, layout: snap.layout,
    scannedAt: new Date(snap.startedAt).toISOString(), scanMs: snap.finishedAt - snap.startedAt, reader: snap.reader,
    entries: t.entries, files: snap.files, directories: snap.directories,
    bytes: t.bytes + snap.foreign.bytes, diskBytes: t.diskBytes + snap.foreign.disk + snap.dirDisk, entryBytes: t.entryBytes,
    varyGroups: t.varyGroups, variants: t.variants, headerOnly: t.headerOnly,
    tempFiles: t.tempFiles, orphans: t.orphans, unusable: t.unusable,
    foreign: { count: snap.foreign.files, bytes: snap.foreign.bytes, diskBytes: snap.foreign.disk, samples: snap.foreign.samples },
    expired: t.expired,
    vanished: snap.vanished, errors: snap.errors,
    filesystem: await filesystemOf(snap.root),
    largest: t.largest, byHost: t.byHost, byPath: t.byPath, ageHistogram: t.ageHistogram,
    sizeHistogram: t.sizeHistogram, oldestAccess: t.oldestAccess,
    ...gentoo?.totals(),
  };
}

export async function filesystemOf(root: string): Promise<Filesystem | null> {
  try {
    const s = await statfs(root);
    return { size: s.blocks * s.bsize, free: s.bfree * s.bsize, available: s.bavail * s.bsize };
  } catch {
    return null;
  }
}

export { KIND_NAMES };
