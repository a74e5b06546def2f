import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface EmptyDirsResult {
  removed: number;
  errors: { path: string; code: string }[];
}

/**
 * Removes every empty directory below `root` (never `root` itself), bottom-up, as
 * htcacheclean -t does after scanning each directory. Reads directories only: no
 * stat of files. A directory httpd fills between our readdir and rmdir stays
 * (ENOTEMPTY), and httpd re-creates any it needs (mod_cache_disk retries its rename).
 */
export async function removeEmptyDirs(root: string, signal?: AbortSignal): Promise<EmptyDirsResult> {
  const r: EmptyDirsResult = { removed: 0, errors: [] };
  await sweep(root, true, r, signal);
  return r;
}

/** Returns true when `dir` was removed. */
async function sweep(dir: string, isRoot: boolean, r: EmptyDirsResult, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    if (code !== 'ENOENT') r.errors.push({ path: dir, code });
    return false;
  }
  let left = dirents.length;
  for (const d of dirents) {
    if (d.isDirectory() && (await sweep(join(dir, d.name), false, r, signal))) left--;
  }
  if (isRoot || left > 0 || signal?.aborted) return false;
  try {
    await rmdir(dir);
    r.removed++;
    return true;
  } catch {
    return false;
  }
}
