import type { Log } from '../../src/core/log.js';
import type { PruneResult } from '../../src/core/prune/types.js';

/** A PruneResult with plausible numbers; tests override what they look at. */
export function fakeResult(over: Partial<PruneResult> = {}): PruneResult {
  const tally = () => ({ entries: 0, bytes: 0 });
  return {
    root: '/cache', format: 'apache', dryRun: false, usage: 'disk',
    targets: { limit: 50 * 2 ** 30 },
    before: { bytes: 60 * 2 ** 30, entries: 1200 },
    after: { bytes: 49 * 2 ** 30, entries: 1000 },
    plan: [],
    removed: {
      entries: 200, bytes: 11 * 2 ** 30, files: 400,
      byReason: { temp: { entries: 0, bytes: 4096 }, orphan: tally(), unusable: tally(), mismatch: tally(), retired: tally(), future: tally(), expired: { entries: 20, bytes: 2 ** 30 }, lru: { entries: 180, bytes: 10 * 2 ** 30 } },
    },
    tailAgeMs: 3 * 86400e3, targetMet: true, blockedByGuard: false, alreadyGone: 0, skippedChanged: 0,
    emptyDirsRemoved: 0, errors: [], interrupted: false,
    filesystem: { size: 100 * 2 ** 30, free: 40 * 2 ** 30, available: 38 * 2 ** 30 },
    scanMs: 1200, durationMs: 4200,
    ...over,
  };
}

export interface Line { level: 'info' | 'warn' | 'debug'; msg: string; fields?: Record<string, unknown> }

/** A Log that keeps every line, for assertions. */
export function memoryLog(): Log & { lines: Line[]; events(name: string): Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    info: (msg, fields) => void lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void lines.push({ level: 'warn', msg, fields }),
    events: (name) => lines.filter((l) => l.fields?.event === name),
  };
}
