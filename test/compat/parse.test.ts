import { describe, expect, test } from 'vitest';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseHtcArgs } from '../../src/cli/compat/parse.js';
import { getopt } from '../../src/cli/compat/getopt.js';
import { parseHtcLimit, parseHtcRound, parseHtcInterval } from '../../src/cli/compat/numbers.js';
import { htcLimit, htcSize, htcUnsolicited, renderHtcStats } from '../../src/cli/compat/stats.js';

const dir = tmpdir();
const ok = (argv: string[]) => {
  const r = parseHtcArgs(argv);
  if (!r.ok) throw new Error(r.stderr);
  return r.options;
};
const err = (argv: string[]) => {
  const r = parseHtcArgs(argv);
  if (r.ok) throw new Error('accepted');
  return r.stderr.split('\n')[0];
};

describe('apr_getopt grammar', () => {
  const events = (argv: string[]) => {
    const seen: string[] = [];
    const r = getopt(argv, 'ab:c', 'p', (e) => { seen.push(e.type === 'opt' ? `${e.opt}${e.arg ?? ''}` : e.message.trim()); return true; });
    return { seen, ind: r?.ind };
  };
  test('bundles, attached and separate arguments', () => {
    expect(events(['-ac', '-bX', '-b', 'Y', 'url'])).toEqual({ seen: ['a', 'c', 'bX', 'bY'], ind: 4 });
    expect(events(['-abZ', 'u'])).toEqual({ seen: ['a', 'bZ'], ind: 1 });
  });
  test('stops at the first non-option, a lone -, -- and a - inside a bundle', () => {
    expect(events(['url', '-a'])).toEqual({ seen: [], ind: 0 });
    expect(events(['-a', '-', '-c'])).toEqual({ seen: ['a'], ind: 1 });
    expect(events(['-a', '--', '-c'])).toEqual({ seen: ['a'], ind: 2 });
    expect(events(['-a', '--help', '-c'])).toEqual({ seen: ['a'], ind: 2 });
    expect(events(['-a-', '-c'])).toEqual({ seen: ['a'], ind: 0 });
  });
  test('unknown options and missing arguments', () => {
    expect(events(['-x']).seen).toEqual(['p: illegal option -- x']);
    expect(events(['-ab']).seen).toEqual(['a', 'p: option requires an argument -- b']);
  });
});

describe('htcacheclean numbers', () => {
  test('limits: one K/M/G/B suffix, 1024-based, no decimals, negative accepted', () => {
    expect(parseHtcLimit('50G')).toBe(50n * 1024n ** 3n);
    expect(parseHtcLimit('50g')).toBe(50n * 1024n ** 3n);
    expect(parseHtcLimit('300M')).toBe(300n * 1024n ** 2n);
    expect(parseHtcLimit('1k')).toBe(1024n);
    expect(parseHtcLimit('5b')).toBe(5n);
    expect(parseHtcLimit(' 7')).toBe(7n);
    expect(parseHtcLimit('-5')).toBe(-5n);
    expect(parseHtcLimit('')).toBe(0n);
    for (const bad of ['50GB', '1.5G', '0x10', '5 ', 'abc', '99999999999999999999', '-']) expect(parseHtcLimit(bad)).toBeNull();
  });
  test('round values and intervals', () => {
    expect(parseHtcRound('4096')).toBe(4096n);
    expect(parseHtcRound('4k')).toBe('invalid');
    expect(parseHtcRound('-3')).toBe('negative');
    expect(parseHtcInterval('120')).toBe(120n * 60n * 1_000_000n);
    expect(parseHtcInterval('5m')).toBe(5n * 60n * 1_000_000n);
    expect(parseHtcInterval('junk')).toBe(0n);
  });
  test("statistics units: K, then M from 1024K, one truncated decimal; no G", () => {
    expect(htcSize(10_448)).toBe('10.2K');
    expect(htcSize(45_056)).toBe('44.0K');
    expect(htcSize(1024 * 1024)).toBe('1.0M');
    expect(htcSize(1024 * 1024 - 1)).toBe('1023.9K');
    expect(htcLimit(50 * 1024 ** 3)).toBe('51200.0M');
    expect(htcLimit(3000)).toBe('2.0K');
    expect(htcLimit(50)).toBe('0.0K');
    expect(htcUnsolicited(50)).toBe('0.1K');
    expect(htcUnsolicited(5000)).toBe('4.8K');
  });
  test('the -v block, line for line', () => {
    expect(renderHtcStats({
      root: '/c', limit: 10240, inodesLimit: 0, unsolicited: 0, sizeWas: 34611, sizeNow: 9830,
      inodesWas: 93, inodesNow: 64, estimated: true, entriesWas: 23, entriesNow: 8, expired: 2,
    })).toBe([
      'Cleaned /c. Statistics:', 'size limit 10.0K', 'inodes limit 0', 'total size was 33.7K, total size now 9.5K',
      'total inodes was 93, total estimated inodes now 64', 'total entries was 23, total entries now 8',
      '15 entries deleted (0 from future, 2 expired, 13 fresh)', '',
    ].join('\n'));
  });
});

describe('htcacheclean mode rules', () => {
  test('the seed cron line: -ntp DIR -l 50G', () => {
    const o = ok(['-ntp', dir, '-l', '50G']);
    expect(o).toMatchObject({ nice: true, removeEmptyDirs: true, root: realpathSync(dir), limit: 50 * 1024 ** 3, urls: [] });
  });
  test("Debian's daemon line: -d 120 -p DIR -l 300M -n", () => {
    expect(ok(['-d', '120', '-p', dir, '-l', '300M', '-n'])).toMatchObject({ intervalMs: 120 * 60e3, nice: true, limit: 300 * 1024 ** 2 });
  });
  test('-r implies -t; -R0 does not count as given', () => {
    expect(ok(['-r', '-p', dir, '-l1M'])).toMatchObject({ realclean: true, removeEmptyDirs: true });
    expect(ok(['-R0', '-R', '512', '-p', dir, '-l1M']).round).toBe(512);
    expect(err(['-r', '-t', '-p', dir, '-l1M'])).toBe("htcacheclean error: The option 't' cannot be specified more than once");
  });
  test('URLs: everything after the first one is a URL; -L is (wrongly) accepted with them', () => {
    expect(ok(['-p', dir, 'http://a:80/?', '-v']).urls).toEqual(['http://a:80/?', '-v']);
    expect(ok(['-L', '5', '-p', dir, 'http://a:80/?']).urls).toHaveLength(1);
    expect(err(['-l', '5', '-p', dir, 'http://a:80/?'])).toBe('htcacheclean error: Option -l and -L cannot be used with URL arguments, aborting');
  });
  test('listing needs no limit; -d rejects -a with a message naming -L', () => {
    expect(ok(['-p', dir, '-A']).list).toBe('extended');
    expect(err(['-d', '5', '-p', dir, '-a'])).toBe('htcacheclean error: Option -d cannot be used with -v, -r, -L or -D');
  });
  test('-p is checked where it appears, before later options', () => {
    expect(err(['-p', '/nonexistent', '-x'])).toBe("htcacheclean error: Could not set filepath to '/nonexistent': No such file or directory");
    expect(err(['-x', '-p', '/nonexistent'])).toBe('htcacheclean: illegal option -- x');
  });
});
