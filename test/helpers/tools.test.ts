import { describe, expect, test } from 'vitest';
import { copyFile, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { findApacheTool, isCompiled } from './tools.js';
import { htcacheclean } from './apacheLab.js';
import { real } from '../compat/run.js';
import { HTCACHECLEAN_BIN } from './cli.js';
import { tempDir } from './tmp.js';

/**
 * The comparison tests must run Apache's htcacheclean, never cachectl's drop-in of the
 * same name: with ours on the PATH (`cachectl compat install` links bin/htcacheclean.js) and
 * apache2-utils absent, 62 of them once compared cachectl with itself, and passed.
 */
describe('finding Apache\'s htcacheclean', () => {
  test('our drop-in on the PATH (an npm symlink to a node script) is refused, and named', async () => {
    const bin = await tempDir('cachectl-bin-');
    await symlink(HTCACHECLEAN_BIN, join(bin, 'htcacheclean'));
    expect(findApacheTool('htcacheclean', [bin])).toEqual({ path: null, refused: [join(bin, 'htcacheclean')] });
  });

  test('so is any script of that name; a compiled program after it is taken', async () => {
    const [scripts, compiled] = [await tempDir('cachectl-bin-'), await tempDir('cachectl-bin-')];
    await writeFile(join(scripts, 'htcacheclean'), '#!/bin/sh\nexec cachectl htcacheclean "$@"\n');
    await chmod(join(scripts, 'htcacheclean'), 0o755);
    await copyFile(process.execPath, join(compiled, 'htcacheclean')); // any ELF program stands in
    expect(findApacheTool('htcacheclean', [scripts, compiled])).toEqual({ path: join(compiled, 'htcacheclean'), refused: [join(scripts, 'htcacheclean')] });
  });

  test('what the apache and compat tests run, when they run, is compiled (not ours)', () => {
    for (const t of [htcacheclean, real]) {
      if (t.path) expect(isCompiled(t.path), t.path).toBe(true);
      else expect(t.reason).toMatch(/apt-get install apache2-utils/);
    }
  });
});
