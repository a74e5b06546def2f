import { expect, test } from 'vitest';
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { appendRun, KEEP_MS, readRuns, runLogPath, type RunRecord } from '../../src/core/runLog/runLog.js';
import { prune } from '../../src/core/prune/prune.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';
import { url, DAY } from '../scan/fixtureTree.js';

const lockOwner = { pid: process.pid, isAlive: () => true };
const rec = (time: number, extra: Partial<RunRecord> = {}): RunRecord => ({
  time, usage: 'disk', before: 200, after: 100, entriesBefore: 2, entriesAfter: 1, evicted: 100, evictedEntries: 1, byReason: { lru: 100 },
  tailAgeMs: 5000, limit: 150, targetMet: true, errors: 0, interrupted: false, durationMs: 10, ...extra,
});

test('records come back oldest first; a cut line or a foreign one is skipped; no log is no history', async () => {
  const state = await tempDir();
  expect(await readRuns(state, '/c')).toEqual([]);
  await appendRun(state, '/c', rec(2000));
  await appendFile(runLogPath(state, '/c'), '{"time":3000,"befo\nnot json\n{"time":"x"}\n');
  await appendRun(state, '/c', rec(1000, { targetMet: false, miss: 'keep-newer-than' }));
  await appendRun(state, '/other', rec(1500));
  expect(await readRuns(state, '/c')).toEqual([rec(1000, { targetMet: false, miss: 'keep-newer-than' }), rec(2000)]);
  expect((await readRuns(state, '/c', 1500)).map((r) => r.time)).toEqual([2000]);
});

test('the log stays bounded: past its size it keeps the newest records of the last 90 days', async () => {
  const state = await tempDir();
  const max = 8192;
  const t0 = 1_700_000_000_000;
  // Old records first (more than 90 days before the last), then many recent ones.
  for (let i = 0; i < 5; i++) await appendRun(state, '/c', rec(t0 + i), max);
  const last = t0 + KEEP_MS + 10 * DAY;
  for (let i = 0; i < 200; i++) {
    await appendRun(state, '/c', rec(last - (200 - i) * 60e3), max);
    expect((await stat(runLogPath(state, '/c'))).size).toBeLessThanOrEqual(max);
  }
  const runs = await readRuns(state, '/c');
  expect(runs.every((r) => r.time >= last - KEEP_MS)).toBe(true);
  expect(runs.at(-1)!.time).toBe(last - 60e3);
  expect(runs.length).toBeGreaterThan(10);
  // Times strictly increasing: the newest were kept, in order, without gaps.
  expect(runs.map((r) => r.time)).toEqual(runs.map((_, i) => last - 60e3 * (runs.length - i)));
});

async function smallCache(): Promise<string> {
  const root = await tempDir();
  const now = Date.now();
  for (let i = 0; i < 6; i++) await writeEntry(root, { key: url(`p${i}.tar.xz`), body: 10_000, fetchedAt: now - (i + 1) * DAY }, { levels: 2, length: 1 });
  return root;
}

test('each real prune appends one record with its figures; a dry run and a prune without a state dir append none', async () => {
  const root = await smallCache();
  const state = await tempDir();
  const now = Date.now();
  await prune({ root, limit: 45_000, usage: 'apparent', stateDir: state, lockOwner, dryRun: true, now });
  expect(await readRuns(state, root)).toEqual([]);
  const r = await prune({ root, limit: 45_000, usage: 'apparent', stateDir: state, lockOwner, now });
  await prune({ root, limit: 45_000, usage: 'apparent', lockOwner });
  const runs = await readRuns(state, root);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toEqual({
    time: now, usage: 'apparent', before: r.before.bytes, after: r.after.bytes, entriesBefore: 6, entriesAfter: r.after.entries,
    evicted: r.removed.bytes, evictedEntries: r.removed.entries, byReason: { lru: r.removed.bytes }, tailAgeMs: Math.round(r.tailAgeMs!),
    limit: 45_000, targetMet: true, errors: 0, interrupted: false, durationMs: Math.round(r.durationMs),
  });
  expect(runs[0].evictedEntries).toBeGreaterThan(0);
  expect(runs[0].after).toBeLessThanOrEqual(45_000);
});

test('a run log that cannot be written is a warning, not a failed prune', async () => {
  const root = await smallCache();
  const state = await tempDir();
  await mkdir(runLogPath(state, root)); // a directory where the log should be: EISDIR
  const warnings: string[] = [];
  const log = { info() {}, warn: (m: string) => warnings.push(m), error() {}, debug() {} };
  const r = await prune({ root, limit: 45_000, usage: 'apparent', stateDir: state, lockOwner, log });
  expect(r.targetMet).toBe(true);
  expect(warnings.filter((w) => w.startsWith('could not write the run log'))).toHaveLength(1);
});
