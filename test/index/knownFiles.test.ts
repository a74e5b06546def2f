import { describe, expect, test } from 'vitest';
import { readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { needNative } from '../helpers/tools.js';
import { tempDir } from '../helpers/tmp.js';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { scan } from '../../src/core/scan/scan.js';
import { writeEntry, writeVaryGroup } from '../../src/core/sample/writeEntry.js';
import { entryStemPath } from '../../src/core/format/key.js';
import { F64_COLUMNS, Kind, REASONS } from '../../src/core/scan/table.js';
import { url, DAY } from '../scan/fixtureTree.js';

const { binding: native, reason } = needNative();
// One leaf directory holding several entries: CacheDirLevels 1, CacheDirLength 1 and keys
// chosen to share their first hash character.
const L = { levels: 1, length: 1 };
const OPEN = 3;

function rows(s: Awaited<ReturnType<typeof scan>>): string[] {
  const t = s.table;
  return Array.from({ length: t.length }, (_, i) =>
    [t.kind[i], t.reason[i], t.flags[i], t.status[i], t.key.get(i), t.files(i).join(','), ...F64_COLUMNS.map((c) => t.f64[c][i])].join('|')).sort();
}

async function crowdedDir(n: number) {
  const root = await tempDir();
  const keys: string[] = [];
  for (let i = 0; keys.length < n; i++) {
    const key = url(`k${i}.tar.xz`);
    if (entryStemPath(key, L).startsWith('A/')) keys.push(key);
  }
  for (const [i, key] of keys.entries()) await writeEntry(root, { key, body: 100 + i, fetchedAt: Date.now() - (i + 1) * DAY }, L);
  return { root, keys, header: (k: string) => join(root, `${entryStemPath(k, L)}.header`) };
}

describe.skipIf(!native)(`a changed directory re-read from the index (native: ${reason})`, () => {
  test('its unchanged headers are not opened again, and the result equals a full scan', async () => {
    const { root, keys, header } = await crowdedDir(6);
    const state = await tempDir('cachectl-state-');
    await indexedScan({ root, stateDir: state });
    // httpd stores a new entry in the same directory: the directory changes.
    const added = url('new.tar.xz');
    let k = 0;
    let fresh = added;
    while (!entryStemPath(fresh, L).startsWith('A/')) fresh = url(`new-${k++}.tar.xz`);
    await writeEntry(root, { key: fresh, body: 50, fetchedAt: Date.now() }, L);
    // Opening an old header now fails: a re-read that opened it would report the error.
    native!._fault(OPEN, header(keys[2]).split('/').pop()!, constants.errno.EIO);
    const s = await indexedScan({ root, stateDir: state });
    native!._fault(0, '', 0);
    expect(s.errors).toEqual([]);
    expect(s.index.readDirs).toBeGreaterThan(0);
    expect(rows(s)).toEqual(rows(await scan({ root })));
    expect(s.table.key.indexOf(fresh)).toBeGreaterThanOrEqual(0);
  });

  test('control: without the index the same fault is met (the test above is not vacuous)', async () => {
    const { root, keys, header } = await crowdedDir(3);
    native!._fault(OPEN, header(keys[1]).split('/').pop()!, constants.errno.EIO);
    const s = await scan({ root });
    native!._fault(0, '', 0);
    expect(s.errors.map((e) => e.code)).toEqual(['EIO']);
  });

  test('a body swapped under an unchanged header (a restore) is still found unusable', async () => {
    const { root, keys, header } = await crowdedDir(4);
    const state = await tempDir('cachectl-state-');
    await indexedScan({ root, stateDir: state });
    const data = header(keys[1]).replace(/\.header$/, '.data');
    await writeFile(`${data}.tmp`, 'x'.repeat(101));
    await rename(`${data}.tmp`, data); // a new inode; the directory changes
    const s = await indexedScan({ root, stateDir: state });
    expect(rows(s)).toEqual(rows(await scan({ root })));
    const i = s.table.key.indexOf(keys[1]);
    expect(s.table.kind[i]).toBe(Kind.Unusable);
  });

  // Row-level reuse in a changed directory (knownFilesOf): whatever happened beside the
  // unchanged rows, the result is exactly a full scan's, times included.
  test.each([
    ['a hit on an unchanged row (its body atime moves)', async (root: string, keys: string[], header: (k: string) => string) => {
      await readFile(header(keys[3]).replace(/\.header$/, '.data'));
    }],
    ['a body removed by someone else', async (root: string, keys: string[], header: (k: string) => string) => {
      await unlink(header(keys[1]).replace(/\.header$/, '.data'));
    }],
    ['a header removed by someone else', async (root: string, keys: string[], header: (k: string) => string) => {
      await unlink(header(keys[1]));
    }],
    ['a header rewritten by revalidation (temp + rename)', async (root: string, keys: string[], header: (k: string) => string) => {
      const h = header(keys[2]);
      await writeFile(`${h}.tmp`, await readFile(h));
      await rename(`${h}.tmp`, h);
    }],
  ])('%s, with a new entry beside it: equals a full scan', async (_name, change) => {
    const { root, keys, header } = await crowdedDir(6);
    const state = await tempDir('cachectl-state-');
    await indexedScan({ root, stateDir: state });
    let k = 0;
    let fresh = url('new.tar.xz');
    while (!entryStemPath(fresh, L).startsWith('A/')) fresh = url(`new-${k++}.tar.xz`);
    await writeEntry(root, { key: fresh, body: 50, fetchedAt: Date.now() }, L);
    await change(root, keys, header);
    const s = await indexedScan({ root, stateDir: state });
    expect(s.index.readDirs).toBeGreaterThan(0);
    const full = await scan({ root });
    expect(rows(s)).toEqual(rows(full));
    expect(s.files).toBe(full.files);
    // And the index it saved is exact too: a quiet re-run reads nothing and agrees.
    const again = await indexedScan({ root, stateDir: state });
    expect(again.index.readDirs).toBe(0);
    expect(rows(again)).toEqual(rows(full));
  });

  test('a body appearing beside a header-only orphan makes the row classified again', async () => {
    const { root, keys, header } = await crowdedDir(4);
    const data = header(keys[2]).replace(/\.header$/, '.data');
    const body = await readFile(data);
    await unlink(data);
    const state = await tempDir('cachectl-state-');
    const before = await indexedScan({ root, stateDir: state });
    expect(before.table.kind[before.table.key.indexOf(keys[2])]).toBe(Kind.Orphan);
    await writeFile(data, body); // a new inode: the header's claim no longer holds
    const s = await indexedScan({ root, stateDir: state });
    expect(rows(s)).toEqual(rows(await scan({ root })));
    expect(s.table.kind[s.table.key.indexOf(keys[2])]).toBe(Kind.Unusable);
  });

  // A vary index is kept in a changed directory only while its `.vary` directory is as
  // the row says (present: a vary index; absent: an orphan without variants).
  describe('a vary group in a changed directory', () => {
    const kinds = (s: Awaited<ReturnType<typeof scan>>) => Array.from({ length: s.table.length }, (_, i) => `${s.table.kind[i]}/${REASONS[s.table.reason[i]]}`);
    async function varyBeside() {
      const { root, keys } = await crowdedDir(3);
      let k = 0;
      let key = url('vary-0.tar.xz');
      while (!entryStemPath(key, L).startsWith('A/')) key = url(`vary-${++k}.tar.xz`);
      const g = await writeVaryGroup(root, key, ['Accept-Encoding'], [
        { body: 30, fetchedAt: Date.now() - DAY, requestHeaders: { 'Accept-Encoding': 'gzip' } },
        { body: 40, fetchedAt: Date.now() - DAY, requestHeaders: { 'Accept-Encoding': 'identity' } },
      ], L);
      const state = await tempDir('cachectl-state-');
      await indexedScan({ root, stateDir: state });
      return { root, keys, key, g, state };
    }

    test('kept when a new entry arrives beside it: equals a full scan', async () => {
      const { root, state } = await varyBeside();
      await writeEntry(root, { key: url('other-new.tar.xz'), body: 5, fetchedAt: Date.now() }, L);
      const fresh = url('new-in-A.tar.xz');
      let k = 0;
      let n = fresh;
      while (!entryStemPath(n, L).startsWith('A/')) n = url(`new-in-A-${k++}.tar.xz`);
      await writeEntry(root, { key: n, body: 50, fetchedAt: Date.now() }, L);
      const s = await indexedScan({ root, stateDir: state });
      expect(s.index.readDirs).toBeGreaterThan(0);
      expect(rows(s)).toEqual(rows(await scan({ root })));
      expect(kinds(s).filter((x) => x === `${Kind.VaryIndex}/`)).toHaveLength(1);
    });

    test('its variants removed (the .vary directory gone): it becomes an orphan, as a full scan says', async () => {
      const { root, g, state } = await varyBeside();
      await rm(`${g.index}.vary`, { recursive: true });
      const s = await indexedScan({ root, stateDir: state });
      const full = await scan({ root });
      expect(rows(s)).toEqual(rows(full));
      expect(kinds(s)).toContain(`${Kind.Orphan}/vary-without-variants`);
      expect(kinds(s)).not.toContain(`${Kind.VaryIndex}/`);
    });
  });
});
