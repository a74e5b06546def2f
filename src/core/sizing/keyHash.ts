/**
 * A 32-bit hash of a key for SHARDS sampling (a key is kept when hash < threshold).
 * FNV-1a over the UTF-16 code units, then murmur3's finaliser: FNV alone spreads keys
 * that differ only at the end (`pkg-1.tar.xz`, `pkg-2.tar.xz`) poorly over the high
 * bits, and the threshold compares exactly those.
 */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
