import { join } from 'node:path';
import { entryStemPath } from '../format/key.js';
import { readHeader, type HeaderReadResult } from '../scan/readHeader.js';
import { APACHE_TEMP } from '../scan/classify.js';
import type { TreeSample } from './sampleTree.js';

/** Headers read at most per check: one that verifies is enough, a few corrupt ones are tolerated. */
const MAX_HEADERS = 8;
/** Characters of httpd's hash names (cache_hash's alphabet). */
const HASH_NAME = /^[A-Za-z0-9_@]+$/;

const read = (path: string) => new Promise<HeaderReadResult>((resolve) => readHeader(path, resolve));

/**
 * Whether an entry header whose key is `key` sits where httpd puts it: at hash(key) split
 * in CacheDirLevels directories of CacheDirLength characters (read off the path). A Vary
 * variant stores its base key and lives in `hash(base).header.vary/`: the base's path is
 * checked then.
 */
export function inHttpdLayout(stemPath: string, key: string): boolean {
  const vary = stemPath.indexOf('.header.vary/');
  const at = vary >= 0 ? stemPath.slice(0, vary) : stemPath;
  const parts = at.split('/');
  const dirs = parts.slice(0, -1);
  if (!parts.every((p) => HASH_NAME.test(p)) || dirs.some((d) => d.length !== dirs[0].length)) return false;
  return entryStemPath(key, { levels: dirs.length, length: dirs[0]?.length ?? 0 }) === at;
}

/**
 * Proof, from a sample, that the tree is a mod_cache_disk cache: a `.header` that parses
 * as a format 6 entry in httpd's layout or as a format 5 Vary index next to its
 * `.header.vary/` directory, or an `aptmpXXXXXX` temp file in the root. Returns the
 * path that proved it, or null. A file merely named `*.header` (an HTTP fixture in a
 * source tree) proves nothing. At most MAX_HEADERS headers are opened (O_NOFOLLOW,
 * O_NOATIME, the first 4 KiB), and no other file.
 */
export async function apacheEvidence(sample: TreeSample): Promise<string | null> {
  const temp = sample.seen.find((s) => s.depth === 0 && s.type === 'file' && APACHE_TEMP.test(s.name));
  if (temp) return temp.rel;
  const varyDirs = new Set(sample.seen.filter((s) => s.type === 'dir' && s.name.endsWith('.header.vary')).map((s) => s.rel));
  const headers = sample.seen.filter((s) => s.type === 'file' && s.name.endsWith('.header') && s.name.length > '.header'.length);
  for (const h of headers.slice(0, MAX_HEADERS)) {
    const r = await read(join(sample.root, h.rel));
    if (!r.ok) continue;
    const stem = h.rel.slice(0, -'.header'.length);
    if (r.header.kind === 'entry' && inHttpdLayout(stem, r.header.key)) return h.rel;
    if (r.header.kind === 'vary' && varyDirs.has(`${h.rel}.vary`) && stem.split('/').every((p) => HASH_NAME.test(p))) return h.rel;
  }
  return null;
}
