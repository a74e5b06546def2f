import { vi } from 'vitest';
import type { PruneResult } from '../../src/core/prune/types.js';
import { Scheduler } from '../../src/core/schedule/scheduler.js';
import type { RunReason, SchedulerOptions } from '../../src/core/schedule/types.js';
import { fakeResult, memoryLog } from './fakes.js';

export const T0 = Date.parse('2026-03-01T00:30:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** Fake timers (and Date) from T0; call from beforeEach. */
export function useFakeClock(): void {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
}

/** A scheduler whose runs are recorded; `runOnce` can be replaced per test. */
export function setup(o: Partial<SchedulerOptions> = {}) {
  const log = memoryLog();
  const calls: { reason: RunReason; at: number }[] = [];
  const runOnce = o.runOnce ?? (async () => fakeResult());
  const scheduler = new Scheduler({
    root: '/cache', log, ...o,
    runOnce: (reason) => {
      calls.push({ reason, at: Date.now() });
      return runOnce(reason);
    },
  });
  return { scheduler, log, calls };
}

/** Stops, letting a run in progress finish on the fake clock. */
export async function stopAll(scheduler: Scheduler): Promise<void> {
  const stopped = scheduler.stop();
  await vi.runAllTimersAsync();
  await stopped;
}

/** A runOnce that takes `ms` of fake time. */
export const sleepResult = (ms: number, r: PruneResult = fakeResult()) => () => new Promise<PruneResult>((res) => setTimeout(() => res(r), ms));
