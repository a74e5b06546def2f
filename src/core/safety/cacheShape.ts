import { CacheRootError } from '../errors.js';
import type { CacheFormat } from '../scan/cacheFormat.js';
import { apacheEvidence } from './apacheEvidence.js';
import { DEFAULT_BUDGET, sampleTree, type SampleBudget, type TreeSample } from './sampleTree.js';
import { treeSignal } from './treeSignals.js';
import { OVERRIDE_ENV, OVERRIDE_FLAG } from './override.js';

const OVERRIDE_HINT = `pass ${OVERRIDE_FLAG} (or set ${OVERRIDE_ENV}=1) if it really is one`;

export interface ShapeCheck {
  /** What the user asked for; 'auto' (the default) may only ever choose 'apache'. */
  readonly format?: CacheFormat | 'auto';
  /**
   * The caller deletes files (prune, delete, schedule, htcacheclean): trees that look
   * like something other than a cache are refused too. Read-only callers (report,
   * list) are only kept from guessing the plain-file format.
   */
  readonly changes: boolean;
  /** --i-know-this-is-a-cache: the user vouches for the tree; its look is not held against it. */
  readonly iKnowThisIsACache?: boolean;
  readonly budget?: SampleBudget;
}

/** What the check saw, for tests and debugging. */
export interface ShapeVerdict {
  readonly format: CacheFormat;
  readonly apache: string | null;
  readonly empty: boolean;
  readonly sample: Pick<TreeSample, 'dirsRead' | 'lstats' | 'complete'> | null;
}

async function sample(root: string, budget?: SampleBudget): Promise<TreeSample> {
  try {
    return await sampleTree(root, budget ?? DEFAULT_BUDGET);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CacheRootError(`cache directory ${root} cannot be read (${code === 'EACCES' ? 'permission denied' : code})`, 1);
  }
}

/**
 * Decides which format `root` (a real path, already past rootPolicy) is handled in, or
 * refuses it with CacheRootError (exit 2) and one sentence saying why:
 *
 * - auto-detection picks 'apache' only for a proven httpd cache (apacheEvidence.ts) or
 *   an empty tree, one with nothing but directories and symlinks in the sample (a fresh
 *   CacheRoot starts empty, and in an empty httpd cache there is nothing to delete);
 *   anything else is refused, never taken for a plain file cache: that must be asked
 *   for (--format files), since in that mode every file is a candidate for deletion;
 * - for a caller that deletes, a tree that looks like something else (a home, a source
 *   tree, /etc, devices, setuid programs: treeSignals.ts) is refused whatever the
 *   format, and an explicit 'apache' must be an httpd cache or empty, unless the user
 *   vouches for the tree (iKnowThisIsACache).
 *
 * The look is judged from a bounded sample (sampleTree.ts: lstat only, no symlink
 * followed, no file opened but a few `.header`s' first 4 KiB).
 */
export async function judgeCacheShape(root: string, check: ShapeCheck): Promise<ShapeVerdict> {
  const format = check.format ?? 'auto';
  if (format !== 'auto' && !check.changes) return { format, apache: null, empty: false, sample: null };
  const s = await sample(root, check.budget);
  // Symlinks do not make it non-empty: no format ever follows or deletes one, and whoever
  // can write a pruned-out cache could otherwise plant one to have it refused.
  const empty = !s.seen.some((x) => x.type !== 'dir' && x.type !== 'symlink');
  const apache = format === 'files' ? null : await apacheEvidence(s);
  const verdict = (f: CacheFormat): ShapeVerdict => ({ format: f, apache, empty, sample: { dirsRead: s.dirsRead, lstats: s.lstats, complete: s.complete } });
  const refuse = (why: string) => new CacheRootError(`refusing to use ${root} as a cache directory: ${why}`);

  if (check.changes && !check.iKnowThisIsACache) {
    const signal = treeSignal(s, apache !== null);
    if (signal) throw refuse(`it looks like ${signal.looksLike}, not a cache (${signal.because}); ${OVERRIDE_HINT}`);
  }
  if (format === 'files') return verdict('files');
  if (apache !== null || empty) return verdict('apache');
  const notApache = `it is not an Apache mod_cache_disk cache (no .header file in httpd's layout and no aptmp temp file among the ${s.seen.length} names looked at)`;
  if (format === 'auto') throw refuse(`${notApache}; if it is a plain file cache, say so with --format files`);
  if (check.iKnowThisIsACache) return verdict('apache');
  throw refuse(`${notApache}; ${OVERRIDE_HINT}`);
}

/** judgeCacheShape's format: what callers use. */
export async function checkCacheShape(root: string, check: ShapeCheck): Promise<CacheFormat> {
  return (await judgeCacheShape(root, check)).format;
}
