import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeEntry, writeTemp, writeVaryGroup } from '../../src/core/sample/writeEntry.js';
import { appendRun, type RunRecord } from '../../src/core/runLog/runLog.js';
import { buildReport, type Report } from '../../src/core/report.js';
import { scan } from '../../src/core/scan/scan.js';

/** The fixture's clock: every age on the page is counted from it. */
export const NOW = Date.UTC(2025, 2, 31, 12, 0, 0);
const FIXED_NOW = NOW;
const DAY = 86400e3;

/** A key's bytes as the scanner keeps them (one char per byte): how httpd stores a UTF-8 key. */
export const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/**
 * Keys anyone can make the proxy cache. Each script payload leaves a trace if it ever
 * runs (the title, a global), which the browser test looks for.
 */
export const HOSTILE = {
  script: '<script>document.title="pwned-1";window.pwned=1</script>',
  attr: '"><img src=x onerror="document.title=\'pwned-2\';window.pwned=2">',
  close: '</script><script>document.title="pwned-3";window.pwned=3</script><!--',
  lineSep: bytes('line\u2028sep\u2029end'),
  bidi: bytes('evil\u202egpj.exe'),
  invalid: 'bad-\xff\xfe\xc3-utf8',
} as const;

export interface HtmlFixture { root: string; stateDir: string; accessLog: string; limit: number }

/**
 * A small mod_cache_disk cache with every panel's material: entries over 120 days and
 * 1 KiB to 2 MiB, three hosts, hostile keys (in paths, large enough to be among the
 * largest, and as host names), a vary group, dead weight; a run log of 30 daily prunes;
 * an access log of 10 days with mod_cache's verdicts. Deterministic for a given `NOW`
 * (spawned commands take the clock's: give them Date.now()).
 */
export async function writeHtmlFixture(dir: string, NOW = FIXED_NOW): Promise<HtmlFixture> {
  const root = join(dir, 'cache'), stateDir = join(dir, 'state'), accessLog = join(dir, 'access.log');
  await mkdir(root);
  await mkdir(stateDir);
  const L = { levels: 2, length: 1 };
  for (let i = 0; i < 40; i++) {
    const host = ['distfiles.local', 'mirror2.local', 'distfiles.local'][i % 3];
    const key = `http://${host}:80/gentoo-distfiles/distfiles/pkg-${i}.tar.xz?`;
    const body = Math.round(1024 * 2 ** ((i * 11) / 39));
    const fetchedAt = NOW - (3 + ((i * 37) % 120)) * DAY;
    await writeEntry(root, { key, body, fetchedAt, accessedAt: fetchedAt + ((i * 13) % 3) * DAY, maxAge: DAY }, L);
  }
  let n = 0;
  for (const payload of Object.values(HOSTILE)) {
    n++;
    await writeEntry(root, { key: `http://evil.example:80/gentoo-distfiles/${payload}?`, body: 3_000_000 + n, fetchedAt: NOW - n * DAY, requestHeaders: { Host: 'evil.example' } }, L);
    await writeEntry(root, { key: `http://${payload}/x${n}?`, body: 100 + n, fetchedAt: NOW - n * DAY, requestHeaders: { Host: 'x' } }, L);
  }
  await writeVaryGroup(root, 'http://distfiles.local:80/gentoo-distfiles/metadata/timestamp.chk?', ['Accept-Encoding'], [
    { fetchedAt: NOW - 3600e3, body: 30, maxAge: DAY, requestHeaders: { 'Accept-Encoding': 'gzip' } },
    { fetchedAt: NOW - 7200e3, body: 31, maxAge: DAY, requestHeaders: { 'Accept-Encoding': 'identity' } },
  ], L);
  await writeTemp(root, 'Xk3P9q', 200 * 1024, NOW - 9 * 3600e3);
  const real = await realpath(root);

  const limit = 32 * 2 ** 20;
  for (let d = 30; d >= 1; d--) {
    const before = limit + ((d * 7919) % 9) * 2 ** 20;
    const missed = d % 11 === 0;
    const r: RunRecord = {
      time: NOW - d * DAY + 3 * 3600e3, usage: 'apparent', before, after: missed ? limit + 2 ** 20 : limit - 2 ** 19, entriesBefore: 60, entriesAfter: 55,
      evicted: missed ? before - limit - 2 ** 20 : before - limit + 2 ** 19, evictedEntries: 5, byReason: { lru: 1 }, tailAgeMs: (60 + (d % 5)) * DAY,
      limit, targetMet: !missed, ...(missed ? { miss: 'keep-newer-than' } : {}), errors: 0, interrupted: false, durationMs: 900,
    };
    await appendRun(stateDir, real, r);
  }

  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const stamp = (t: Date) => `${String(t.getUTCDate()).padStart(2, '0')}/${mon[t.getUTCMonth()]}/${t.getUTCFullYear()}:${t.toISOString().slice(11, 19)} +0000`;
  let log = '';
  for (let i = 0; i < 600; i++) {
    const t = new Date(NOW - 10 * DAY + i * 1440e3);
    const f = (i * i * 7) % 50;
    const status = i % 17 === 0 ? 304 : 200;
    const verdict = i % 3 === 0 ? 'cache miss: attempting entity save' : 'cache hit';
    log += `10.0.0.${i % 7} - - [${stamp(t)}] "GET /gentoo-distfiles/distfiles/pkg-${f}.tar.xz HTTP/1.1" ${status} ${status === 200 ? 20000 + f * 3000 : 0} "-" "Wget/1.21" "${verdict}"\n`;
  }
  await writeFile(accessLog, log);
  return { root: real, stateDir, accessLog, limit };
}

export const LOG_FORMAT = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{cache-status}e"';

/**
 * The fixture's report with what depends on the machine fixed: where the tree is, when
 * and how fast it was read, the filesystem it is on, and disk blocks (their size is the
 * filesystem's; the page shows them, but their sums are the report's, tested elsewhere).
 */
export async function fixtureReport(f: HtmlFixture): Promise<Report> {
  const r = await buildReport(await scan({ root: f.root }), { now: NOW });
  return {
    ...r, root: '/var/cache/apache2/mod_cache_disk', scannedAt: new Date(NOW).toISOString(), scanMs: 1234, reader: 'native',
    filesystem: { size: 100 * 2 ** 30, free: 60 * 2 ** 30, available: 55 * 2 ** 30 },
    diskBytes: r.bytes, largest: r.largest.map((e) => ({ ...e, diskBytes: e.bytes })),
  };
}

