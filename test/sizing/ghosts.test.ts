import { describe, expect, test } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendGhosts, ghostPath, GhostCounter, readGhosts, requestKey } from '../../src/core/sizing/ghosts.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { lines } from './logFiles.js';

const ROOT = '/var/cache/apache2/mod_cache_disk';

describe('the eviction journal', () => {
  test('request keys as logs name them', () => {
    expect(requestKey('http://mirror.local:80/distfiles/a.tar.xz?')).toBe('/distfiles/a.tar.xz');
    expect(requestKey('http://mirror.local:80/x?v=1')).toBe('/x?v=1');
    expect(requestKey('https://m/')).toBe('/');
    expect(requestKey('distfiles/b.tar.xz')).toBe('/distfiles/b.tar.xz');
  });

  test('appended, read back, damaged lines skipped, bounded by bytes (newest kept)', async () => {
    const state = await tempDir('state-');
    await appendGhosts(state, ROOT, [{ key: '/a', bytes: 1, time: 1 }, { key: '/b\n"x', bytes: 2, time: 2 }]);
    await writeFile(ghostPath(state, ROOT), (await readFile(ghostPath(state, ROOT), 'utf8')) + '{"key":"/cut","by');
    expect(await readGhosts(state, ROOT)).toEqual([{ key: '/a', bytes: 1, time: 1 }, { key: '/b\n"x', bytes: 2, time: 2 }]);
    const many = Array.from({ length: 100 }, (_, i) => ({ key: `/k${i}`, bytes: i, time: 10 + i }));
    await appendGhosts(state, ROOT, many, 2000);
    const kept = await readGhosts(state, ROOT);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(100);
    expect(kept.at(-1)).toEqual({ key: '/k99', bytes: 99, time: 109 });
    expect((await readFile(ghostPath(state, ROOT))).length).toBeLessThanOrEqual(1000);
    expect(await readGhosts(state, '/another/root')).toEqual([]);
  });

  test('the first request after each eviction counts, once', () => {
    const c = new GhostCounter([{ key: '/a', bytes: 5, time: 100 }, { key: '/a', bytes: 5, time: 300 }, { key: '/b', bytes: 7, time: 100 }]);
    c.see('/a', 50, 5); // before the eviction: the entry was still there
    c.see('/a', 150, 5); // refetch after the first eviction
    c.see('/a', 200, 5); // cached again
    c.see('/b', 400, 7);
    c.see('/b', 500, 7);
    c.see('/a', 400, 5); // refetch after the second eviction
    expect(c.tally).toMatchObject({ journaled: 3, requests: 3, bytes: 17, since: new Date(100).toISOString() });
  });

  test('prune journals what it evicts; sizing DIR counts the later requests for it', async () => {
    const root = await tempDir();
    const state = await tempDir('state-');
    const old = Date.now() - 30 * 86400e3;
    for (let i = 0; i < 4; i++) {
      await writeEntry(root, { key: `http://mirror.local:80/distfiles/f${i}.tar.xz?`, body: 100_000, fetchedAt: old + i * 3600e3 }, { levels: 2, length: 1 });
    }
    // Room for about two entries: f0 and f1, the least recently used, go.
    const p = await runCachectl(['prune', root, '--limit', '250K', '--usage', 'apparent', '--state-dir', state, '--json']);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).removed.entries).toBe(2);
    const journal = await readGhosts(state, root);
    expect(journal.map((g) => g.key).sort()).toEqual(['/distfiles/f0.tar.xz', '/distfiles/f1.tar.xz']);

    const later = Date.now() + 3600e3;
    const logDir = await tempDir('logs-');
    const log = join(logDir, 'access_log');
    await writeFile(log, lines([
      { t: later, path: '/distfiles/f0.tar.xz', bytes: 100_000 },
      { t: later + 1000, path: '/distfiles/f0.tar.xz', bytes: 100_000 },
      { t: later + 2000, path: '/distfiles/f2.tar.xz', bytes: 100_000 },
    ]));
    const r = await runCachectl(['sizing', root, '--state-dir', state, '--access-log', log, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ghosts).toMatchObject({ journaled: 2, requests: 1, bytes: 100_000 });
    const text = await runCachectl(['sizing', root, '--state-dir', state, '--access-log', log]);
    expect(text.stdout).toContain('Evicted by cachectl, then requested again: 1 full download (97.7 KiB)');
    // A dry run journals nothing.
    const state2 = await tempDir('state-');
    await runCachectl(['prune', root, '--limit', '100K', '--usage', 'apparent', '--state-dir', state2, '--dry-run']);
    expect(await readGhosts(state2, root)).toEqual([]);
  });
});
