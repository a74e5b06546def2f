import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { entryStemPath, type Layout } from '../format/key.js';
import { Flag, Kind, type UnitTable } from './table.js';
import { APACHE_TEMP } from './classify.js';

export type CacheFormat = 'apache' | 'files';

/**
 * A tree is a mod_cache_disk cache if a `.header` file or an `aptmp` temp file turns
 * up within the first few directories. Depth first: entries live in the leaf hash
 * directories, which a real cache reaches after levels+1 reads (breadth first would
 * spend the whole budget on the 64 first-level directories).
 */
export async function detectFormat(root: string, budget = 64): Promise<CacheFormat> {
  const queue = [root];
  let seen = 0;
  while (queue.length > 0 && seen < budget) {
    const dir = queue.pop()!;
    seen++;
    let names;
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const d of names) {
      if (d.isFile() && (/\.header$/i.test(d.name) || (dir === root && APACHE_TEMP.test(d.name)))) return 'apache';
      if (d.isDirectory() && /\.header\.vary$/i.test(d.name)) return 'apache';
      if (d.isDirectory()) queue.push(join(dir, d.name));
    }
  }
  return 'files';
}

/**
 * CacheDirLevels x CacheDirLength, read off the tree: the directory depth and name
 * length of the first entry whose key hashes to its own path.
 */
export function detectLayout(table: UnitTable): Layout | null {
  for (let i = 0; i < table.length; i++) {
    if (table.kind[i] !== Kind.Entry || table.flags[i] & Flag.Variant) continue;
    const dir = table.dirs[table.dir[i]];
    const parts = dir === '' ? [] : dir.split('/');
    const layout = { levels: parts.length, length: parts[0]?.length ?? 0 };
    const expected = entryStemPath(table.key.get(i), layout);
    if (expected === (dir === '' ? table.name.get(i) : `${dir}/${table.name.get(i)}`)) return layout;
  }
  return null;
}
