import { createHash } from 'node:crypto';

/** httpd's cache_hash alphabet (cache_util.c): index 0 = 'A'. Not base64: '_' and '@'. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@';

/** Directory layout of a mod_cache_disk tree: CacheDirLevels x CacheDirLength. */
export interface Layout {
  readonly levels: number;
  readonly length: number;
}

export const DEFAULT_LAYOUT: Layout = { levels: 2, length: 2 };

/**
 * The 22-character name httpd derives from a cache key: MD5, bytes 0-14 as five
 * big-endian 3-byte groups of four 6-bit indices, then the last byte as two more.
 */
export function hashKey(key: string | Buffer): string {
  const md5 = createHash('md5').update(key).digest();
  let out = '';
  for (let i = 0; i < 15; i += 3) {
    const x = (md5[i] << 16) | (md5[i + 1] << 8) | md5[i + 2];
    out += ALPHABET[(x >> 18) & 63] + ALPHABET[(x >> 12) & 63] + ALPHABET[(x >> 6) & 63] + ALPHABET[x & 63];
  }
  out += ALPHABET[md5[15] >> 2] + ALPHABET[(md5[15] << 4) & 63];
  return out;
}

/** Splits a hash into `levels` directories of `length` chars, then the file stem. */
export function splitHash(hash: string, layout: Layout): { dirs: string[]; stem: string } {
  const dirs: string[] = [];
  let at = 0;
  for (let i = 0; i < layout.levels && at + layout.length < hash.length; i++) {
    dirs.push(hash.slice(at, at + layout.length));
    at += layout.length;
  }
  return { dirs, stem: hash.slice(at) };
}

/** Relative path (no extension) of the entry for `key`, e.g. `3/N/nqPxYGhP2xOVI_J71Vvw`. */
export function entryStemPath(key: string, layout: Layout): string {
  const { dirs, stem } = splitHash(hashKey(key), layout);
  return [...dirs, stem].join('/');
}

/**
 * The key of one variant of a Vary group (mod_cache_disk regen_key): for each sorted,
 * lowercased header name, the name and the raw request value (missing = ""), no
 * separators, then the base key.
 */
export function variantKey(baseKey: string, varyNames: readonly string[], requestHeaders: Readonly<Record<string, string>>): string {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(requestHeaders)) lower[k.toLowerCase()] ??= v;
  const names = [...varyNames].map((n) => n.toLowerCase()).sort();
  return names.map((n) => n + (lower[n] ?? '')).join('') + baseKey;
}
