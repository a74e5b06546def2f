import { expect, test } from 'vitest';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEntry, writeVaryGroup } from '../../src/core/sample/writeEntry.js';
import { url, DAY } from '../scan/fixtureTree.js';

const L = { levels: 2, length: 1 };

// Issue #23: the text said "1,460 lru" while before/after differed by 1,436 entries: an LRU
// step that takes its vary index along counted the index as an entry. One count for all.
test('entries removed by reason add up to before - after, in the JSON and in the text', async () => {
  const root = await tempDir();
  const now = Date.now();
  for (let i = 0; i < 6; i++) {
    await writeVaryGroup(root, url(`v${i}.tar.gz`), ['Accept-Encoding'], [
      { fetchedAt: now - (30 + i) * DAY, body: 300, requestHeaders: { 'Accept-Encoding': 'gzip' } },
      { fetchedAt: now - (30 + i) * DAY, body: 400, requestHeaders: { 'Accept-Encoding': 'identity' } },
    ], L);
  }
  for (let i = 0; i < 6; i++) await writeEntry(root, { key: url(`p${i}.tar.xz`), body: 500, fetchedAt: now - i * DAY }, L);
  const args = ['prune', root, '--max-entries', '4', '--usage', 'apparent'];
  const j = JSON.parse((await runCachectl([...args, '--dry-run', '--json'])).stdout);
  const byReason = Object.values(j.removed.byReason as Record<string, { entries: number }>).reduce((n, t) => n + t.entries, 0);
  expect(j.before.entries).toBe(18);
  expect(j.before.entries - j.after.entries).toBe(14);
  expect(j.removed.entries).toBe(14);
  expect(byReason).toBe(14);
  const text = await runCachectl([...args, '--dry-run']);
  expect(text.stderr).toMatch(/would remove .* 14 lru /);
});
