import type { CronSchedule } from './cron.js';

/** A cron or interval trigger: when it fires next, and how to move on after firing. */
export interface Slot {
  readonly reason: 'cron' | 'interval';
  at: number;
  timer?: NodeJS.Timeout;
  readonly after: (firedAt: number) => number;
}

/** The time triggers for a cron expression and/or an interval (counted from `now`). */
export function makeSlots(cron: CronSchedule | undefined, every: number | undefined, now: number): Slot[] {
  const slots: Slot[] = [];
  if (cron) slots.push({ reason: 'cron', at: cron.next(), after: () => cron.next() });
  if (every !== undefined) {
    const slot: Slot = {
      reason: 'interval',
      at: now + every,
      after: (firedAt) => {
        let at = slot.at + every;
        while (at <= firedAt) at += every; // a stall longer than --every: skip the missed slots
        return at;
      },
    };
    slots.push(slot);
  }
  return slots;
}
