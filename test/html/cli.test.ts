import { describe, expect, test } from 'vitest';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { readRuns } from '../../src/core/runLog/runLog.js';
import { events, startScheduler } from '../schedule/spawn.js';
import { LOG_FORMAT, writeHtmlFixture } from './fixture.js';
import { PANELS } from './panels.js';

const exists = (p: string) => access(p).then(() => true, () => false);

describe('report/prune/schedule --html (spawned bin)', () => {
  test('report --html FILE writes the page and prints nothing; every panel, history and sizing from the state dir and logs', async () => {
    const dir = await tempDir();
    const f = await writeHtmlFixture(dir, Date.now());
    const out = join(dir, 'out', 'report.html');
    await mkdir(join(dir, 'out'));
    const r = await runCachectl(['report', f.root, '--state-dir', f.stateDir, '--html', out, '--access-log', f.accessLog, '--access-log-format', LOG_FORMAT]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const page = await readFile(out, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const id of PANELS) expect(page).toContain(`id="panel-${id}"`);
    expect(page).toContain('30 prune runs in the last 90 days');
    expect(page).toContain('id="chart-sizing"');
    expect(page).toContain('limit 32.0 MiB'); // the last prune's target, marked
    expect(await readdir(join(dir, 'out'))).toEqual(['report.html']); // no temp file left
    expect(Buffer.byteLength(page)).toBeLessThan(300 * 1024);
  });

  test('--html - writes the page on stdout; with --json and a file, the JSON (sizeHistogram, oldestAccess) on stdout', async () => {
    const dir = await tempDir();
    const f = await writeHtmlFixture(dir, Date.now());
    const r = await runCachectl(['report', f.root, '--html', '-', '--limit', '40M']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    expect(r.stdout).toContain('limit 40.0 MiB');
    const file = join(dir, 'r.html');
    const j = await runCachectl(['report', f.root, '--json', '--html', file]);
    expect(j.code).toBe(0);
    const json = JSON.parse(j.stdout);
    expect(json.sizeHistogram.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(json.entries);
    expect(Date.parse(json.oldestAccess)).toBeLessThan(Date.now() - 100 * 86400e3);
    expect(await exists(file)).toBe(true);
  });

  test.each([
    [['--json', '--html', '-'], '--json and --html - both write to stdout'],
    [['--html', '/nonexistent-dir/r.html'], '--html /nonexistent-dir/r.html: directory /nonexistent-dir does not exist'],
  ])('report %j is a usage error', async (args, message) => {
    const f = await writeHtmlFixture(await tempDir(), Date.now());
    const r = await runCachectl(['report', f.root, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('prune --html writes the page after the run, its history including this run; not on --dry-run; never to stdout', async () => {
    const dir = await tempDir();
    const f = await writeHtmlFixture(dir, Date.now());
    const page = join(dir, 'prune.html');
    const dry = await runCachectl(['prune', f.root, '--state-dir', f.stateDir, '--limit', '20M', '--dry-run', '--html', page]);
    expect(dry.code).toBe(0);
    expect(await exists(page)).toBe(false);
    const r = await runCachectl(['prune', f.root, '--state-dir', f.stateDir, '--limit', '20M', '--html', page]);
    expect(r.code, r.stderr).toBe(0);
    const runs = await readRuns(f.stateDir, f.root);
    expect(runs).toHaveLength(31);
    expect(runs.at(-1)).toMatchObject({ limit: 20 * 2 ** 20, targetMet: true, usage: 'disk' });
    const html = await readFile(page, 'utf8');
    expect(html).toContain('31 prune runs in the last 90 days');
    expect(html).toContain('target met, ');
    const bad = await runCachectl(['prune', f.root, '--limit', '20M', '--html', '-']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--html needs a file here');
  });

  test('prune and schedule check the --html path before any run (as --prom-file): nothing is deleted, no run is recorded', async () => {
    const dir = await tempDir();
    const f = await writeHtmlFixture(dir, Date.now());
    const p = await runCachectl(['prune', f.root, '--state-dir', f.stateDir, '--limit', '1M', '--html', join(dir, 'no-such-dir', 'p.html')]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain(`--html ${join(dir, 'no-such-dir', 'p.html')}: directory ${join(dir, 'no-such-dir')} does not exist`);
    expect(await readRuns(f.stateDir, f.root)).toHaveLength(30);
    // A dry run writes no page, so its path does not matter.
    const dry = await runCachectl(['prune', f.root, '--state-dir', f.stateDir, '--limit', '1M', '--dry-run', '--html', '/nonexistent/p.html']);
    expect(dry.code).toBe(0);
    const s = await runCachectl(['schedule', f.root, '--limit', '1M', '--every', '1h'], { env: { CACHECTL_STATE_DIR: f.stateDir, CACHECTL_HTML_FILE: dir } });
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`--html ${dir} is a directory`);
  });

  test('schedule --html keeps a current page next to the metrics after each run', async () => {
    const dir = await tempDir();
    const f = await writeHtmlFixture(dir, Date.now());
    const page = join(dir, 'schedule.html');
    const s = startScheduler([f.root, '--every', '1h', '--run-now', '--limit', '25M', '--html', page], { CACHECTL_STATE_DIR: f.stateDir });
    await s.waitFor((l) => events(l, 'run').length >= 1);
    // The page is written after the run's log line.
    for (let i = 0; i < 100 && !(await exists(page)); i++) await new Promise((r) => setTimeout(r, 100));
    const html = await readFile(page, 'utf8');
    expect(html).toContain('31 prune runs in the last 90 days');
    expect(html).toContain('limit 25.0 MiB');
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(events(s.lines, 'error')).toEqual([]);
  });
});
