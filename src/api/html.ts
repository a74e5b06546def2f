/** The report as one self-contained HTML page, with history from the run log. */

/** A report and options to the page; `buildHtmlModel` and `renderPage` are its two halves. */
export { htmlReport, buildHtmlModel, writePageAfterRun, type HtmlReportOptions, type PageAfterRunOptions } from '../core/html/htmlReport.js';
export { renderPage } from '../core/html/page.js';
export type { PageModel } from '../core/html/modelTypes.js';
/** Replaces the page file atomically, so a web server never serves half of it. */
export { writePageFile } from '../core/html/pageFile.js';
/** The runs recorded for a cache (one line per prune), the page's history. */
export { readRuns, type RunRecord } from '../core/runLog/runLog.js';
