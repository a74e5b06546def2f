import { describe, expect, test } from 'vitest';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { compileLogFormat, COMBINED, COMMON, parseClfTime } from '../../src/core/accessLog/logFormat.js';
import { applyAccessLogs } from '../../src/core/accessLog/recency.js';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';
import { url, DAY } from '../scan/fixtureTree.js';
import { rowOf } from '../helpers/columns.js';

const T = '25/Nov/2026:03:00:00 +0000';
const T_MS = Date.UTC(2026, 10, 25, 3, 0, 0);

describe('access log lines', () => {
  const common = compileLogFormat(COMMON);
  const combined = compileLogFormat(COMBINED);
  test.each([
    ['common', common, `127.0.0.1 - - [${T}] "GET /gentoo-distfiles/a.tar.xz HTTP/1.1" 200 1234`, { path: '/gentoo-distfiles/a.tar.xz', query: '', status: 200 }],
    ['common, dash size', common, `::1 - bob [${T}] "HEAD /x HTTP/1.0" 304 -`, { path: '/x', status: 304 }],
    ['combined', combined, `10.0.0.5 - - [${T}] "GET /gentoo-distfiles/b.tar.gz?v=2 HTTP/1.1" 200 99 "-" "Wget/1.21 (linux-gnu)"`, { path: '/gentoo-distfiles/b.tar.gz', query: 'v=2' }],
    ['combined, quotes in UA', combined, `h - - [${T}] "GET /c HTTP/1.1" 200 1 "http://r/" "Mozilla \\"x\\" y"`, { path: '/c' }],
    ['absolute-form target (forward proxy)', common, `h - - [${T}] "GET http://mirror:80/d HTTP/1.1" 200 1`, { path: '/d' }],
    ['custom %U%q', compileLogFormat('%t %>s %U%q %D'), `[${T}] 200 /e.tar.xz?x=1 532`, { path: '/e.tar.xz', query: 'x=1' }],
    ['vhost_combined', compileLogFormat('%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"'), `mirror:80 1.2.3.4 - - [${T}] "GET /f HTTP/1.1" 200 5 "-" "curl/8"`, { path: '/f' }],
  ])('%s', (_n, parse, line, want) => {
    expect(parse(line)).toMatchObject({ time: T_MS, ...want });
  });
  test.each(['', 'garbage', `h - - [not a date] "GET / HTTP/1.1" 200 1`, `h - - [${T}] "NONSENSE" 200 1`, '\x00\xff binary'])('garbage %j -> null', (line) => {
    expect(common(line)).toBeNull();
  });
  test('time zones', () => {
    expect(parseClfTime('25/Nov/2026:05:00:00 +0200')).toBe(T_MS);
    expect(parseClfTime('24/Nov/2026:22:00:00 -0500')).toBe(T_MS);
  });
  test('a format without %t is refused', () => expect(() => compileLogFormat('%h %r')).toThrow(/needs %t/));
});

describe('access log recency', () => {
  const line = (path: string, t: string, status = 200) => `127.0.0.1 - - [${t}] "GET ${path} HTTP/1.1" ${status} 10\n`;

  async function cache() {
    const root = await tempDir();
    const old = Date.now() - 30 * DAY;
    for (const n of ['a', 'b', 'c']) await writeEntry(root, { key: url(`${n}.tar.xz`), body: 100, fetchedAt: old }, { levels: 2, length: 1 });
    return root;
  }

  /** A cache, a state dir and a log holding one hit on a.tar.xz at T, and the first indexed run over them. */
  async function firstRun() {
    const root = await cache();
    const state = await tempDir('state-');
    const logs = await tempDir('logs-');
    const log = join(logs, 'access_log');
    await writeFile(log, line('/gentoo-distfiles/a.tar.xz', T));
    return { root, state, logs, log, first: await indexedScan({ root, stateDir: state, accessLogs: [log] }) };
  }

  test('hits raise recency; garbage lines are counted; errors do not count; positions are remembered', async () => {
    const root = await cache();
    const logs = await tempDir('logs-');
    const log = join(logs, 'access_log');
    await writeFile(log, line('/gentoo-distfiles/a.tar.xz', T) + 'junk line\n' + line('/gentoo-distfiles/b.tar.xz', T, 404));
    const s = await indexedScan({ root, stateDir: await tempDir('state-'), accessLogs: [log] });
    const a = rowOf(s.table.key, url('a.tar.xz')), b = rowOf(s.table.key, url('b.tar.xz'));
    expect(s.table.f64.dataAtime[a]).toBe(T_MS);
    expect(s.table.f64.dataAtime[b]).toBeLessThan(T_MS);
    expect(s.index.accessLog).toMatchObject({ lines: 3, hits: 1, matched: 1, garbage: 1 });
  });

  test('a re-run reads only new lines; a rotated log is finished under its new name; gzip is read once', async () => {
    const { root, state, logs, log, first: r1 } = await firstRun();
    expect(r1.index.accessLog!.lines).toBe(1);
    // Appended, then rotated (same inode under the new name), then a new log.
    await appendFile(log, line('/gentoo-distfiles/b.tar.xz', '25/Nov/2026:04:00:00 +0000'));
    await rename(log, `${log}.1`);
    await writeFile(log, line('/gentoo-distfiles/c.tar.xz', '25/Nov/2026:05:00:00 +0000'));
    await writeFile(join(logs, 'access_log.2.gz'), gzipSync(line('/gentoo-distfiles/c.tar.xz', '20/Nov/2026:05:00:00 +0000')));
    const files = [log, `${log}.1`, join(logs, 'access_log.2.gz')];
    const r2 = await indexedScan({ root, stateDir: state, accessLogs: files });
    expect(r2.index.accessLog!.lines).toBe(3); // b from .1 (not a again), c, and the gz line
    expect(r2.index.accessLog!.files.map((f) => f.gzip)).toEqual([false, false, true]);
    const c = rowOf(r2.table.key, url('c.tar.xz'));
    expect(r2.table.f64.dataAtime[c]).toBe(Date.UTC(2026, 10, 25, 5));
    const r3 = await indexedScan({ root, stateDir: state, accessLogs: files });
    expect(r3.index.accessLog!.lines).toBe(0);
    expect(r3.index.accessLog!.files[2].skipped).toBe('already read');
    // Recency from the log survives in the index.
    expect(r3.table.f64.dataAtime[rowOf(r3.table.key, url('b.tar.xz'))]).toBe(Date.UTC(2026, 10, 25, 4));
    expect(r3.index.readDirs).toBe(0);
  });

  // Issue #16, C3: log-derived recency must survive what a full run over the same logs
  // would not lose: a directory read again (file times come back), and a log refilled in
  // place past the old read position (copytruncate; or a new log given the old inode).
  test('log recency survives a re-read directory, and a log refilled in place is read from its start', async () => {
    const { root, state, log } = await firstRun();
    // a's directory changes (a new entry beside it): its row is read again from the files.
    const s0 = await indexedScan({ root, stateDir: state, accessLogs: [log] });
    const dirOfA = s0.table.dirs[s0.table.dir[rowOf(s0.table.key, url('a.tar.xz'))]];
    await writeFile(join(root, dirOfA, 'zzzzzzzzzzzzzzzzzzzzzz.header.tmp'), 'x');
    const s1 = await indexedScan({ root, stateDir: state, accessLogs: [log] });
    expect(s1.index.readDirs).toBeGreaterThan(0);
    expect(s1.table.f64.dataAtime[rowOf(s1.table.key, url('a.tar.xz'))]).toBe(T_MS);
    // copytruncate, then more lines than before: same inode, the old position inside new text.
    const later = '26/Nov/2026:03:00:00 +0000';
    await writeFile(log, line('/gentoo-distfiles/b.tar.xz', later) + line('/gentoo-distfiles/c.tar.xz', later));
    const s2 = await indexedScan({ root, stateDir: state, accessLogs: [log] });
    expect(s2.index.accessLog!.lines).toBe(2);
    expect(s2.table.f64.dataAtime[rowOf(s2.table.key, url('b.tar.xz'))]).toBe(Date.UTC(2026, 10, 26, 3));
    // And all of it equals a full run over the same log (which cannot know the first line: it is gone).
    const full = await indexedScan({ root, stateDir: await tempDir('state-'), full: true, accessLogs: [log] });
    for (const k of ['b.tar.xz', 'c.tar.xz']) {
      expect(s2.table.f64.dataAtime[rowOf(s2.table.key, url(k))]).toBe(full.table.f64.dataAtime[rowOf(full.table.key, url(k))]);
    }
  });

  test('applyAccessLogs on a plain table: a missing log is reported, not fatal', async () => {
    const root = await cache();
    const s = await indexedScan({ root });
    const r = await applyAccessLogs(s.table, ['/nonexistent/access_log'], {});
    expect(r.files).toEqual([{ path: '/nonexistent/access_log', from: 0, to: 0, gzip: false, skipped: 'ENOENT' }]);
  });
});
