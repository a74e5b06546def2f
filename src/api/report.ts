/**
 * Scan a cache and report on it: the full scan, the same scan through the persisted
 * index (an accelerator: it never changes the result), and the report built from either.
 */

// Scan.
/** Walks the tree once and classifies every entry; the result is a Snapshot. */
export { scan, type ScanOptions, type ScanProgress, type Snapshot } from '../core/scan/scan.js';
/** The same Snapshot as `scan`, reusing and then saving the persisted index in `stateDir`. */
export { indexedScan, type IndexOptions, type IndexInfo, type IndexedSnapshot } from '../core/index/indexedScan.js';

// Report.
/** A Snapshot's totals, age and size buckets and largest entries; `streamReport` scans and tallies in one pass. */
export { buildReport, streamReport, type Report, type Filesystem } from '../core/report.js';
export type { AgeBucket, LargestEntry, SizeBucket, Tally } from '../core/reportTypes.js';
