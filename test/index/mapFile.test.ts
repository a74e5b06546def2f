import { describe, expect, test } from 'vitest';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants } from 'node:os';
import { needNative } from '../helpers/tools.js';
import { tempDir } from '../helpers/tmp.js';

const { binding: native, reason } = needNative();

// The index is used in place through a private mapping (native/mapfile.c): what the
// process writes stays its own, and the file being replaced (a concurrent save renames a
// new one over it) does not change what the process already holds.
describe.skipIf(!native)(`mapFile (native: ${reason})`, () => {
  test('a write to the mapping never reaches the file; a file renamed over it leaves the mapping as it was', async () => {
    const dir = await tempDir();
    const path = join(dir, 'index.bin');
    await writeFile(path, Buffer.from('0123456789abcdef'));
    const ab = native!.mapFile(path);
    expect(typeof ab).not.toBe('number');
    const view = new Uint8Array(ab as ArrayBuffer);
    expect(Buffer.from(view).toString()).toBe('0123456789abcdef');
    view[0] = 0x58; // 'X'
    expect((await readFile(path)).toString()).toBe('0123456789abcdef');
    await writeFile(join(dir, 'new.tmp'), 'replaced by a newer save');
    await rename(join(dir, 'new.tmp'), path);
    expect(Buffer.from(view).toString()).toBe('X123456789abcdef');
  });

  test('a missing file, a directory and an empty file', async () => {
    const dir = await tempDir();
    expect(native!.mapFile(join(dir, 'none'))).toBe(-constants.errno.ENOENT);
    expect(native!.mapFile(dir)).toBe(-constants.errno.EINVAL);
    await writeFile(join(dir, 'empty'), '');
    expect((native!.mapFile(join(dir, 'empty')) as ArrayBuffer).byteLength).toBe(0);
  });
});
