import { posix } from 'node:path';
import { scan } from '../scan/scan.js';
import { resolveRoot } from '../scan/root.js';
import { Flag, Kind, type UnitTable } from '../table/table.js';
import { acquireLock, type Lock, type LockOwner } from '../lock.js';
import { keyForms, normaliseUserUrl, urlMatcher } from '../match.js';
import { locateKey } from './locate.js';
import { removeStem } from './remove.js';
import { SafeTree } from '../safety/tree.js';
import { checkCacheShape } from '../safety/cacheShape.js';

export interface DeleteOptions {
  readonly root: string;
  /** Exact keys (`http://host:80/path?`) or the forms users copy (`http://host/path`, `/path`). */
  readonly urls?: readonly string[];
  /** Also delete every entry whose URL matches this glob (match.ts). */
  readonly match?: string;
  /** htcacheclean's URL mode: hash lookups of the strings as given, no scan, no fuzzy forms. */
  readonly exactOnly?: boolean;
  readonly dryRun?: boolean;
  /** rmdir the hash directories left empty (htcacheclean -t). */
  readonly removeEmptyDirs?: boolean;
  /** Take the per-cache lock (skipped in a dry run, as prune does). */
  readonly lockOwner?: LockOwner;
  readonly waitLock?: number;
  readonly signal?: AbortSignal;
  /** Delete even in a tree that is not an httpd cache or looks like something else (safety/cacheShape.ts). */
  readonly iKnowThisIsACache?: boolean;
}

export type TargetStatus = 'removed' | 'not-cached' | 'error';

export interface DeleteResult {
  readonly root: string;
  readonly dryRun: boolean;
  /** One per URL argument, in order, then one for the pattern if given. */
  readonly targets: { input: string; status: TargetStatus; keys: string[] }[];
  /** Each entry or Vary group removed (or that a dry run would remove). */
  readonly removed: { key: string; path: string; files: number }[];
  readonly files: number;
  readonly dirsRemoved: number;
  readonly errors: { path: string; code: string }[];
  readonly interrupted: boolean;
}

/** A string httpd could have used as a key: scheme, host and the always-present `?`. */
export const isExactKey = (s: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]+\/[^?]*\?/.test(s);
/** httpd puts a port in (nearly) every key; a key with one that the hash missed is not cached. */
const hasPort = (s: string): boolean => /^[^:/]+:\/\/[^/?]*:\d+\//.test(s);

/**
 * Deletes cache keys with all their variants. Exact keys are found by hash without a
 * scan; anything else (and whatever the hash did not find, unless exactOnly) is
 * matched against every stored key in one scan.
 */
export async function deleteUrls(o: DeleteOptions): Promise<DeleteResult> {
  const root = await resolveRoot(o.root);
  // Before the lock, as prune: URLs name httpd entries, so the tree must be an httpd cache.
  await checkCacheShape(root, { format: 'apache', changes: true, iKnowThisIsACache: o.iKnowThisIsACache });
  let lock: Lock | undefined;
  if (o.lockOwner && !o.dryRun) lock = await acquireLock(root, o.lockOwner, { waitMs: o.waitLock, signal: o.signal });
  try {
    return await run(root, o);
  } finally {
    await lock?.release();
  }
}

interface Target { input: string; stems: Map<string, string>; error: boolean }

async function run(root: string, o: DeleteOptions): Promise<DeleteResult> {
  const errors: DeleteResult['errors'] = [];
  const targets: Target[] = (o.urls ?? []).map((input) => ({ input, stems: new Map(), error: false }));
  const fuzzy: Target[] = [];
  for (const t of targets) {
    if (o.exactOnly || isExactKey(t.input)) {
      // httpd lowercases scheme and host; a key typed as `HTTP://Host:80/x?` means that one.
      const tries = o.exactOnly ? [t.input] : [...new Set([t.input, normaliseUserUrl(t.input)])];
      for (const k of tries) {
        const found = await locateKey(root, k);
        for (const s of found.stems) t.stems.set(s, k);
        if (found.errors.length) { t.error = true; errors.push(...found.errors); }
        if (found.stems.length) break;
      }
    }
    // `http://host/path?` may be stored as `http://host:80/path?`: only a scan can tell.
    if (!o.exactOnly && t.stems.size === 0 && !t.error && !(isExactKey(t.input) && hasPort(t.input))) fuzzy.push(t);
  }
  const pattern: Target | undefined = o.match === undefined ? undefined : { input: o.match, stems: new Map(), error: false };
  if (pattern) targets.push(pattern);
  if (fuzzy.length > 0 || pattern) {
    const snap = await scan({ root, format: 'apache', signal: o.signal });
    errors.push(...snap.errors);
    if (snap.interrupted) return { root, dryRun: o.dryRun ?? false, targets: [], removed: [], files: 0, dirsRemoved: 0, errors, interrupted: true };
    matchStored(snap.table, fuzzy, pattern);
  }

  const removed: DeleteResult['removed'] = [];
  const done = new Map<string, { ok: boolean }>();
  let files = 0, dirsRemoved = 0, interrupted = false;
  const tree = await SafeTree.open(root);
  try {
    for (const t of targets) {
      // In key order: the scan's row order depends on which directory was read first, and a
      // dry run must list what the real run then removes, in the same order.
      for (const [stem, key] of [...t.stems].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))) {
        if (done.has(stem)) continue;
        if (o.signal?.aborted) { interrupted = true; break; }
        const r = await removeStem(tree, stem, o.dryRun ?? false);
        files += r.files;
        errors.push(...r.errors);
        done.set(stem, { ok: r.errors.length === 0 });
        if (r.errors.length === 0) removed.push({ key, path: stem, files: r.files });
        if (o.removeEmptyDirs && !o.dryRun) dirsRemoved += await tree.rmdirUpward(posix.dirname(stem) === '.' ? '' : posix.dirname(stem));
      }
    }
  } finally {
    await tree.close();
  }

  return {
    root, dryRun: o.dryRun ?? false,
    targets: targets.map((t) => {
      const stems = [...t.stems.keys()];
      const failed = t.error || stems.some((s) => done.get(s)?.ok === false);
      const status: TargetStatus = failed ? 'error' : stems.some((s) => done.has(s)) ? 'removed' : 'not-cached';
      return { input: t.input, status, keys: [...new Set(t.stems.values())] };
    }),
    removed, files, dirsRemoved, errors, interrupted,
  };
}

/**
 * Every unit that carries a key (servable entries, and stale or unusable ones: they
 * are that URL's files too) is matched once against the fuzzy inputs and the pattern.
 * A variant stands for its whole Vary group: the stem of the group's index.
 */
function matchStored(t: UnitTable, fuzzy: Target[], pattern: Target | undefined): void {
  const wanted = new Map<string, Target[]>();
  for (const f of fuzzy) {
    const k = normaliseUserUrl(f.input);
    wanted.set(k, [...(wanted.get(k) ?? []), f]);
  }
  const matches = pattern ? urlMatcher(pattern.input) : undefined;
  for (let i = 0; i < t.length; i++) {
    const key = t.key.get(i);
    if (key === '' || t.kind[i] === Kind.Temp) continue;
    const stem = stemOf(t, i);
    if (wanted.size > 0) {
      for (const form of keyForms(key)) for (const f of wanted.get(form) ?? []) f.stems.set(stem, key);
    }
    if (pattern && matches!(key)) pattern.stems.set(stem, key);
  }
}

function stemOf(t: UnitTable, i: number): string {
  const dir = t.dirs[t.dir[i]];
  if (t.flags[i] & Flag.Variant) {
    const at = dir.toLowerCase().indexOf('.header.vary');
    if (at >= 0) return dir.slice(0, at);
  }
  return dir === '' ? t.name.get(i) : `${dir}/${t.name.get(i)}`;
}
