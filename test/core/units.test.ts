import { describe, expect, test } from 'vitest';
import bytes from 'bytes';
import { formatAge, formatCount, formatSize, parseAge, parseSize, parseSizeOrPercent } from '../../src/core/units.js';

const G = 2 ** 30;

describe('parseSize', () => {
  test.each([
    ['50G', 50 * G], ['50g', 50 * G], ['500M', 500 * 2 ** 20], ['1024K', 2 ** 20], ['100B', 100], ['12345', 12345],
    ['50GB', 50 * G], ['50GiB', 50 * G], ['1.5G', 1.5 * G], ['2T', 2 * 2 ** 40], ['0', 0], [' 50G ', 50 * G], ['50 G', 50 * G],
  ])('%s = %d bytes', (text, want) => expect(parseSize(text)).toBe(want));

  test.each(['50X', '-1G', 'abc', '', ' ', '1e3', '50GG', '9999999P', '0x10', '1,5G', 'G'])('rejects %j with an example', (text) => {
    expect(() => parseSize(text)).toThrow(/e\.g\. 50G|too large/);
  });

  // Why we do not use bytes.parse for limits: `-l 50G` would become a 50-byte limit.
  test('bytes.parse reads 50G as 50 bytes (the defect we guard against)', () => {
    expect(bytes.parse('50G')).toBe(50);
    expect(parseSize('50G')).toBe(50 * G);
  });
});

describe('parseSizeOrPercent / parseAge / format', () => {
  test('percent and size', () => {
    expect(parseSizeOrPercent('10%')).toEqual({ percent: 10 });
    expect(parseSizeOrPercent('20G')).toEqual({ bytes: 20 * G });
    expect(() => parseSizeOrPercent('150%')).toThrow(/0-100%/);
  });
  test.each([['90s', 90e3], ['30m', 1.8e6], ['2h', 7.2e6], ['3d', 2.592e8], ['1w', 6.048e8], ['45', 45e3]])('%s', (t, ms) => expect(parseAge(t)).toBe(ms));
  test.each(['2x', '-1h', 'h', ''])('rejects age %j', (t) => expect(() => parseAge(t)).toThrow(/e\.g\. 30m/));
  test('format', () => {
    expect(formatSize(50 * G)).toBe('50.0 GiB');
    expect(formatSize(512)).toBe('512 B');
    expect(formatAge(3 * 86400e3 + 4 * 3600e3 + 5000)).toBe('3d 4h');
  });
  test.each([0, 7, 999, 1000, 12345, 123456, 1234567, -1234567, 2 ** 53 - 1, 1.5, NaN])('formatCount(%d) = toLocaleString', (x) => {
    expect(formatCount(x)).toBe(x.toLocaleString('en-US'));
  });
});
