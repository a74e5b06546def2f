import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { LockHeldError } from '../../src/core/errors.js';
import type { Filesystem } from '../../src/core/report.js';
import { fakeResult } from './fakes.js';
import { MIN, setup, sleepResult, stopAll, useFakeClock } from './harness.js';

beforeEach(useFakeClock);
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler: --if-changed', () => {
  test("skips ticks while the root's mtime is unchanged; our own run's changes do not count", async () => {
    let mtime = 1000;
    const { scheduler, calls, log } = setup({
      every: MIN, ifChanged: true, runNow: true,
      statRoot: async () => ({ mtimeMs: mtime }),
      runOnce: async () => {
        mtime += 1; // the lock file and our deletions bump the root
        return fakeResult();
      },
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2 * MIN + 1000); // start run; ticks at 1 and 2 min
    expect(calls.map((c) => c.reason)).toEqual(['start']);
    expect(log.events('skip').map((l) => l.fields?.why)).toEqual(['unchanged', 'unchanged']);
    mtime += 5; // httpd stored something
    await vi.advanceTimersByTimeAsync(MIN);
    expect(calls.map((c) => c.reason)).toEqual(['start', 'interval']);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(calls).toHaveLength(2);
    await stopAll(scheduler);
  });

  test('a failed run is retried at the next tick even if nothing changed', async () => {
    let n = 0;
    const { scheduler, calls } = setup({
      every: MIN, ifChanged: true,
      statRoot: async () => ({ mtimeMs: 7 }),
      runOnce: async () => {
        if (n++ === 0) throw new Error('boom');
        return fakeResult();
      },
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3 * MIN);
    expect(calls).toHaveLength(2); // failed, retried, then unchanged
    await stopAll(scheduler);
  });
});

describe('Scheduler: --watch-free', () => {
  const GiB = 2 ** 30;
  const fsWith = (availablePct: number): Filesystem => ({ size: 100 * GiB, free: availablePct * GiB, available: availablePct * GiB });

  test('prunes at once when free space falls below the threshold, once per dip', async () => {
    let fs = fsWith(20);
    const statfs = vi.fn(async () => fs);
    const { scheduler, calls, log } = setup({ watchFree: { percent: 10 }, watchIntervalMs: 30_000, statfs });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statfs).toHaveBeenCalledTimes(2);
    expect(calls).toHaveLength(0);

    fs = fsWith(5);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.map((c) => c.reason)).toEqual(['low-space']);
    expect(log.events('low-space')[0].msg).toBe('free space 5.0 GiB is below --watch-free 10%: pruning now');

    // The run could not free enough: no rescan every 30 s, one warning.
    await vi.advanceTimersByTimeAsync(5 * 30_000);
    expect(calls).toHaveLength(1);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['free space 5.0 GiB is below --watch-free 10% even after pruning; waiting for it to recover']);

    fs = fsWith(15); // recovered: re-armed
    await vi.advanceTimersByTimeAsync(30_000);
    fs = fsWith(8);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(2);
    await stopAll(scheduler);
  });

  test('an absolute threshold, and a skipped low-space run (lock held) is retried', async () => {
    let n = 0;
    const { scheduler, calls } = setup({
      watchFree: { bytes: 10 * GiB }, watchIntervalMs: 1000, statfs: async () => fsWith(9),
      runOnce: async () => {
        if (n++ === 0) throw new LockHeldError('held', 99);
        return fakeResult();
      },
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.map((c) => c.reason)).toEqual(['low-space', 'low-space']);
    await stopAll(scheduler);
  });

  test('no low-space run while a scheduled run is going', async () => {
    const { scheduler, calls, log } = setup({ every: MIN, runOnce: sleepResult(45_000), watchFree: { percent: 10 }, watchIntervalMs: 10_000, statfs: async () => fsWith(5) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(MIN - 1);
    expect(calls.map((c) => c.reason)).toEqual(['low-space']); // at 10 s, until 55 s
    expect(log.events('skip')).toHaveLength(0);
    await stopAll(scheduler);
  });

  test('a failing statfs is logged once, not every 30 s', async () => {
    const { scheduler, calls, log } = setup({ watchFree: { percent: 10 }, statfs: async () => null });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5 * 30_000);
    expect(calls).toHaveLength(0);
    expect(log.lines.map((l) => l.msg)).toEqual(['statfs failed on /cache: --watch-free cannot see free space']);
    await stopAll(scheduler);
  });
});
