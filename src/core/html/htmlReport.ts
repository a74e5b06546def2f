import { buildReport, type Report } from '../report.js';
import { indexedScan } from '../index/indexedScan.js';
import { noopLog, type Log } from '../log.js';
import { readRuns, type RunRecord } from '../runLog/runLog.js';
import { readGhosts } from '../sizing/ghosts.js';
import { replayLogs, summarise } from '../sizing/sizing.js';
import type { CacheFormat } from '../scan/detect.js';
import { HISTORY_DAYS } from './historyModel.js';
import { buildPageModel } from './model.js';
import type { PageModel } from './modelTypes.js';
import { renderPage } from './page.js';
import { denseSizes } from './sizingModel.js';
import { writePageFile } from './pageFile.js';

export interface HtmlReportOptions {
  /** The report's `now` (ms). */
  readonly now: number;
  /** Where prune keeps the run log and the eviction journal; undefined: no history. */
  readonly stateDir?: string;
  /** Access logs for the requests and sizing panel (read whole: the sizing command's replay). */
  readonly accessLogs?: readonly string[];
  readonly logFormat?: string;
  /** The limit to mark (report --limit); default: the last prune's target. */
  readonly limit?: number;
  readonly top?: number;
  readonly signal?: AbortSignal;
  /** `cachectl 1.2.3`, for the page's generator meta tag. */
  readonly generator?: string;
}

/** The page's model: the report plus the run log and, with access logs, the sizing replay. */
export async function buildHtmlModel(report: Report, o: HtmlReportOptions): Promise<PageModel> {
  const runs = o.stateDir ? await readRuns(o.stateDir, report.root, o.now - HISTORY_DAYS * 86400e3) : null;
  const sizing = o.accessLogs?.length ? await sizingOf(report, runs, o) : null;
  return buildPageModel({ report, now: o.now, limit: o.limit, runs, sizing, top: o.top });
}

/** The HTML report for `report` (see renderPage). */
export async function htmlReport(report: Report, o: HtmlReportOptions): Promise<string> {
  return renderPage(await buildHtmlModel(report, o), { generator: o.generator });
}

async function sizingOf(report: Report, runs: readonly RunRecord[] | null, o: HtmlReportOptions) {
  const ghosts = o.stateDir ? await readGhosts(o.stateDir, report.root) : undefined;
  const replay = await replayLogs({ accessLogs: o.accessLogs!, logFormat: o.logFormat, ghosts, signal: o.signal });
  const last = runs?.at(-1);
  const limit = o.limit ?? last?.limit ?? undefined;
  const current = (last?.usage ?? 'disk') === 'disk' ? report.diskBytes : report.bytes;
  return {
    table: summarise(replay, { limit, current }),
    dense: summarise(replay, { sizes: denseSizes(replay.curve.workingSet, limit, current), limit, current }),
  };
}

export interface PageAfterRunOptions extends Omit<HtmlReportOptions, 'now'> {
  readonly file: string;
  readonly root: string;
  readonly format?: CacheFormat | 'auto';
  readonly log?: Log;
}

/**
 * After a prune (prune --html, schedule --html): scans the cache as it is now (from the
 * index the prune just saved, so only the directories it changed are read again),
 * reports, and replaces the page atomically.
 */
export async function writePageAfterRun(o: PageAfterRunOptions): Promise<void> {
  const snap = await indexedScan({
    root: o.root, format: o.format, signal: o.signal, log: o.log ?? noopLog,
    stateDir: o.stateDir, accessLogs: o.accessLogs, logFormat: o.logFormat,
  });
  if (snap.interrupted) return;
  const now = Date.now();
  const report = await buildReport(snap, { now, top: o.top });
  await writePageFile(o.file, await htmlReport(report, { ...o, now }));
}
