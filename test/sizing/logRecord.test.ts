import { describe, expect, test } from 'vitest';
import { compileRecordParser, defaultRecordParser } from '../../src/core/sizing/logRecord.js';
import { parseClfTime } from '../../src/core/accessLog/logFormat.js';
import { cacheVerdict } from '../../src/core/sizing/cacheStatus.js';
import { UsageError } from '../../src/core/errors.js';
import { CACHE_FORMAT } from './logFiles.js';

const T = '25/Nov/2026:23:30:00 -0200';
const T_MS = Date.UTC(2026, 10, 26, 1, 30, 0);

describe('sizing log records', () => {
  const parse = defaultRecordParser();

  test.each([
    ['common', `127.0.0.1 - - [${T}] "GET /distfiles/a.tar.xz HTTP/1.1" 200 1234`, { method: 'GET', path: '/distfiles/a.tar.xz', query: '', status: 200, bytes: 1234, cacheStatus: '' }],
    ['common, no body', `::1 - bob [${T}] "HEAD /x HTTP/1.0" 304 -`, { method: 'HEAD', path: '/x', status: 304, bytes: 0 }],
    ['combined', `10.0.0.5 - - [${T}] "GET /b.tar.gz?v=2&x HTTP/1.1" 200 99 "-" "Wget/1.21 (linux-gnu)"`, { path: '/b.tar.gz', query: 'v=2&x', bytes: 99 }],
    ['combined, quotes in the user agent', `h - - [${T}] "GET / HTTP/1.1" 200 1 "http://r/" "Mozilla \\"x\\" y"`, { path: '/', query: '' }],
    ['absolute-form target', `h - - [${T}] "GET http://mirror:80/d?q HTTP/1.1" 206 10`, { path: '/d', query: 'q', status: 206 }],
  ])('%s', (_n, line, want) => {
    expect(parse(line)).toMatchObject({ time: T_MS, day: '2026-11-25', ...want });
  });

  test('the day is the log\'s own calendar day, not UTC\'s', () => {
    // 23:30 at -0200 is 01:30 UTC the next day; people read the log's dates.
    expect(parse(`h - - [${T}] "GET / HTTP/1.1" 200 1`)!.day).toBe('2026-11-25');
  });

  test('a custom LogFormat with %{cache-status}e', () => {
    const p = compileRecordParser(CACHE_FORMAT);
    expect(p(`h - - [${T}] "GET /c HTTP/1.1" 200 5 "-" "curl/8" "cache hit"`)).toMatchObject({ path: '/c', bytes: 5, cacheStatus: 'cache hit' });
    expect(p(`h - - [${T}] "GET /c HTTP/1.1" 200 5 "-" "curl/8" "cache miss: attempting entity save"`)!.cacheStatus).toBe('cache miss: attempting entity save');
    expect(p(`h - - [${T}] "GET /c HTTP/1.1" 200 5 "-" "curl/8" "-"`)!.cacheStatus).toBe('');
  });

  test('%U%q with %m, %O when there is no %b, and %{X-Cache}o', () => {
    const p = compileRecordParser('%t %m %U%q %>s %O %{X-Cache}o');
    expect(p(`[${T}] GET /e.tar.xz?x=1 200 532 HIT`)).toMatchObject({ method: 'GET', path: '/e.tar.xz', query: 'x=1', bytes: 532, cacheStatus: 'HIT' });
  });

  test('named formats', () => {
    expect(compileRecordParser('combined')(`h - - [${T}] "GET /f HTTP/1.1" 200 5 "-" "x"`)).toMatchObject({ path: '/f' });
    expect(compileRecordParser('COMMON')(`h - - [${T}] "GET /f HTTP/1.1" 200 5`)).toMatchObject({ path: '/f' });
  });

  test.each([
    '', 'garbage', `h - - [not a date] "GET / HTTP/1.1" 200 1`, `h - - [${T}] "NONSENSE" 200 1`, '\x00\xff binary',
    `h - - [${T}] "GET / HTTP/1.1" 200 12x`, `h - - [${T}] "GET / HTTP/1.1" 2OO 1`,
    // A bad clock on a day whose first line was fine.
    `h - - [25/Nov/2026:2x:30:00 -0200] "GET / HTTP/1.1" 200 1`, `h - - [25/Nov/2026:25:30:00 -0200] "GET / HTTP/1.1" 200 1`,
    `h - - [25/Nov/2026:23:3/:00 -0200] "GET / HTTP/1.1" 200 1`, `h - - [25/Nov/2026:23.30:00 -0200] "GET / HTTP/1.1" 200 1`,
    // Truncated mid-line (a log still being written, or cut by a full disk).
    `h - - [${T}] "GET /distfiles/a.tar`,
  ])('garbage %j -> null', (line) => {
    parse(`h - - [${T}] "GET / HTTP/1.1" 200 1`);
    expect(parse(line)).toBeNull();
  });

  test('the clock agrees with parseClfTime over a day, across zones and a day change', () => {
    const p = defaultRecordParser();
    for (const zone of ['+0000', '-0200', '+0530']) {
      for (let s = 0; s < 2 * 86400; s += 997) {
        const d = new Date(Date.UTC(2026, 11, 31) + s * 1000);
        const pad = (n: number) => String(n).padStart(2, '0');
        const t = `${pad(d.getUTCDate())}/${['Nov', 'Dec', 'Jan'][d.getUTCMonth() === 11 ? 1 : 2]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${zone}`;
        const r = p(`h - - [${t}] "GET / HTTP/1.1" 200 1`)!;
        expect(r.time).toBe(parseClfTime(t));
        expect(r.day).toBe(`${t.slice(7, 11)}-${t.slice(3, 6) === 'Dec' ? '12' : '01'}-${t.slice(0, 2)}`);
      }
    }
  });

  test('request lines the fast split leaves to the pattern', () => {
    expect(parse(`h - - [${T}] "GET /x" 200 1`)).toMatchObject({ path: '/x', method: 'GET' });
    expect(parse(`h - - [${T}] "GET http://m/x?y HTTP/1.1" 200 1`)).toMatchObject({ path: '/x', query: 'y' });
    expect(parse(`h - - [${T}] "GET /a b HTTP/1.1" 200 1`)).toBeNull();
    expect(parse(`h - - [${T}] "get /a HTTP/1.1" 200 1`)).toBeNull();
    expect(parse(`h - - [${T}] "GET /a?b?c HTTP/2.0" 200 1`)).toMatchObject({ path: '/a', query: 'b?c', key: '/a?b?c' });
    expect(parse(`h - - [${T}] "GET /a? HTTP/1.1" 200 1`)).toMatchObject({ path: '/a', query: '', key: '/a' });
  });

  test('a format without the fields sizing needs is a usage error that names them', () => {
    expect(() => compileRecordParser('%h %t "%r" %>s')).toThrow(UsageError);
    expect(() => compileRecordParser('%h %t "%r" %>s')).toThrow(/lacks %b/);
    expect(() => compileRecordParser('%h %b')).toThrow(/lacks %t, %r, %>s/);
  });
});

describe('mod_cache verdicts', () => {
  test.each([
    ['cache hit', 'hit'],
    ['cache hit: 304 status; stale content returned', 'hit'],
    ['conditional cache hit: entity refreshed', 'hit'],
    ['conditional cache hit: entity refresh failed', 'hit'],
    ['cache miss: attempting entity save', 'miss'],
    ['cache miss: cache unwilling to store response', 'miss'],
    ['conditional cache miss: 304 was uncacheable, entity removed: x', 'miss'],
    ['cache invalidated by PUT', 'miss'],
    ['HIT from mirror', 'hit'],
    ['REVALIDATE from mirror', 'hit'],
    ['MISS from mirror', 'miss'],
    ['cache-hit', 'unknown'],
    ['whatever', 'unknown'],
  ])('%j -> %s', (s, v) => expect(cacheVerdict(s)).toBe(v));
});
