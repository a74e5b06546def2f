import { describe, expect, test } from 'vitest';
import { lstatSync, readdirSync, watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { exited, headersWithoutBody, listTree, ourFiles, sleep, smallCache, startBin } from './helpers.js';

const TRIALS = Number(process.env.CACHECTL_CRASH_TRIALS ?? 50);
const ENTRIES = 100;
const PARALLEL = 3;

/** Apparent size of every file in the tree but ours: what --usage apparent counts. */
function apparentBytes(root: string): number {
  let sum = 0;
  for (const rel of listTree(root)) {
    const st = lstatSync(join(root, rel));
    if (st.isFile() && !rel.startsWith('.cachectl')) sum += st.size;
  }
  return sum;
}

/**
 * The index's temp files a kill during its save leaves in the state dir. KNOWN BUG
 * (src/core/index/store.ts, lead's; reportedBugs.test.ts has the failing test): nothing
 * removes them later. Counted and printed here, not asserted, until that is fixed.
 */
const indexTemps = (stateDir: string): string[] => readdirSync(stateDir).filter((n) => n.endsWith('.tmp'));
let indexTempsLeft = 0;

interface Trial { phase: 'before-deleting' | 'mid-eviction' | 'after-all'; removed: number }

async function trial(i: number, t: { scanMs: number; evictMs: number }, allFiles: number): Promise<Trial> {
  const { root } = await smallCache(ENTRIES);
  const stateDir = await tempDir('cachectl-state-');
  await mkdir(stateDir, { recursive: true });
  const before = listTree(root).filter((p) => !p.endsWith('/') && lstatSync(join(root, p)).isFile());
  const limit = Math.floor(apparentBytes(root) * 0.3);
  const args = ['prune', root, '--limit', String(limit), '--usage', 'apparent', '--json', ...(i % 2 ? ['--nice'] : [])];
  const env = { CACHECTL_STATE_DIR: stateDir, XDG_STATE_HOME: stateDir };
  // Random moments of the work itself. Node's start-up (0.3-2 s, by load) varies far
  // more than the prune does, so the clock starts at an event seen by inotify on the
  // root: the lock's creation (then a kill during the scan or later), or the first
  // deletion, of the old temp file (then a kill during the eviction). One trial in five
  // is killed at a random moment of the start-up instead.
  const kind = (['startup', 'scan', 'evict', 'evict', 'evict'] as const)[i % 5];
  const seen = (file: string) => new Promise<void>((res) => {
    const w = watch(root, (_e, name) => { if (name === file) { w.close(); res(); } });
    setTimeout(() => { w.close(); res(); }, 10_000);
  });
  const lockSeen = seen('.cachectl.lock');
  const deleting = seen('aptmpOld123');
  const child = startBin(args, env);
  if (kind === 'startup') await sleep(Math.random() * 400);
  else if (kind === 'scan') { await lockSeen; await sleep(Math.random() * t.scanMs); }
  else { await deleting; await sleep(Math.random() * t.evictMs); }
  child.kill('SIGKILL');
  const end = await exited(child);
  const left = new Set(listTree(root));
  const removed = before.filter((p) => !left.has(p)).length;

  // What the kill left must already be safe for httpd.
  expect(headersWithoutBody(root), `trial ${i}: a header whose body is gone`).toEqual([]);
  expect(ourFiles(root).filter((n) => n !== '.cachectl.lock'), `trial ${i}: a temp file of ours`).toEqual([]);

  // The next run takes over the dead holder's lock, finishes and meets the limit.
  const next = startBin(args.filter((a) => a !== '--nice'), env);
  const done = await exited(next);
  expect(done.code, `trial ${i}: ${next.output.stderr}`).toBe(0);
  const j = JSON.parse(next.output.stdout);
  expect(j.targetMet, `trial ${i}`).toBe(true);
  expect(apparentBytes(root), `trial ${i}`).toBeLessThanOrEqual(limit);
  expect(headersWithoutBody(root), `trial ${i}`).toEqual([]);
  indexTempsLeft += indexTemps(stateDir).length;
  expect(ourFiles(root), `trial ${i}: the lock is released`).toEqual([]);
  const phase = end.signal !== 'SIGKILL' || removed >= allFiles ? 'after-all' : removed === 0 ? 'before-deleting' : 'mid-eviction';
  return { phase, removed };
}

describe('kill -9 at random moments of a real prune', () => {
  test(`${TRIALS} trials: no header without its body, no temp files of ours, the next run meets the limit`, async () => {
    // Calibrate under the same load (PARALLEL runs at once, same arguments): how long
    // does a run work once it has its lock, and how many files does it remove?
    const cal = await Promise.all(Array.from({ length: PARALLEL }, async () => {
      const { root } = await smallCache(ENTRIES);
      const limit = Math.floor(apparentBytes(root) * 0.3);
      const c = startBin(['prune', root, '--limit', String(limit), '--usage', 'apparent', '--json'], { CACHECTL_STATE_DIR: await tempDir() });
      await exited(c);
      const j = JSON.parse(c.output.stdout);
      // The deletions alone: the index is saved after them, and a kill then is not mid-eviction.
      return { scanMs: j.scanMs as number, evictMs: j.evictMs as number, files: j.removed.files as number };
    }));
    // Kills land up to 1.3 x the longest phase after the event that starts it.
    const t = { scanMs: 1.3 * Math.max(...cal.map((c) => c.scanMs)), evictMs: 1.3 * Math.max(...cal.map((c) => c.evictMs)) };
    const allFiles = cal[0].files;

    const results: Trial[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (next < TRIALS) results.push(await trial(next++, t, allFiles));
    }));
    const count = (p: Trial['phase']) => results.filter((r) => r.phase === p).length;
    console.log(`kill -9: ${results.length} trials on ${ENTRIES}-entry caches (scan ~${Math.round(t.scanMs)} ms, eviction ~${Math.round(t.evictMs)} ms): ` +
      `${count('before-deleting')} killed before deleting, ${count('mid-eviction')} mid-eviction ` +
      `(${results.filter((r) => r.phase === 'mid-eviction').map((r) => r.removed).join(',')} files gone), ${count('after-all')} finished or done deleting first; ${indexTempsLeft} index temp files left in state dirs (known bug)`);
    expect(results.length).toBe(TRIALS);
    // The trials must actually hit prunes in the middle of their work to prove anything.
    expect(count('mid-eviction')).toBeGreaterThanOrEqual(Math.ceil(TRIALS / 10));
  }, 170_000);
});
