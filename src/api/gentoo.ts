/** Gentoo mirrors: which cached distfiles the repositories' Manifests still name. */

/** Reads the Manifests of `--repo` trees (cached in the state dir) into one lookup. */
export { loadManifests, repoRoot, type ManifestSet, type LoadManifestsOptions } from '../core/gentoo/loadManifests.js';
/** The report's Gentoo classes (retired, mismatch, duplicates), tallied during a scan. */
export { gentooReportTally, type GentooReport } from '../core/gentoo/reportTally.js';
export type { RepoInfo } from '../core/gentoo/types.js';
