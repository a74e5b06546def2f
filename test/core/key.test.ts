import { describe, expect, test } from 'vitest';
import { entryStemPath, hashKey, variantKey } from '../../src/core/format/key.js';

describe('cache key -> path (httpd cache_hash)', () => {
  // Both paths were observed on a live httpd 2.4 cache (htcacheclean.md §3.1, §3.4).
  test('matches a path httpd wrote with CacheDirLevels 2, CacheDirLength 1', () => {
    expect(entryStemPath('http://127.0.0.1:18080/gentoo-distfiles/pkg1-299-18.4.tar.xz?', { levels: 2, length: 1 }))
      .toBe('3/N/nqPxYGhP2xOVI_J71Vvw');
  });

  test('vary variants hash name+value+base key', () => {
    const base = 'http://127.0.0.1:18080/gentoo-distfiles/vary-3.tar.gz?';
    expect(entryStemPath(base, { levels: 2, length: 1 })).toBe('8/_/YQggds_9okBJLm8du8Hw');
    const identity = variantKey(base, ['Accept-Encoding'], { 'Accept-Encoding': 'identity' });
    expect(identity).toBe(`accept-encodingidentity${base}`);
    expect(entryStemPath(identity, { levels: 2, length: 1 })).toBe('B/F/Fr5xiaMM1jjLjZIqhVjA');
    expect(entryStemPath(variantKey(base, ['accept-encoding'], { 'accept-encoding': 'gzip' }), { levels: 2, length: 1 }))
      .toBe('e/V/HdXi3fuTxogOLysfkxXg');
  });

  test('a hash is 22 chars of the 64-char alphabet, ending in A, Q, g or w', () => {
    for (let i = 0; i < 200; i++) {
      const h = hashKey(`http://h/${i}?`);
      expect(h).toMatch(/^[A-Za-z0-9_@]{21}[AQgw]$/);
    }
  });

  test('default layout 2x2 splits the hash into two 2-char dirs', () => {
    const p = entryStemPath('http://h:80/x?', { levels: 2, length: 2 });
    expect(p).toMatch(/^[A-Za-z0-9_@]{2}\/[A-Za-z0-9_@]{2}\/[A-Za-z0-9_@]{18}$/);
  });
});
