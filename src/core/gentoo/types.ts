/**
 * The Gentoo-aware options and figures shared by report, prune and the CLI. Its own
 * module, importing nothing, so the plan, the report and the loaders can all use it
 * without an import cycle.
 */

/** What the Manifests of ebuild repositories are used for (report, prune, schedule). */
export interface GentooOptions {
  /** Ebuild repositories (their roots: /var/db/repos/gentoo, an overlay, a meta-repo kit). */
  readonly repos: readonly string[];
  /** Glob over the URL path that marks a distfile (match.ts syntax); default DEFAULT_DISTFILES_MATCH. */
  readonly distfilesMatch?: string;
  /** A distfile no Manifest names is retired only when unused for this long (ms); default 30 days. */
  readonly retiredGrace?: number;
  /** Evict every retired distfile on every run, not only while a target is missed. */
  readonly evictRetired?: boolean;
}

/** Portage appends `/distfiles/` to every mirror: this covers flat and GLEP 75 layouts. */
export const DEFAULT_DISTFILES_MATCH = '*/distfiles/*';
export const DEFAULT_RETIRED_GRACE = 30 * 86400e3;

/** What a distfile entry is, judged against the Manifests (one byte per table row). */
export const enum DistClass {
  /** Not a distfile (its URL path does not match), or not an entry. */
  None = 0,
  /** Named by a Manifest with its size (or without a body to compare). */
  Live = 1,
  /** Named, but its body size differs from every size the Manifests give: every client rejects it. */
  Mismatch = 2,
  /** Named by no Manifest, but used within the grace: machines on older trees may fetch it. */
  Unlisted = 3,
  /** Named by no Manifest and unused for longer than the grace. */
  Retired = 4,
}

/** One repository as loaded. */
export interface RepoInfo {
  /** Its real path. */
  readonly path: string;
  readonly manifests: number;
  /** DIST lines used (malformed ones not counted). */
  readonly distLines: number;
  readonly malformedLines: number;
  /** Read from the copy in the state dir (true), or from the Manifests themselves. */
  readonly cached: boolean;
  /** What told whether the copy was still valid. */
  readonly stamp: 'timestamp.chk' | 'directories';
}

export interface ClassTally { count: number; bytes: number; diskBytes: number }
