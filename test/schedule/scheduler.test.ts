import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { LockHeldError, UsageError } from '../../src/core/errors.js';
import { Scheduler } from '../../src/core/schedule/scheduler.js';
import type { RunReason } from '../../src/core/schedule/types.js';
import { fakeResult } from './fakes.js';
import { HOUR, MIN, T0, setup, sleepResult, stopAll, useFakeClock } from './harness.js';

beforeEach(useFakeClock);
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler: triggers', () => {
  test('an hourly cron runs on the hour, and the log line names the next run', async () => {
    const { scheduler, log, calls } = setup({ cron: '0 * * * *', tz: 'UTC' });
    scheduler.start();
    expect(new Date(scheduler.nextRunAt()!).toISOString()).toBe('2026-03-01T01:00:00.000Z');
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(calls.map((c) => [c.reason, new Date(c.at).toISOString()])).toEqual([
      ['cron', '2026-03-01T01:00:00.000Z'],
      ['cron', '2026-03-01T02:00:00.000Z'],
    ]);
    const runs = log.events('run');
    expect(runs).toHaveLength(2);
    expect(runs[0].fields).toMatchObject({ reason: 'cron', start: '2026-03-01T01:00:00.000Z', next: '2026-03-01T02:00:00.000Z', removedEntries: 200 });
    expect(runs[1].msg).toContain('next 2026-03-01T03:00:00.000Z');
    await stopAll(scheduler);
  });

  test('a 6-field cron runs every second', async () => {
    const { scheduler, calls } = setup({ cron: '* * * * * *' });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(5);
    await stopAll(scheduler);
  });

  test('--tz shifts the cron: 03:00 in Berlin is 02:00 UTC in March', async () => {
    const { scheduler, calls } = setup({ cron: '0 3 * * *', tz: 'Europe/Berlin' });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(calls.map((c) => new Date(c.at).toISOString())).toEqual(['2026-03-01T02:00:00.000Z']);
    await stopAll(scheduler);
  });

  test('--every counts from start; --run-now runs at once', async () => {
    const { scheduler, calls } = setup({ every: 10 * MIN, runNow: true });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(35 * MIN);
    expect(calls.map((c) => [c.reason, (c.at - T0) / MIN])).toEqual([['start', 0], ['interval', 10], ['interval', 20], ['interval', 30]]);
    await stopAll(scheduler);
  });

  test('a daily run still happens after the clock jumps (suspend/resume), once, late', async () => {
    const { scheduler, calls, log } = setup({ cron: '0 3 * * *', tz: 'UTC' });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(MIN);
    vi.setSystemTime(Date.parse('2026-03-01T05:00:00Z')); // wall clock moved; timers did not
    await vi.advanceTimersByTimeAsync(MIN);
    expect(calls).toHaveLength(1);
    expect(log.events('run')[0].fields?.next).toBe('2026-03-02T03:00:00.000Z');
    await stopAll(scheduler);
  });
});

describe('Scheduler: runs never overlap', () => {
  test('a tick during a run is skipped and logged, not queued', async () => {
    const { scheduler, calls, log } = setup({ every: MIN, runOnce: sleepResult(90_000) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(200_000);
    // runs start at 60 s (ends 150 s) and 180 s; the 120 s tick found the first still going
    expect(calls.map((c) => (c.at - T0) / 1000)).toEqual([60, 180]);
    const skips = log.events('skip');
    expect(skips).toHaveLength(1);
    expect(skips[0].fields).toMatchObject({ why: 'overlap', reason: 'interval' });
    expect(skips[0].msg).toMatch(/skipped: the previous run is still going/);
    await stopAll(scheduler);
  });

  test('another cachectl holding the lock: logged as a skip, the schedule goes on', async () => {
    let n = 0;
    const { scheduler, log, calls } = setup({
      every: MIN,
      runOnce: async () => {
        if (n++ === 0) throw new LockHeldError('another cachectl (pid 4242) is pruning /cache', 4242);
        return fakeResult();
      },
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(calls).toHaveLength(2);
    expect(log.events('skip')[0].msg).toBe('interval run skipped: another cachectl (pid 4242) is pruning /cache');
    expect(log.events('run')).toHaveLength(1);
    await stopAll(scheduler);
  });

  test('an error in a run is logged as a warning and the next tick runs', async () => {
    let n = 0;
    const afterRun = vi.fn(async () => {
      throw new Error('textfile dir is read-only');
    });
    const { scheduler, log, calls } = setup({
      every: MIN, afterRun,
      runOnce: async () => {
        if (n++ === 0) throw new Error('EIO: i/o error, scandir');
        return fakeResult();
      },
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3 * MIN);
    expect(calls).toHaveLength(3);
    const warns = log.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warns[0]).toBe('interval run failed: EIO: i/o error, scandir');
    expect(warns.filter((w) => w.includes('textfile dir is read-only'))).toHaveLength(2);
    expect(afterRun).toHaveBeenCalledTimes(2);
    expect(afterRun.mock.calls[0]).toEqual([expect.anything(), expect.objectContaining({ reason: 'interval', nextRunAt: T0 + 3 * MIN })]);
    await stopAll(scheduler);
  });
});

describe('Scheduler: stopping and reconfiguring', () => {
  test('stop() (SIGTERM) waits for the current run and then nothing else runs', async () => {
    const ac = new AbortController();
    let finished = false;
    const { scheduler, calls } = setup({
      every: MIN,
      runOnce: () => new Promise((res) => {
        const t = setTimeout(() => res(fakeResult()), 10 * MIN);
        ac.signal.addEventListener('abort', () => {
          clearTimeout(t);
          setTimeout(() => { // prune finishes the deletion in hand, then returns
            finished = true;
            res(fakeResult({ interrupted: true }));
          }, 500);
        });
      }),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(MIN + 5000);
    expect(scheduler.running).toBe(true);
    const stopped = scheduler.stop();
    ac.abort();
    let done = false;
    void stopped.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(done).toBe(true);
    expect(finished).toBe(true);
    expect(scheduler.running).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('reconfigure (SIGHUP) swaps the schedule; a bad one keeps the old', async () => {
    const { scheduler, calls } = setup({ cron: '0 * * * *', tz: 'UTC' });
    scheduler.start();
    expect(() => scheduler.reconfigure({ root: '/cache', runOnce: async () => fakeResult(), cron: 'every day' })).toThrow(UsageError);
    expect(new Date(scheduler.nextRunAt()!).toISOString()).toBe('2026-03-01T01:00:00.000Z');
    const runs: RunReason[] = [];
    scheduler.reconfigure({ root: '/cache', every: 5 * MIN, runOnce: async (r) => (runs.push(r), fakeResult()) });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(calls).toHaveLength(0);
    expect(runs).toHaveLength(12);
    await stopAll(scheduler);
  });
});

describe('Scheduler: bad settings are usage errors (exit 2) at start', () => {
  test.each([
    [{ cron: '61 * * * *' }, /invalid cron expression '61 \* \* \* \*'.*out of range/],
    [{ cron: '* * *' }, /invalid cron expression.*expected 5 fields/],
    [{ cron: '0 0 31 2 *' }, /never matches/],
    [{ cron: '0 3 * * *', tz: 'Mars/Olympus_Mons' }, /unknown time zone 'Mars\/Olympus_Mons'/],
    [{ every: 10 }, /--every must be at least 1s/],
  ])('%o', (o, message) => {
    let err: unknown;
    try {
      new Scheduler({ root: '/cache', runOnce: async () => fakeResult(), ...o });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
  });
});
