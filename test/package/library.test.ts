import { expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp.js';
// By the package's name, as a user's code imports it: Node resolves it through
// package.json "exports" (a package may import itself by name), i.e. the library bundle
// the package ships (dist/lib/, scripts/bundle.mjs) with tsc's declarations.
import * as cachectl from 'cachectl';
import { buildReport, scan, writeSampleCache } from 'cachectl';
import { prune } from 'cachectl/prune';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { exports: Record<string, string | { types: string; default: string }> };

test("'cachectl' resolves through package.json exports to the bundled, typed entry", () => {
  expect(import.meta.resolve('cachectl')).toBe(new URL('dist/lib/index.js', `file://${REPO}`).href);
  expect(existsSync(`${REPO}dist/index.d.ts`)).toBe(true);
});

// The README's library example, on a sample tree.
test('scan + buildReport on a sample tree; a dry-run prune to half plans and deletes nothing', async () => {
  const root = await tempDir();
  const now = Date.now();
  const { entries } = await writeSampleCache(root, { now, entries: 40 });
  const snap = await scan({ root });
  const report = await buildReport(snap, { now });
  expect(snap.interrupted).toBe(false);
  expect(report).toMatchObject({ root, format: 'apache' });
  expect(report.entries).toBe(entries);
  expect(report.bytes).toBeGreaterThan(0);

  const r = await prune({ root: report.root, limit: report.diskBytes / 2, dryRun: true });
  expect(r.targetMet).toBe(true);
  expect(r.plan.length).toBeGreaterThan(0);
  expect(r.plan[0]).toMatchObject({ reason: expect.any(String), bytes: expect.any(Number), url: expect.any(String) });
  expect((await buildReport(await scan({ root }), { now })).bytes).toBe(report.bytes);
});

test('every subpath export (cachectl/report, cachectl/prune, ...) is a part of the whole: same functions, same objects', async () => {
  const subpaths = Object.keys(PKG.exports).filter((k) => k !== '.' && k !== './package.json');
  expect(subpaths.length).toBeGreaterThan(5);
  const seen = new Set<string>();
  for (const sub of subpaths) {
    const name = `cachectl/${sub.slice(2)}`;
    const part = (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
    expect(Object.keys(part).length, sub).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(part)) {
      expect((cachectl as Record<string, unknown>)[key], `${name}: ${key}`).toBe(value);
      seen.add(key);
    }
  }
  // And the whole is nothing but its parts.
  expect(Object.keys(cachectl).filter((n) => !seen.has(n))).toEqual([]);
});
