import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { buildHtmlModel, htmlReport } from '../../src/core/html/htmlReport.js';
import { buildPageModel, MAX_ROWS } from '../../src/core/html/model.js';
import { renderPage } from '../../src/core/html/page.js';
import { DARK, LIGHT, MARK_KEYS, TEXT_KEYS, type Palette } from '../../src/core/html/theme.js';
import { tempDir } from '../helpers/tmp.js';
import { fixtureReport, HOSTILE, LOG_FORMAT, NOW, writeHtmlFixture } from './fixture.js';
import type { Report } from '../../src/core/report.js';
import { PANELS } from './panels.js';


async function fixturePage(): Promise<string> {
  const f = await writeHtmlFixture(await tempDir());
  return htmlReport({ ...(await fixtureReport(f)), root: f.root }, { now: NOW, stateDir: f.stateDir, accessLogs: [f.accessLog], logFormat: LOG_FORMAT, top: 10 });
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

test('the CSP allows exactly the page\'s own style and script (their hashes), nothing inline otherwise, nothing remote', async () => {
  const page = await fixturePage();
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1].replace(/&#39;/g, "'");
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
  const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
  expect(csp).toBe(`default-src 'none'; style-src ${sha256(style)}; script-src ${sha256(script)}; img-src data:; base-uri 'none'; form-action 'none'`);
  // The CSP comes before anything it governs.
  expect(page.indexOf('Content-Security-Policy')).toBeLessThan(page.indexOf('<style>'));
  expect(page).not.toMatch(/ style="|\son[a-z]+="/i);
  // Nothing that loads: the only URL an attribute holds is the empty data: favicon.
  expect([...page.matchAll(/\s(?:src|href|action|xlink:href)="([^"]*)"/g)].map((m) => m[1])).toEqual(['data:,']);
  expect(style).not.toMatch(/url\(|@import/);
});

test('hostile keys are text: one script element, no markup from the cache, every payload escaped', async () => {
  const page = await fixturePage();
  expect(page.match(/<script/g)).toHaveLength(1);
  expect(page.match(/<\/script/g)).toHaveLength(1);
  expect(page).not.toMatch(/<img|<!--/);
  expect(page).toContain('&lt;script&gt;document.title=&quot;pwned-1&quot;;window.pwned=1&lt;/script&gt;');
  expect(page).toContain('&quot;&gt;&lt;img src=x onerror=&quot;document.title=&#39;pwned-2&#39;');
  expect(page).toContain('line\\u{2028}sep\\u{2029}end');
  expect(page).toContain('evil\\u{202e}gpj.exe');
  expect(page).toContain('bad-\ufffd\ufffd\ufffd-utf8');
  expect(page).not.toMatch(/[\u2028\u2029\u202e]/);
  for (const payload of [HOSTILE.script, HOSTILE.attr, HOSTILE.close]) expect(page).not.toContain(payload);
});

test('every panel is there, every chart is an image with a name and a description', async () => {
  const page = await fixturePage();
  for (const id of PANELS) expect(page).toMatch(new RegExp(`id="panel-${id}" aria-labelledby="h-${id}"`));
  const charts = [...page.matchAll(/<svg class="chart" id="([^"]+)" role="img" aria-labelledby="\1-t \1-d"[^>]*><title id="\1-t">([^<]+)<\/title><desc id="\1-d">([^<]+)<\/desc>/g)];
  expect(charts.length).toBe(page.match(/<svg/g)!.length);
  expect(charts.map((c) => c[1]).sort()).toEqual([
    'chart-age', 'chart-bytes', 'chart-dead-weight', 'chart-history-evicted', 'chart-history-size', 'chart-history-tail', 'chart-hit-ratios',
    'chart-hosts', 'chart-paths', 'chart-requests', 'chart-sizes', 'chart-sizing', 'chart-space',
  ]);
});

test('without a run log or access logs, those panels say how to get them', () => {
  const report = { root: '/c', format: 'files', layout: null, scannedAt: new Date(NOW).toISOString(), scanMs: 1, reader: 'portable', entries: 0, files: 0, directories: 0, bytes: 0, diskBytes: 0, entryBytes: 0, varyGroups: 0, variants: 0, headerOnly: 0, tempFiles: { count: 0, bytes: 0, diskBytes: 0 }, orphans: { count: 0, bytes: 0, diskBytes: 0 }, unusable: { count: 0, bytes: 0, diskBytes: 0 }, foreign: { count: 0, bytes: 0, diskBytes: 0, samples: [] }, expired: { count: 0, bytes: 0, diskBytes: 0, profile: [] }, vanished: 0, errors: [], filesystem: null, largest: [], byHost: [], byPath: [], ageHistogram: [], sizeHistogram: [], oldestAccess: null } as Report;
  const page = renderPage(buildPageModel({ report, now: NOW, runs: [] }));
  expect(page).toContain('No prune recorded in the last 90 days');
  expect(page).toContain('Give --access-log FILE...');
  expect(renderPage(buildPageModel({ report, now: NOW, runs: null }))).toContain('No state dir, so no run log');
});

test('the page stays small whatever the cache: rows capped, long keys elided', () => {
  const key = (i: number) => `http://h${i}.example/${'x'.repeat(4000)}/${i}`;
  const n = 10_000;
  const t = (i: number) => ({ count: 1, bytes: n - i, diskBytes: n - i });
  const report = {
    root: '/c', format: 'apache', layout: { levels: 2, length: 1 }, scannedAt: new Date(NOW).toISOString(), scanMs: 1, reader: 'native',
    entries: n, files: 2 * n, directories: 10, bytes: n * n, diskBytes: n * n, entryBytes: n * n, varyGroups: 0, variants: 0, headerOnly: 0,
    tempFiles: t(0), orphans: t(0), unusable: t(0), foreign: { ...t(0), samples: [] }, expired: { ...t(0), profile: [] }, vanished: 0,
    errors: Array.from({ length: n }, (_, i) => ({ path: key(i), code: 'EACCES' })), filesystem: null,
    largest: Array.from({ length: n }, (_, i) => ({ url: key(i), bytes: n - i, diskBytes: n - i, lastAccess: new Date(NOW).toISOString(), path: key(i) })),
    byHost: Array.from({ length: n }, (_, i) => ({ host: key(i), ...t(i) })), byPath: Array.from({ length: n }, (_, i) => ({ segment: key(i), ...t(i) })),
    ageHistogram: [], sizeHistogram: [], oldestAccess: new Date(NOW).toISOString(),
  } as Report;
  const runs = Array.from({ length: 20_000 }, (_, i) => ({ time: NOW - i * 300e3, usage: 'disk' as const, before: 2, after: 1, entriesBefore: 1, entriesAfter: 1, evicted: 1, evictedEntries: 1, byReason: {}, tailAgeMs: 1, limit: 1, targetMet: true, errors: 0, interrupted: false, durationMs: 1 })).reverse();
  const model = buildPageModel({ report, now: NOW, runs, top: n });
  expect(model.largest).toHaveLength(MAX_ROWS);
  expect(model.capped).toEqual({ top: MAX_ROWS, requested: n });
  expect(model.history!.grain).toBe('day');
  const page = renderPage(model);
  expect(Buffer.byteLength(page)).toBeLessThanOrEqual(300 * 1024);
  expect(page).toContain('report --json --top N lists more');
});

/** WCAG 2 relative luminance and contrast ratio. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test.each([['light', LIGHT], ['dark', DARK]] as [string, Palette][])('the %s palette passes WCAG AA: text 4.5:1, chart marks 3:1, on the page and on a panel', (_, p) => {
  for (const bg of [p.bg, p.card]) {
    for (const k of TEXT_KEYS) expect(contrast(p[k], bg), `${k} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    for (const k of MARK_KEYS) expect(contrast(p[k], bg), `${k} on ${bg}`).toBeGreaterThanOrEqual(3);
  }
  // A bar is told from the track it fills (the page background) too.
  for (const k of MARK_KEYS) expect(contrast(p[k], p.bg)).toBeGreaterThanOrEqual(3);
});

test('the model builder is pure: the same input gives the same page', async () => {
  const f = await writeHtmlFixture(await tempDir());
  const report = { ...(await fixtureReport(f)), root: f.root };
  const o = { now: NOW, stateDir: f.stateDir, top: 10 };
  expect(renderPage(await buildHtmlModel(report, o))).toBe(renderPage(await buildHtmlModel(report, o)));
});

test('with --repo, the Gentoo classes get their panel and join the dead weight (mismatch is dead, retired and duplicates are not)', async () => {
  const f = await writeHtmlFixture(await tempDir());
  const base = { ...(await fixtureReport(f)), root: f.root };
  const cls = (count: number, bytes: number, url: string) => ({ count, bytes, diskBytes: bytes, largest: [{ url, bytes, diskBytes: bytes, lastAccess: new Date(NOW).toISOString(), path: 'a/b.data' }] });
  const report = {
    ...base, mismatch: cls(2, 5_000_000, `http://evil.example:80/distfiles/${HOSTILE.script}`),
    retired: cls(3, 7_000_000, 'http://distfiles.local:80/distfiles/old-1.0.tar.xz?'), duplicates: cls(1, 1_000_000, 'http://distfiles.local:80/distfiles/80/which-2.23.tar.gz?'),
  };
  const model = buildPageModel({ report, now: NOW, runs: [] });
  expect(model.gentoo.map((g) => [g.key, g.count, g.bytes, g.largest.length])).toEqual([['mismatch', 2, 5_000_000, 1], ['retired', 3, 7_000_000, 1], ['duplicates', 1, 1_000_000, 1]]);
  expect(model.deadWeight.filter((d) => d.dead).map((d) => d.key)).toEqual(['temp', 'orphans', 'unusable', 'mismatch']);
  const page = renderPage(model);
  expect(page).toMatch(/id="panel-gentoo"[\s\S]*id="chart-gentoo"/);
  expect(page).toContain('old-1.0.tar.xz');
  expect(page).not.toContain(HOSTILE.script);
  expect(page.match(/<script/g)).toHaveLength(1);
  // Without --repo there is no such panel.
  expect(renderPage(buildPageModel({ report: base, now: NOW, runs: [] }))).not.toContain('panel-gentoo');
});

test('a plain file cache: no hosts panel; unreadable names shown as the scanner wrote them', async () => {
  const dir = await tempDir();
  const { writeFile, mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'sub', 'a.tar.gz'), Buffer.alloc(5000));
  await writeFile(Buffer.from(`${dir}/bad-\xff-name`, 'latin1'), 'x');
  const { streamReport } = await import('../../src/core/report.js');
  const report = await streamReport({ root: dir, format: 'files', now: NOW });
  const page = renderPage(buildPageModel({ report, now: NOW, runs: null }));
  expect(page).not.toContain('id="panel-hosts"');
  expect(page).toContain('id="panel-paths"');
  expect(page).toMatch(/id="panel-errors"[\s\S]*bad-\\xff-name<\/th><td>EILSEQ/);
});
