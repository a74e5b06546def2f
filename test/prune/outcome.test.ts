import { describe, expect, test } from 'vitest';
import { judgeOutcome, type OutcomeInput } from '../../src/core/prune/outcome.js';
import { pruneExitCode } from '../../src/cli/pruneOptions.js';

const MiB = 2 ** 20;
/** A run that left 11.9 MiB against a 6.0 MiB limit, with nothing else going on. */
const base: OutcomeInput = {
  dryRun: false, usage: 'apparent', targets: { limit: 6 * MiB }, after: { bytes: 11.9 * MiB, entries: 124 },
  interrupted: false, skippedChanged: 0, errors: [], filesystem: null,
  removedDisk: 0, guarded: 0, changedDuringScan: 0,
};

// Each reason a target can be missed -> its sentence, its JSON reason, exit 4 (130 when
// interrupted). Exit 0 with an unmet target must be impossible.
describe('the outcome rule', () => {
  test.each([
    ['entries changed during the run', { changedDuringScan: 124 }, 'changed-during-run', 'limit 6.0 MiB not met: 11.9 MiB left; 124 entries changed during the run and were spared; run again', 4],
    ['victims changed before their unlink', { skippedChanged: 3 }, 'changed-during-run', '3 entries changed during the run and were spared', 4],
    ['--keep-newer-than', { guarded: 7 }, 'keep-newer-than', '7 entries were used within --keep-newer-than and were kept', 4],
    ['unlink errors', { errors: [{ path: '/c/x.header', code: 'EACCES' }, { path: '/c/y.header', code: 'EACCES' }] }, 'delete-errors', '2 files could not be deleted', 4],
    ['nothing evictable left', {}, 'nothing-left-to-evict', 'nothing evictable is left', 4],
    ['an entry target', { targets: { maxEntries: 100 }, after: { bytes: 0, entries: 124 } }, 'nothing-left-to-evict', 'at most 100 entries not met: 124 left', 4],
    ['a free-space target', { targets: { minFreeBytes: 10 * MiB }, after: { bytes: 0, entries: 0 }, filesystem: { size: 100 * MiB, available: 2 * MiB, free: 2 * MiB }, removedDisk: 1 * MiB }, 'nothing-left-to-evict', '10.0 MiB free not met: 3.0 MiB free', 4],
    ['a dry run says so', { dryRun: true }, 'nothing-left-to-evict', '11.9 MiB left (dry run)', 4],
    ['interrupted', { interrupted: true }, 'interrupted', 'the run was interrupted; run again', 130],
  ] as [string, Partial<OutcomeInput>, string, string, number][])('%s', (_name, over, reason, message, code) => {
    const input = { ...base, ...over };
    const o = judgeOutcome(input);
    expect(o.targetMet).toBe(false);
    expect(o.miss?.reason).toBe(reason);
    expect(o.miss?.message).toContain(message);
    expect(pruneExitCode({ errors: input.errors, interrupted: input.interrupted, targetMet: o.targetMet }, 'SIGINT')).toBe(code);
  });

  test('met: no reason, exit 0; met with read errors: exit 1', () => {
    const met = judgeOutcome({ ...base, after: { bytes: 6 * MiB, entries: 60 } });
    expect(met).toEqual({ targetMet: true });
    expect(pruneExitCode({ errors: [], interrupted: false, targetMet: true })).toBe(0);
    expect(pruneExitCode({ errors: [{}], interrupted: false, targetMet: true })).toBe(1);
  });

  test('no exit status is 0 while a target is missed', () => {
    for (const errors of [[], [{}]]) expect(pruneExitCode({ errors, interrupted: false, targetMet: false })).toBe(4);
  });
});
