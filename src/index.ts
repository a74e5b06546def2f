/**
 * cachectl as a library: the same calls the CLI makes, and the only way the CLI reaches
 * the core. Each call takes typed options (`root`, targets, `now`, `signal`, `log`) and
 * returns a result value; nothing here touches process, console or argv.
 *
 * One entry module per group (src/api/), each also a subpath export (`cachectl/report`,
 * `cachectl/prune`, ...): importing one loads only its group's code, which is how the CLI
 * keeps start-up fast (it imports `common` at start-up and the rest when a command runs).
 * This module is all of them at once.
 */

// Errors, units, option defaults, the installed package (light: what any front end needs first).
export * from './api/common.js';
// The cache-root gate: real path, system directories, trees that are not caches.
export * from './api/safety.js';
// Scan (with or without the persisted index) and report.
export * from './api/report.js';
// Plan and prune (dry run or not), the outcome, the run's metrics file.
export * from './api/prune.js';
// List entries, delete by URL.
export * from './api/list.js';
// Sizing from access logs.
export * from './api/sizing.js';
// Gentoo Manifests: retired, mismatched and duplicated distfiles.
export * from './api/gentoo.js';
// The HTML page and the run log behind its history.
export * from './api/html.js';
// Scheduled prunes.
export * from './api/schedule.js';
// doctor: httpd's configuration and the setup end to end.
export * from './api/doctor.js';
// A sample cache to try the calls on.
export * from './api/sample.js';
// htcacheclean compatibility: one cleaning run as Apache's tool does it.
export * from './api/htcacheclean.js';
