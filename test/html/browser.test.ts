import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { titled } from '../helpers/apacheLab.js';
import { launchBrowser, needBrowser } from '../helpers/browser.js';
import { runCachectl } from '../helpers/cli.js';
import { escapeHtml } from '../../src/core/html/escape.js';
import { HOSTILE, LOG_FORMAT, writeHtmlFixture } from './fixture.js';
import { PANELS } from './panels.js';

const browser = needBrowser();

interface Watched { page: Page; console: string[]; requests: string[]; dialogs: string[]; violations(): Promise<string[]> }

/** Opens `file` with everything a page could do outside itself recorded: console errors, requests, dialogs, CSP violations. */
async function open(ctx: BrowserContext, file: string): Promise<Watched> {
  const page = await ctx.newPage();
  const w: Watched = { page, console: [], requests: [], dialogs: [], violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') w.console.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => w.console.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { w.dialogs.push(d.message()); void d.dismiss(); });
  page.on('request', (r) => { if (r.url() !== pathToFileURL(file).href) w.requests.push(r.url()); });
  await page.addInitScript(() => {
    const v: string[] = ((window as unknown as { __violations: string[] }).__violations = []);
    document.addEventListener('securitypolicyviolation', (e) => v.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'}`));
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return w;
}

const pwned = (p: Page) => p.evaluate(() => (window as unknown as { pwned?: number }).pwned ?? null);

describe.skipIf(!browser.path)(titled('the HTML report in a real browser', browser), () => {
  let dir: string, file: string, root: string, ctx: BrowserContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cachectl-browser-'));
    const f = await writeHtmlFixture(dir, Date.now());
    root = f.root;
    file = join(dir, 'report.html');
    const r = await runCachectl(['report', f.root, '--state-dir', f.stateDir, '--html', file, '--access-log', f.accessLog, '--access-log-format', LOG_FORMAT]);
    if (r.code !== 0) throw new Error(r.stderr);
    await mkdir(join(dir, 'profile'));
    ctx = await launchBrowser(browser.path!, join(dir, 'profile'));
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('from file://: no console error, no request, no CSP violation, no dialog; the hostile keys are text and nothing of them ran', async () => {
    const w = await open(ctx, file);
    expect(w.console).toEqual([]);
    expect(w.requests).toEqual([]);
    expect(w.dialogs).toEqual([]);
    expect(await w.violations()).toEqual([]);
    expect(await w.page.title()).toBe(`Cache report: ${root}`);
    expect(await pwned(w.page)).toBeNull();
    const urls = await w.page.locator('#panel-largest td.key').allTextContents();
    for (const p of [HOSTILE.script, HOSTILE.attr, HOSTILE.close]) expect(urls).toContain(`http://evil.example:80/gentoo-distfiles/${p}?`);
    expect(urls).toContain('http://evil.example:80/gentoo-distfiles/line\\u{2028}sep\\u{2029}end?');
    expect(urls).toContain('http://evil.example:80/gentoo-distfiles/evil\\u{202e}gpj.exe?');
    expect(urls).toContain('http://evil.example:80/gentoo-distfiles/bad-\ufffd\ufffd\ufffd-utf8?');
    expect(await w.page.locator('#panel-hosts th.key', { hasText: 'pwned-2' }).count()).toBe(1);
    expect(await w.page.locator('img').count()).toBe(0);
    await w.page.close();
  });

  test('control: the same checks catch the payloads on a page that does not escape them, and its CSP blocks them', async () => {
    const page = await readFile(file, 'utf8');
    let raw = page;
    for (const p of [HOSTILE.script, HOSTILE.attr, HOSTILE.close]) raw = raw.replaceAll(escapeHtml(p), p);
    expect(raw).not.toBe(page);
    // Without the CSP the payloads run: the detector sees them.
    const bare = join(dir, 'unescaped.html');
    await writeFile(bare, raw.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));
    const a = await open(ctx, bare);
    expect(await pwned(a.page)).not.toBeNull();
    expect(await a.page.title()).toMatch(/^pwned-/);
    await a.page.close();
    // With it, nothing runs, and each attempt is a violation the listener records.
    const guarded = join(dir, 'unescaped-csp.html');
    await writeFile(guarded, raw);
    const b = await open(ctx, guarded);
    expect(await pwned(b.page)).toBeNull();
    expect(await b.page.title()).toBe(`Cache report: ${root}`);
    expect((await b.violations()).some((v) => v.startsWith('script-src'))).toBe(true);
    await b.page.close();
  });

  test('every panel is there; every chart is a named image with something drawn', async () => {
    const { page } = await open(ctx, file);
    for (const id of PANELS) {
      const panel = page.locator(`#panel-${id}`);
      await expect.poll(() => panel.isVisible()).toBe(true);
      const charts = panel.locator('svg.chart');
      if (id === 'largest') {
        expect(await panel.locator('tbody tr').count()).toBe(10);
        continue;
      }
      expect(await charts.count(), id).toBeGreaterThan(0);
      for (const c of await charts.all()) {
        const drawn = await c.evaluate((svg) => [...svg.querySelectorAll('rect.bar, path.ln, circle.dot')].filter((e) => {
          const b = (e as SVGGraphicsElement).getBBox();
          return b.width > 0 || b.height > 0;
        }).length);
        expect(drawn, `${id}: ${await c.getAttribute('id')}`).toBeGreaterThan(0);
        const name = await c.evaluate((svg) => svg.getAttribute('aria-labelledby')!.split(' ').map((id) => document.getElementById(id)!.textContent).join(' '));
        expect(name.length).toBeGreaterThan(20);
        expect(await c.getAttribute('role')).toBe('img');
      }
    }
    // Found by role and name, as a screen reader user would.
    await expect.poll(() => page.getByRole('img', { name: /^Bytes by last access/ }).count()).toBe(1);
    await expect.poll(() => page.getByRole('img', { name: /^Sizing curve/ }).count()).toBe(1);
    await page.close();
  });

  test('tables sort by a click and by the keyboard; the totals stay at the foot', async () => {
    const { page } = await open(ctx, file);
    const table = page.locator('#panel-largest table');
    const sizes = () => table.locator('tbody tr td:nth-child(1)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
    const before = await sizes();
    expect(before).toEqual([...before].sort((a, b) => b - a));
    const sizeHead = table.locator('thead th').nth(0);
    await sizeHead.getByRole('button').click();
    expect(await sizeHead.getAttribute('aria-sort')).toBe('ascending');
    expect(await sizes()).toEqual([...before].sort((a, b) => a - b));

    const urlHead = table.locator('thead th').nth(3);
    const button = urlHead.getByRole('button', { name: 'URL' });
    expect(await button.evaluate((b) => b.tabIndex)).toBe(0);
    await button.focus();
    await page.keyboard.press('Enter');
    expect(await urlHead.getAttribute('aria-sort')).toBe('ascending');
    expect(await sizeHead.getAttribute('aria-sort')).toBeNull();
    const urls = await table.locator('tbody td.key').allTextContents();
    expect(urls).toEqual([...urls].sort((a, b) => a.localeCompare(b)));
    await page.keyboard.press('Space');
    expect(await urlHead.getAttribute('aria-sort')).toBe('descending');
    expect(await table.locator('tbody td.key').allTextContents()).toEqual([...urls].reverse());

    const hosts = page.locator('#panel-hosts table');
    await hosts.locator('thead th').nth(1).getByRole('button').click();
    expect(await hosts.locator('tfoot tr th').allTextContents()).toEqual(['total']);
    await page.close();
  });

  test('readable without script, on paper, and in the dark scheme', async () => {
    const noJs = await launchBrowser(browser.path!, await mkdtemp(join(dir, 'profile-')), { javaScriptEnabled: false, colorScheme: 'dark' });
    const page = await noJs.newPage();
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('th button').count()).toBe(0);
    expect(await page.locator('#panel-largest thead th').first().textContent()).toBe('Size');
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(10);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(13, 17, 23)');
    const historyRows = page.locator('#panel-history details tbody tr');
    expect(await historyRows.first().isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    expect(await historyRows.first().isVisible()).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    await noJs.close();
  });

  test('a screenshot of the page (kept in the test\'s temp dir; CACHECTL_SCREENSHOT copies it out)', async () => {
    const { page } = await open(ctx, file);
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(50_000);
    if (process.env.CACHECTL_SCREENSHOT) await copyFile(shot, process.env.CACHECTL_SCREENSHOT);
    await page.close();
  });
});
