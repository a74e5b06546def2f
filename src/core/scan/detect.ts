import { entryStemPath, type Layout } from '../format/key.js';
import { Flag, Kind, type UnitTable } from '../table/table.js';
import { checkCacheShape } from '../safety/cacheShape.js';

import type { CacheFormat } from './cacheFormat.js';

export type { CacheFormat };

/**
 * The format of a tree given as 'auto': 'apache' for an httpd cache (or an empty
 * tree); anything else is refused (CacheRootError), never taken for a plain file
 * cache, which must be asked for. The rules are in safety/cacheShape.ts.
 */
export function detectFormat(root: string): Promise<CacheFormat> {
  return checkCacheShape(root, { format: 'auto', changes: false });
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
