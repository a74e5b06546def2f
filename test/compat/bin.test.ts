import { describe, expect, onTestFinished, test } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { BIN, HTCACHECLEAN_BIN, runBin } from '../helpers/cli.js';
import { buildCache, key } from './fixture.js';
import { emptyDirs, real, runOurs, runReal, sortedLines, tree, wasFigures } from './run.js';

const now = Date.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exists = (p: string) => stat(p).then(() => true, () => false);
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** htcacheclean's own view of the cache size: header + body of every -A line. */
async function htcBytes(root: string): Promise<number> {
  const r = await runOurs(['-A', '-p', root]);
  return sortedLines(r.stdout).reduce((n, l) => { const f = l.split(' '); return n + Number(f[1]) + Number(f[2]); }, 0);
}

describe('bin/htcacheclean.js', () => {
  test("the seed's cron line `htcacheclean -ntp DIR -l LIMIT`: quiet, under the limit, no empty directories", async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 40, messy: true });
    const before = await htcBytes(root);
    const limitK = Math.floor(before / 2 / 1024);
    const r = await runOurs(['-ntp', root, '-l', `${limitK}K`]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await htcBytes(root)).toBeLessThanOrEqual(limitK * 1024);
    expect(await emptyDirs(root)).toEqual([]);
    // In-flight work is left alone: the minute-old lone body and the fresh temp file.
    expect((await tree(root)).filter((p) => p.startsWith('aptmp'))).toEqual(['aptmpXy12Ab']);
    if (real.path) {
      const check = await runReal(['-D', '-v', '-p', root, `-l${limitK}K`]);
      expect(check.stderr).toMatch(/\n0 entries deleted/);
    }
  });

  test('`cachectl htcacheclean ARGS` is the same front end', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 5 });
    // One after the other, lines compared as sets: -A's order is the walk's, which varies.
    const a = await runOurs(['-A', '-p', root]);
    const b = await runBin(['htcacheclean', '-A', '-p', root], { bin: BIN });
    expect({ code: b.code, stderr: b.stderr, lines: sortedLines(b.stdout) }).toEqual({ code: a.code, stderr: a.stderr, lines: sortedLines(a.stdout) });
    const bad = await runBin(['htcacheclean', '-p', root, '-l', '1.5G'], { bin: BIN });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^htcacheclean error: Invalid limit: 1.5G\n/);
  });

  test('-v on a real run prints the statistics block; "was" figures as htcacheclean counts them', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 30, messy: true });
    const expected = real.path ? wasFigures((await runReal(['-D', '-v', '-p', root, '-l', '30K'])).stderr) : undefined;
    const r = await runOurs(['-v', '-t', '-p', root, '-l', '30K']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Cleaned .*\. Statistics:\n(unsolicited size .*\n)?size limit 30\.0K\ninodes limit 0\ntotal size was .*, total size now .*\ntotal inodes was \d+, total inodes now \d+\ntotal entries was \d+, total entries now \d+\n\d+ entries deleted \(0 from future, 0 expired, \d+ fresh\)\n$/);
    if (expected) expect(wasFigures(r.stderr)).toEqual(expected);
    expect(await htcBytes(root)).toBeLessThanOrEqual(30 * 1024);
  });

  test('a relative -P lands in the cache root and is removed at exit; an unwritable one is exit 1', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 3 });
    const r = await runOurs(['-P', 'htc.pid', '-p', root, '-a']);
    expect(r.code).toBe(0);
    expect(await exists(join(root, 'htc.pid'))).toBe(false);
    const bad = await runOurs(['-P', '/nonexistent/dir/htc.pid', '-p', root, '-a']);
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({ code: 1, stderr: "Could not write the pid file '/nonexistent/dir/htc.pid': No such file or directory\n" });
  });

  test('another cachectl holding the lock: exit 1 with a message, in cleaning and URL modes', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 3 });
    await writeFile(join(root, '.cachectl.lock'), `${process.pid}\n`);
    const clean = await runOurs(['-p', root, '-l', '1K']);
    expect(clean.code).toBe(1);
    expect(clean.stderr).toMatch(/another cachectl \(pid \d+\) is cleaning this cache/);
    const url = await runOurs(['-p', root, key('/gentoo-distfiles/pkg-1.tar.xz')]);
    expect(url.code).toBe(1);
  });

  test('-d in the foreground (CACHECTL_FOREGROUND=1): runs at once, writes -P, SIGTERM ends it with 0', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 30 });
    const limit = Math.floor((await htcBytes(root)) / 3);
    const child = spawn(process.execPath, [HTCACHECLEAN_BIN, '-d', '60', '-i', '-n', '-t', '-P', 'htc.pid', '-p', root, '-l', String(limit)], {
      env: { ...process.env, CACHECTL_FOREGROUND: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    onTestFinished(() => { child.kill('SIGKILL'); });
    expect(await until('the pid file', async () => (await readFile(join(root, 'htc.pid'), 'utf8').catch(() => '')).trim())).toBe(String(child.pid));
    await until('the first run', async () => (await htcBytes(root)) <= limit);
    expect(await emptyDirs(root)).toEqual([]);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(await exists(join(root, 'htc.pid'))).toBe(false);
    expect(stderr).toMatch(/run \(start\) done/);
  });

  test('-d forks like htcacheclean: the command exits 0 at once, the -P file names the daemon', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 10 });
    const pidFile = join(root, 'd.pid');
    const r = await runOurs(['-d', '30', '-P', pidFile, '-p', root, '-l', '1K'], { CACHECTL_FOREGROUND: '' });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    onTestFinished(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } });
    expect(() => process.kill(pid, 0)).not.toThrow();
    await until('the first run', async () => (await htcBytes(root)) <= 1024);
    process.kill(pid, 'SIGTERM');
    await until('the daemon to remove its pid file', async () => !(await exists(pidFile)));
  });
});
