import type { Log } from '../log.js';
import type { RecencyOrder } from '../table/recency.js';
import type { SizeOrPercent } from '../units.js';
import type { CacheFormat } from '../scan/detect.js';
import type { Filesystem } from '../report.js';
import type { IndexInfo, IndexOptions } from '../index/indexedScan.js';
import type { GentooOptions, RepoInfo } from '../gentoo/types.js';

/** Why a unit is in the plan. Dead weight (distfiles no Manifest's size fits too) comes first, then retired distfiles, then least recently used. */
export type EvictReason = 'temp' | 'orphan' | 'unusable' | 'mismatch' | 'retired' | 'future' | 'expired' | 'lru';
/** Every reason, in plan order (summaries and metrics list them so). */
export const EVICT_REASONS: readonly EvictReason[] = ['temp', 'orphan', 'unusable', 'mismatch', 'retired', 'future', 'expired', 'lru'];

/** Why a prune ended short of its target, in the order they are named when several hold. */
export type MissReason = 'interrupted' | 'keep-newer-than' | 'protected' | 'changed-during-run' | 'delete-errors' | 'nothing-left-to-evict';

export interface Miss {
  readonly reason: MissReason;
  /** One sentence for people: the target, what is left, why, what to do. */
  readonly message: string;
}

export interface PruneOptions extends IndexOptions {
  readonly root: string;
  /** 'auto' (default) handles only httpd caches (or an empty tree); plain file caches must say 'files'. */
  readonly format?: CacheFormat | 'auto';
  /** Prune even a tree that looks like something else (a home, /etc...; safety/cacheShape.ts). */
  readonly iKnowThisIsACache?: boolean;
  /** Size target in bytes (counted per `usage`). */
  readonly limit?: number;
  /** Entry-count target (htcacheclean -L counts inodes; we count entries' files). */
  readonly maxEntries?: number;
  /** Keep this much of the filesystem free. */
  readonly minFree?: SizeOrPercent;
  /** 'disk' (st_blocks, what du shows; default) or 'apparent' (st_size, as htcacheclean). */
  readonly usage?: 'disk' | 'apparent';
  readonly order?: RecencyOrder;
  /** htcacheclean's order: expired entries before the LRU pass. */
  readonly expiredFirst?: boolean;
  /** Never evict an entry used or written within this many ms. */
  readonly keepNewerThan?: number;
  /** URL globs (list --match syntax) whose entries no pass evicts; they still count toward the size. */
  readonly protect?: readonly string[];
  /** Judge distfile entries by the Manifests of ebuild repositories (mismatch and retired passes). */
  readonly gentoo?: GentooOptions;
  /** Temp files older than this are dead weight (default 6 h). */
  readonly tempMaxAge?: number;
  /** Orphans and corrupt headers older than this are dead weight (default 1 h). */
  readonly orphanMinAge?: number;
  readonly dryRun?: boolean;
  /** 'auto' (default): native reader and evictor when built; 'portable': node's fs only. */
  readonly walker?: 'auto' | 'native' | 'portable';
  readonly removeEmptyDirs?: boolean;
  /** Pause between batches of deletions so a busy mirror keeps its I/O. */
  readonly nice?: boolean;
  /** Round each file's size up to a multiple of this many bytes (htcacheclean -R). */
  readonly round?: number;
  /** Take the per-cache lock (default true). */
  readonly lock?: boolean;
  /** Wait up to this many ms for the lock instead of failing at once. */
  readonly waitLock?: number;
  readonly now?: number;
  readonly signal?: AbortSignal;
  readonly log?: Log;
  readonly onProgress?: (p: { files: number; bytes: number }) => void;
}

export interface Victim {
  readonly url: string;
  /** Relative paths of the unit's files, header first. */
  readonly files: string[];
  readonly bytes: number;
  readonly reason: EvictReason;
  /** ms since the epoch. */
  readonly lastAccess: number;
}

export interface ReasonTally { entries: number; bytes: number }

export interface PruneResult {
  readonly root: string;
  readonly format: CacheFormat;
  readonly dryRun: boolean;
  readonly usage: 'disk' | 'apparent';
  readonly targets: { limit?: number; maxEntries?: number; minFree?: SizeOrPercent; minFreeBytes?: number };
  readonly before: { bytes: number; entries: number };
  readonly after: { bytes: number; entries: number };
  /** The ordered plan: in a dry run what would go, in a real run what was meant to go. */
  readonly plan: Victim[];
  readonly removed: { entries: number; bytes: number; files: number; byReason: Record<EvictReason, ReasonTally> };
  /** Last use of the least recently used entry kept (ms ago), or null when none is left. */
  readonly tailAgeMs: number | null;
  /** The figures after the run meet every target (core/prune/outcome.ts). */
  readonly targetMet: boolean;
  /** When not: why, as a machine-readable reason and one sentence. */
  readonly miss?: Miss;
  /** The target was missed because --keep-newer-than protected the rest. */
  readonly blockedByGuard: boolean;
  /** Files already gone when we went to unlink them (httpd got there first). */
  readonly alreadyGone: number;
  /** Victims skipped because their files changed after the scan (re-checked before unlink). */
  readonly skippedChanged: number;
  readonly emptyDirsRemoved: number;
  readonly errors: { path: string; code: string }[];
  readonly interrupted: boolean;
  readonly filesystem: Filesystem | null;
  readonly scanMs: number;
  readonly durationMs: number;
  /** From the start to the first deletion (the plan is ready and evict begins). */
  readonly firstDeletionMs: number;
  /** The deletions themselves (the index is saved after them, outside this). */
  readonly evictMs: number;
  /** How the persisted index was used (absent without a state dir). */
  readonly index?: IndexInfo;
  /** With --protect: the entries it kept out of every pass (counted in before/after). */
  readonly protected?: ReasonTally;
  /** With --repo: what the Manifests said about the cache before the run. */
  readonly gentoo?: PruneGentoo;
}

export interface PruneGentoo {
  readonly repos: RepoInfo[];
  /** Distinct distfile names the Manifests list. */
  readonly names: number;
  readonly distfilesMatch: string;
  readonly retiredGraceMs: number;
  readonly evictRetired: boolean;
  /** Distfile entries in the cache, and of them those each pass judges (protected ones included). */
  readonly distfiles: ReasonTally;
  readonly mismatch: ReasonTally;
  readonly retired: ReasonTally;
  /** Named by no Manifest but used within the grace: kept out of the retired pass. */
  readonly unlisted: ReasonTally;
}
