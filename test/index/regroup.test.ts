import { describe, expect, test } from 'vitest';
import { coversInPlace } from '../../src/core/index/regroup.js';
import type { DirRecord } from '../../src/core/scan/walkTypes.js';

const rec = (rowStart: number, rowCount: number): DirRecord => ({
  rel: `d${rowStart}`, mtimeMs: 0, ctimeMs: 0, ino: 0, rowStart, rowCount,
  files: 0, bytes: 0, dirDisk: 0, foreignFiles: 0, foreignBytes: 0, foreignDisk: 0, foreignSamples: [], others: 0,
});

describe('regroup: the quiet night shortcut (coversInPlace)', () => {
  test('ranges that tile the table exactly, in any order, leave it in place', () => {
    expect(coversInPlace(6, [rec(3, 3), rec(0, 2), rec(2, 1), rec(0, 0)])).toBe(true);
  });

  test('anything else takes the general path', () => {
    // A row no record claims (a changed directory's old rows).
    expect(coversInPlace(6, [rec(0, 2), rec(3, 3)])).toBe(false);
    // Counts add up, but two ranges overlap: checked row by row, not assumed.
    expect(coversInPlace(3, [rec(0, 2), rec(1, 1)])).toBe(false);
    // A range past the end.
    expect(coversInPlace(2, [rec(0, 1), rec(1, 2)])).toBe(false);
  });
});
