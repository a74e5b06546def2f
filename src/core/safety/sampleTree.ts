import { lstat, readdir } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { join } from 'node:path';
import { LOCK_NAME } from '../lock.js';

export type SeenType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'device' | 'other';

/** One directory entry met by the sample: where, what type (lstat semantics), and its lstat if taken. */
export interface Seen {
  /** Path relative to the root, '/'-separated. */
  readonly rel: string;
  readonly name: string;
  readonly type: SeenType;
  /** Depth below the root (0 = in the root itself). */
  readonly depth: number;
  readonly st?: Stats;
}

export interface TreeSample {
  readonly root: string;
  /** The root's own lstat (its owner counts among the tree's owners). */
  readonly rootStat: Stats;
  readonly seen: Seen[];
  readonly dirsRead: number;
  readonly lstats: number;
  /** Every directory below the root was read, every name in them seen. */
  readonly complete: boolean;
}

/**
 * Bounds of one sample: it costs at most `dirs` directory reads and `lstats` lstat calls
 * however big the tree, so the check stays cheap on a cache of a million entries (a real
 * httpd cache answers its questions within the first three directories anyway).
 */
export interface SampleBudget {
  readonly dirs: number;
  readonly namesPerDir: number;
  readonly names: number;
  readonly lstats: number;
}

export const DEFAULT_BUDGET: SampleBudget = { dirs: 64, namesPerDir: 2000, names: 20_000, lstats: 512 };
const DIRS_STATTED_PER_DIR = 16;

function typeOf(d: Dirent): SeenType {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isFIFO()) return 'fifo';
  if (d.isSocket()) return 'socket';
  if (d.isBlockDevice() || d.isCharacterDevice()) return 'device';
  return 'other';
}

/**
 * Reads the root, then depth first (the way to reach a cache's leaf hash
 * directories, where entries live), within `budget`. Types come from readdir (no
 * symlink is ever followed); files and directories are lstat-ed while the lstat budget
 * lasts. No file is opened. Unreadable subdirectories are skipped: the sample is a
 * judgement of the tree's shape, not a scan.
 */
export async function sampleTree(root: string, budget: SampleBudget = DEFAULT_BUDGET): Promise<TreeSample> {
  const rootStat = await lstat(root);
  const seen: Seen[] = [];
  const stack: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }];
  let dirsRead = 0;
  let lstats = 0;
  let truncated = false;
  while (stack.length > 0) {
    if (dirsRead >= budget.dirs || seen.length >= budget.names) { truncated = true; break; }
    const { rel, depth } = stack.pop()!;
    let dirents: Dirent[];
    try {
      // One readdir per directory: opendir's per-entry iteration cost ~1.5 ms a directory.
      dirents = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel === '') throw e; // the root itself: the caller says why
      continue; // unreadable, or removed since its parent was read
    }
    dirsRead++;
    const here: Seen[] = [];
    for (const d of dirents) {
      // Our own lock is not part of the tree (scan skips it the same way).
      if (rel === '' && d.name.startsWith(LOCK_NAME)) continue;
      if (here.length >= budget.namesPerDir || seen.length + here.length >= budget.names) { truncated = true; break; }
      here.push({ rel: rel === '' ? d.name : `${rel}/${d.name}`, name: d.name, type: typeOf(d), depth });
    }
    // lstat what owners and modes are judged by, in parallel within one directory: files,
    // and a few subdirectories (a cache root holds thousands of hash directories, all alike).
    const files = here.filter((s) => s.type === 'file');
    const dirs = here.filter((s) => s.type === 'dir').slice(0, DIRS_STATTED_PER_DIR);
    const toStat = [...files, ...dirs].slice(0, Math.max(0, budget.lstats - lstats));
    lstats += toStat.length;
    const stats = await Promise.all(toStat.map((s) => lstat(join(root, s.rel)).catch(() => undefined)));
    const byRel = new Map(toStat.map((s, i) => [s.rel, stats[i]]));
    for (const s of here) {
      const st = byRel.get(s.rel);
      seen.push(st ? { ...s, st } : s);
    }
    // Pushed in reverse so the first-read subdirectory is read next (depth first).
    const subdirs = here.filter((s) => s.type === 'dir');
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ rel: subdirs[i].rel, depth: depth + 1 });
  }
  return { root, rootStat, seen, dirsRead, lstats, complete: !truncated && stack.length === 0 };
}
