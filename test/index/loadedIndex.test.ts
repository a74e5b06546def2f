import { describe, expect, test } from 'vitest';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { readIndexFile } from '../../src/core/index/decode.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { url } from '../scan/fixtureTree.js';

// The index is used in place, its columns views into the file read whole: what the process
// writes stays its own, and the file being replaced (a concurrent save renames a new one
// over it) does not change what the process already holds.
describe('a loaded index', () => {
  test('a write to its columns never reaches the file; a file renamed over it leaves the loaded one as it was', async () => {
    const root = await tempDir();
    const state = await tempDir('cachectl-state-');
    for (let i = 0; i < 3; i++) await writeEntry(root, { key: url(`loaded-${i}.tar.xz`), body: 10 + i, fetchedAt: Date.now() });
    const path = (await indexedScan({ root, stateDir: state })).index.saved!;
    const bytes = await readFile(path);
    const d = await readIndexFile(path);
    if (!d.ok) throw new Error(d.reason);
    const size = d.table.f64.dataSize[0];
    d.table.f64.dataSize[0] = 12345;
    d.meta.dirs[0].mtimeMs = 1;
    expect((await readFile(path)).equals(bytes)).toBe(true);
    await writeFile(join(state, 'new.tmp'), 'replaced by a newer save');
    await rename(join(state, 'new.tmp'), path);
    expect(d.table.f64.dataSize[0]).toBe(12345);
    expect(size).toBeGreaterThan(0);
  });

  test('a missing file, a directory and an empty file', async () => {
    const dir = await tempDir();
    await expect(readIndexFile(join(dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readIndexFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
    await writeFile(join(dir, 'empty'), '');
    expect(await readIndexFile(join(dir, 'empty'))).toEqual({ ok: false, reason: 'not a cachectl index' });
  });
});
