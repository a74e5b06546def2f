import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hashKey } from '../format/key.js';

export interface LocateResult {
  /** Entry paths relative to the root, without `.header`/`.data` (e.g. `3/N/nqPx…`). */
  readonly stems: string[];
  readonly errors: { path: string; code: string }[];
}

/**
 * Finds the files of the exact cache key `key` by its hash, without knowing
 * CacheDirLevels/CacheDirLength (htcacheclean's find_directory): in each directory,
 * descend into every subdirectory whose name is a prefix of the rest of the hash, and
 * report the directory if `rest.header`, `rest.data` or `rest.header.vary/` is there.
 * Reads only levels+1 directories, so it needs no scan of the cache. Symlinks are
 * never followed (dirent types come from readdir, i.e. lstat semantics).
 */
export async function locateKey(root: string, key: string): Promise<LocateResult> {
  const result: LocateResult = { stems: [], errors: [] };
  await visit(root, '', hashKey(key), result);
  return result;
}

async function visit(root: string, rel: string, rest: string, r: LocateResult): Promise<void> {
  const abs = rel === '' ? root : join(root, rel);
  let dirents;
  try {
    dirents = await readdir(abs, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    // A hash directory that vanished under us (httpd or -t) simply holds nothing.
    if (code !== 'ENOENT') r.errors.push({ path: abs, code });
    return;
  }
  let here = false;
  for (const d of dirents) {
    if (d.isDirectory()) {
      if (d.name.length < rest.length && rest.startsWith(d.name)) {
        await visit(root, rel === '' ? d.name : `${rel}/${d.name}`, rest.slice(d.name.length), r);
      } else if (d.name === `${rest}.header.vary`) here = true;
    } else if (d.isFile() && (d.name === `${rest}.header` || d.name === `${rest}.data`)) {
      here = true;
    }
  }
  if (here) r.stems.push(rel === '' ? rest : `${rel}/${rest}`);
}
