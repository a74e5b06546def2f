import { describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { exited, listTree, ourFiles, sleep, smallCache, startBin } from './helpers.js';

const BIG = 200;
const files = (root: string) => new Set(listTree(root).filter((p) => lstatSync(join(root, p)).isFile() && !p.startsWith('.cachectl')));

/**
 * Waits until one of `pids` holds the lock, then freezes it (SIGSTOP): a frozen holder
 * is alive and keeps its lock however slowly the contenders start up, which makes the
 * overlap certain instead of a matter of timing. Returns the holder's pid.
 */
async function freezeHolder(root: string, pids: number[], ms = 20_000): Promise<number> {
  for (const stop = Date.now() + ms; Date.now() < stop; await sleep(2)) {
    let pid = NaN;
    try { pid = Number.parseInt(readFileSync(join(root, '.cachectl.lock'), 'utf8'), 10); } catch { /* not yet */ }
    if (pids.includes(pid)) {
      process.kill(pid, 'SIGSTOP');
      return pid;
    }
  }
  throw new Error('no contender took the lock');
}

/** A pid that is certainly dead: a process that has exited and been reaped. */
const deadPid = (): number => spawnSync('true').pid!;

describe('concurrent runs on one cache: exactly one works, the others exit 3 or wait', () => {
  test('prune vs prune, delete and schedule started while it works; --wait-lock waits; nothing is removed twice', async () => {
    const { root, keys } = await smallCache(BIG);
    const before = files(root);
    const a = startBin(['prune', root, '--max-entries', '200', '--json']);
    await freezeHolder(root, [a.pid!]);
    const b = startBin(['prune', root, '--max-entries', '100', '--json']);
    const d = startBin(['delete', root, keys[0]]);
    const s = startBin(['schedule', root, '--max-entries', '100', '--every', '1h', '--run-now']);
    const w = startBin(['prune', root, '--max-entries', '150', '--json', '--wait-lock', '60s']);
    const [eb, ed] = await Promise.all([exited(b), exited(d)]);
    expect(eb.code).toBe(3);
    expect(b.output.stderr).toContain(`another cachectl (pid ${a.pid}) is pruning`);
    expect(ed.code).toBe(3);
    // The scheduler skips its run (and logs why), and goes on until stopped.
    for (const stop = Date.now() + 20_000; !s.output.stderr.includes('run skipped') && Date.now() < stop;) await sleep(20);
    expect(s.output.stderr).toMatch(/start run skipped: another cachectl \(pid \d+\) is pruning/);
    s.kill('SIGTERM');
    expect((await exited(s)).code).toBe(0);
    a.kill('SIGCONT');
    expect((await exited(a)).code, a.output.stderr).toBe(0);
    const ew = await exited(w);
    expect(ew.code, w.output.stderr).toBe(0);

    const ja = JSON.parse(a.output.stdout);
    const jw = JSON.parse(w.output.stdout);
    expect(ja.after.entries).toBe(200);
    // The waiting run started from what the first left: nothing counted twice.
    expect(jw.before.entries).toBe(ja.after.entries);
    expect(jw.before.bytes).toBe(ja.after.bytes);
    expect(jw.after.entries).toBe(150);
    const gone = [...before].filter((p) => !existsSync(join(root, p)));
    expect(ja.removed.files + jw.removed.files).toBe(gone.length); // each file removed by exactly one
    expect(ourFiles(root)).toEqual([]);
  }, 90_000);

  test('a running schedule holds the lock: a prune started meanwhile exits 3', async () => {
    const { root } = await smallCache(BIG);
    const s = startBin(['schedule', root, '--max-entries', '100', '--every', '1h', '--run-now']);
    await freezeHolder(root, [s.pid!]);
    const p = startBin(['prune', root, '--max-entries', '0']);
    expect((await exited(p)).code).toBe(3);
    s.kill('SIGCONT');
    for (const stop = Date.now() + 30_000; !/run \(start\) done/.test(s.output.stderr) && Date.now() < stop;) await sleep(20);
    s.kill('SIGTERM');
    expect((await exited(s)).code).toBe(0);
    expect(s.output.stderr).toMatch(/run \(start\) done: removed \d+ entries/);
    expect(ourFiles(root)).toEqual([]);
  }, 60_000);

  test.each([
    ['no lock yet', false],
    ['a stale lock left by a killed prune', true],
  ])('four prunes started at the same instant (%s): one works, three exit 3', async (_what, stale) => {
    const { root } = await smallCache(BIG);
    const before = files(root);
    if (stale) await writeFile(join(root, '.cachectl.lock'), `${deadPid()}\n`);
    const runs = Array.from({ length: 4 }, () => startBin(['prune', root, '--max-entries', '50', '--json']));
    const holder = await freezeHolder(root, runs.map((r) => r.pid!));
    const losers = runs.filter((r) => r.pid !== holder);
    expect((await Promise.all(losers.map(exited))).map((e) => e.code)).toEqual([3, 3, 3]);
    process.kill(holder, 'SIGCONT');
    const ends = await Promise.all(runs.map(exited));
    const codes = ends.map((e) => e.code).sort();
    expect(codes, runs.map((r) => r.output.stderr).join('\n')).toEqual([0, 3, 3, 3]);
    const winner = runs[ends.findIndex((e) => e.code === 0)];
    const j = JSON.parse(winner.output.stdout);
    const gone = [...before].filter((p) => !existsSync(join(root, p)));
    expect(j.removed.files).toBe(gone.length);
    expect(j.after.entries).toBe(50);
    expect(ourFiles(root)).toEqual([]);
  }, 60_000);

  test('junk planted at the lock path by the cache writer: a FIFO or a symlink is cleared, a directory is refused in a sentence', async () => {
    const { root } = await smallCache(3);
    const lock = join(root, '.cachectl.lock');
    const outside = join(await tempDir(), 'precious');
    await writeFile(outside, `${deadPid()}\n`); // looks like a stale lock, through the symlink
    execFileSync('mkfifo', [lock]); // would hang a blocking open() forever
    const a = await runCachectl(['prune', root, '--max-entries', '2'], { timeoutMs: 15_000 });
    expect(a.code, a.stderr).toBe(0);
    await symlink(outside, lock);
    const b = await runCachectl(['prune', root, '--max-entries', '1'], { timeoutMs: 15_000 });
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(outside, 'utf8')).toMatch(/^\d+\n$/); // never written through the link
    await mkdir(lock);
    const c = await runCachectl(['prune', root, '--max-entries', '0'], { timeoutMs: 15_000 });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`cannot create the lock file ${lock}: a directory is in the way (EISDIR); nothing was deleted`);
  });
});
