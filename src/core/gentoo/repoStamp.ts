import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { constants, lstatSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { dirname, join } from 'node:path';

/**
 * What tells whether a repository's Manifests changed since they were read, without
 * reading them: `metadata/timestamp.chk` (every sync rewrites it), or, in a repository
 * without one (a local overlay), the ctimes of the directories that hold Manifests, of
 * their parents up to the root (a new package or category), and of the Manifests
 * themselves (an edit in place). ctime, not mtime: a sync that restores the upstream
 * mtime still moves it.
 */
export type RepoStamp =
  | { readonly kind: 'timestamp.chk'; readonly value: string }
  | { readonly kind: 'directories'; readonly value: string; readonly paths: readonly string[] };

const TIMESTAMP = 'metadata/timestamp.chk';

/** The timestamp.chk stamp (content, mtime and size), or null when the repository has none. */
export async function timestampStamp(repo: string): Promise<RepoStamp | null> {
  const path = join(repo, TIMESTAMP);
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return null;
    const buf = Buffer.alloc(Math.min(st.size, 4096));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { kind: 'timestamp.chk', value: `${st.mtimeMs} ${st.size} ${buf.toString('latin1', 0, bytesRead)}` };
  } finally {
    await fh.close();
  }
}

/** Relative paths whose ctimes make the directories stamp of these Manifests (relative paths). */
export function stampPaths(manifests: readonly string[]): string[] {
  const dirs = new Set<string>(['.']);
  for (const m of manifests) {
    for (let d = dirname(m); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
  }
  return [...dirs, ...manifests].sort();
}

/**
 * The directories stamp over `paths` (relative to repo); a path gone counts as a change.
 * Synchronous lstat in batches (yielding between them): Gentoo's size takes ~40k of them,
 * and a thread-pool round trip each would cost more than the calls.
 */
export async function directoriesStamp(repo: string, paths: readonly string[]): Promise<RepoStamp> {
  const h = createHash('sha256');
  for (let i = 0; i < paths.length; i++) {
    if (i > 0 && i % 2048 === 0) await yieldToLoop();
    const st = lstatSync(join(repo, paths[i]), { throwIfNoEntry: false });
    h.update(`${paths[i]}\t${st ? `${st.ctimeMs}\t${st.size}` : '-'}\n`);
  }
  return { kind: 'directories', value: h.digest('hex'), paths };
}
