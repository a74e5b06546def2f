/**
 * cachectl as a library: the same calls the CLI makes. Each takes typed options (`root`,
 * targets, `now`, `signal`, `log`) and returns a result value; nothing here touches
 * process, console or argv.
 */
export { scan, type ScanOptions, type Snapshot } from './core/scan/scan.js';
export { indexedScan, type IndexOptions, type IndexedSnapshot } from './core/index/indexedScan.js';
export { buildReport, streamReport, type Report } from './core/report.js';
export { buildPlan, type Plan, type PlanInput, type PlanStep } from './core/prune/plan.js';
export { prune } from './core/prune/prune.js';
export { judgeOutcome, type Miss, type MissReason } from './core/prune/outcome.js';
export type { PruneOptions, PruneResult, Victim, EvictReason } from './core/prune/types.js';
export { loadManifests, type ManifestSet } from './core/gentoo/loadManifests.js';
export type { GentooOptions } from './core/gentoo/types.js';
export { listEntries, type ListedEntry } from './core/list/list.js';
export { deleteUrls, type DeleteOptions, type DeleteResult } from './core/delete/delete.js';
export { CachectlError, UsageError } from './core/errors.js';
export { htmlReport, buildHtmlModel, type HtmlReportOptions } from './core/html/htmlReport.js';
export { renderPage } from './core/html/page.js';
export type { PageModel } from './core/html/modelTypes.js';
export { readRuns, type RunRecord } from './core/runLog/runLog.js';
