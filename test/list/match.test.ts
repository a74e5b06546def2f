import { describe, expect, test } from 'vitest';
import { compileGlob, keyForms, normaliseUserUrl, urlMatcher } from '../../src/core/match.js';

describe('glob', () => {
  test('* spans slashes, ? is one character, classes, escapes, anchored', () => {
    const g = compileGlob('*/gentoo-distfiles/firefox-*');
    expect(g('http://h:80/gentoo-distfiles/firefox-128.0.src.tar.xz?')).toBe(true);
    expect(g('http://h:80/gentoo-distfiles/thunderbird-1.tar.xz?')).toBe(false);
    expect(compileGlob('a?c')('abc')).toBe(true);
    expect(compileGlob('a?c')('abbc')).toBe(false);
    expect(compileGlob('pkg-[0-9].tar')('pkg-7.tar')).toBe(true);
    expect(compileGlob('pkg-[!0-9].tar')('pkg-7.tar')).toBe(false);
    expect(compileGlob('pkg-[^0-9].tar')('pkg-x.tar')).toBe(true);
    expect(compileGlob('a\\*b')('a*b')).toBe(true);
    expect(compileGlob('a\\*b')('axb')).toBe(false);
    expect(compileGlob('[abc')('[abc')).toBe(true);
    expect(compileGlob('x.y')('xzy')).toBe(false);
    expect(compileGlob('ab')('xaby')).toBe(false);
  });
  test('many stars stay linear', () => {
    const g = compileGlob('*a*a*a*a*a*a*a*a*a*a*b');
    const t0 = Date.now();
    expect(g('a'.repeat(40))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('key forms', () => {
  test('a stored key can be written as a browser or access log shows it', () => {
    expect(keyForms('http://Mirror.example:80/d/f.tar.xz?')).toEqual([
      'http://mirror.example:80/d/f.tar.xz?', 'http://mirror.example:80/d/f.tar.xz',
      'http://mirror.example/d/f.tar.xz?', 'http://mirror.example/d/f.tar.xz',
      '/d/f.tar.xz?', '/d/f.tar.xz',
    ]);
    expect(keyForms('https://h:8443/x?a=1')).toEqual(['https://h:8443/x?a=1', '/x?a=1']);
    expect(keyForms('relative/path.tar')).toEqual(['relative/path.tar']);
    expect(normaliseUserUrl('HTTP://Host/Path')).toBe('http://host/Path');
  });
  test('patterns match any form', () => {
    const k = 'http://127.0.0.1:18080/gentoo-distfiles/pkg-1.tar.xz?';
    expect(urlMatcher('*.tar.xz')(k)).toBe(true);
    expect(urlMatcher('/gentoo-distfiles/*')(k)).toBe(true);
    expect(urlMatcher('http://127.0.0.1:18080/*')(k)).toBe(true);
    expect(urlMatcher('/other/*')(k)).toBe(false);
    expect(urlMatcher('*.tar.gz')(k)).toBe(false);
  });
});
