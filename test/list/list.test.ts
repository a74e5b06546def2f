import { describe, expect, test } from 'vitest';
import { scan } from '../../src/core/scan/scan.js';
import { listEntries } from '../../src/core/list/list.js';
import { formatJson, formatLong } from '../../src/core/list/format.js';
import { urlMatcher } from '../../src/core/match.js';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { buildCache, key } from '../compat/fixture.js';

const now = Date.now();

describe('listEntries', () => {
  test('servable entries only: variants under their base URL, no orphans, copies or lost bodies', async () => {
    const root = await tempDir();
    const { keys } = await buildCache(root, now, { entries: 4, messy: true });
    const urls = listEntries(await scan({ root, format: 'apache' }), { sorted: true }).map((e) => e.url);
    const vary = key('/vary/app.js');
    expect(urls.filter((u) => u === vary)).toHaveLength(3);
    expect(urls).toContain(key('/stray'));
    expect(urls).toContain(key('/vary/stale.css'));
    for (const gone of ['/copied', '/lost-body', '/format4', '/truncated', '/vary/gone']) expect(urls).not.toContain(key(gone));
    expect(new Set(urls)).toEqual(new Set([...keys, key('/stray'), key('/vary/stale.css')]));
    expect(urls).toEqual([...urls].sort());
  });

  test('-R rounding, --match, and the two line formats', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 12 });
    const snap = await scan({ root, format: 'apache' });
    const [e] = listEntries(snap, { match: urlMatcher('*/pkg-1.tar.xz'), round: 4096 });
    expect(e.url).toBe(key('/gentoo-distfiles/pkg-1.tar.xz'));
    expect(e.hdrSize % 4096).toBe(0);
    expect(e.bodySize % 4096).toBe(0);
    const f = formatLong(e).split(' ');
    expect(f).toHaveLength(11);
    expect(f.slice(3, 5)).toEqual(['200', '0']);
    expect(f.slice(9)).toEqual(['1', '0']);
    const j = JSON.parse(formatJson(e));
    expect(j).toMatchObject({ url: e.url, status: 200, hasBody: true, headOnly: false, variant: false });
    expect(new Date(j.responseTime).getTime()).toBe(Math.floor(e.responseTime / 1000));
    expect(j.expires).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(listEntries(snap, { match: urlMatcher('/gentoo-distfiles/pkg-1?.tar.xz') }).map((x) => x.url).sort())
      .toEqual([10, 11].map((i) => key(`/gentoo-distfiles/pkg-${i}.tar.xz`)));
  });
});

describe('cachectl list', () => {
  test('plain, --long, --json and --match', async () => {
    const root = await tempDir();
    await buildCache(root, now, { entries: 5 });
    const plain = await runCachectl(['list', root]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim().split('\n')).toHaveLength(5 + 1 + 3);
    const long = await runCachectl(['list', '--long', root]);
    expect(long.stdout.trim().split('\n').every((l) => l.split(' ').length === 11)).toBe(true);
    const json = await runCachectl(['list', '--json', '--match', '*/vary/*', root]);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.variant && r.url === key('/vary/app.js'))).toBe(true);
  });

  test('usage errors exit 2', async () => {
    const root = await tempDir();
    expect((await runCachectl(['list', '--long', '--json', root])).code).toBe(2);
    expect((await runCachectl(['list', `${root}/missing`])).code).toBe(2);
  });
});
