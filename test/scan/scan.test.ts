import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { scan } from '../../src/core/scan/scan.js';
import { Kind, REASONS } from '../../src/core/table/table.js';
import { tempDir } from '../helpers/tmp.js';
import { needTool } from '../helpers/tools.js';
import { linkOutside, writeEveryKind } from './fixtureTree.js';
import { valuesOf } from '../helpers/columns.js';

const kinds = (s: Awaited<ReturnType<typeof scan>>) => {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < s.table.length; i++) {
    const k = `${['entry', 'vary-index', 'orphan', 'unusable', 'temp'][s.table.kind[i]]}${s.table.reason[i] ? `:${REASONS[s.table.reason[i]]}` : ''}`;
    (out[k] ??= []).push(s.table.key.get(i) || s.table.files(i).join(','));
  }
  return out;
};

describe('scan classifies every file of a mod_cache_disk tree', () => {
  test('entries, variants, header-only, vary index, temp, orphans, unusable, foreign', async () => {
    const root = await tempDir();
    const now = Date.now();
    const f = await writeEveryKind(root, now);
    const s = await scan({ root });
    const k = kinds(s);
    expect(s.format).toBe('apache');
    expect(s.layout).toEqual({ levels: 2, length: 1 });
    expect(k.entry.sort()).toEqual([...f.entries].sort());
    expect(k['vary-index']).toHaveLength(1);
    expect(k.temp.sort()).toEqual(['aptmpNew456', 'aptmpOld123']);
    expect(k['orphan:data-without-header']).toHaveLength(1);
    expect(k['orphan:header-without-data']).toEqual([expect.stringContaining('missing-body')]);
    expect(k['unusable:inode-mismatch']).toEqual([expect.stringContaining('restored')]);
    expect(k['unusable:corrupt-header']).toHaveLength(1);
    expect(s.foreign.files).toBe(2);
    expect(s.errors).toEqual([]);
  });

  test('auto-detects apache on a tree with all 64 first-level directories (depth-first probe)', async () => {
    const root = await tempDir();
    const { writeEntry } = await import('../../src/core/sample/writeEntry.js');
    for (let i = 0; i < 400; i++) await writeEntry(root, { key: `http://h:80/${i}?`, body: 1, fetchedAt: Date.now() }, { levels: 2, length: 1 });
    expect((await readdir(root)).length).toBeGreaterThanOrEqual(60);
    expect((await scan({ root })).format).toBe('apache');
  });

  test('default layout 2x2 is detected from the tree', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now(), { levels: 2, length: 2 });
    expect((await scan({ root })).layout).toEqual({ levels: 2, length: 2 });
  });

  test('both sizes per file: apparent and on-disk blocks', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const s = await scan({ root });
    let apparent = 0, disk = 0;
    for (let i = 0; i < s.table.length; i++) {
      apparent += s.table.size(i, 'apparent');
      disk += s.table.size(i, 'disk');
      for (const file of s.table.files(i)) {
        const st = await stat(join(root, file));
        expect(st.isFile()).toBe(true);
      }
    }
    expect(disk).toBeGreaterThan(apparent); // 4 KiB blocks for small files
  });

  test('never follows symlinks: a link to a directory outside the root is not read', async () => {
    const root = await tempDir();
    const outside = join(await tempDir(), 'outside');
    await writeEveryKind(root, Date.now());
    await linkOutside(root, outside);
    const s = await scan({ root });
    expect(valuesOf(s.table.key)).not.toContain('http://mirror.local:80/gentoo-distfiles/outside?');
    expect(s.others).toBe(2);
  });

  test('plain-files mode (asked for): every regular file is an entry, partial downloads are temp', async () => {
    const root = await tempDir();
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'firefox-128.0.source.tar.xz'), Buffer.alloc(3000));
    await writeFile(join(root, 'sub', 'gcc-14.2.0.tar.xz'), Buffer.alloc(2000));
    await writeFile(join(root, 'llvm-19.src.tar.xz.__download__'), Buffer.alloc(100));
    // Never guessed: auto-detection refuses a tree that is not an httpd cache (safety/cacheShape.ts).
    await expect(scan({ root })).rejects.toThrow(/not an Apache mod_cache_disk cache.*--format files/);
    const s = await scan({ root, format: 'files' });
    expect(s.format).toBe('files');
    expect(kinds(s)).toEqual({ entry: expect.arrayContaining(['firefox-128.0.source.tar.xz', 'sub/gcc-14.2.0.tar.xz']), temp: ['llvm-19.src.tar.xz.__download__'] });
  });
});

const ht = needTool('htcacheclean', 'apache2-utils');
describe.skipIf(!ht.path)(`real htcacheclean -A agrees with our reader${ht.path ? '' : ` (skipped: ${ht.reason})`}`, () => {
  test.each([[{ levels: 2, length: 1 }], [{ levels: 2, length: 2 }], [{ levels: 3, length: 1 }]])('layout %j', async (layout) => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now(), layout);
    const s = await scan({ root });
    const ours: string[] = [];
    for (let i = 0; i < s.table.length; i++) if (s.table.kind[i] === Kind.Entry) ours.push(s.table.key.get(i));
    const theirs = execFileSync(ht.path!, ['-A', '-p', root], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(' ')[0]);
    expect(ours.sort()).toEqual(theirs.sort());
    // htcacheclean -A skips the inode-mismatch and body-less entries silently; so do we.
    expect(theirs.some((u) => u.includes('restored'))).toBe(false);
    expect((await readdir(root)).length).toBeGreaterThan(0);
  });
});
