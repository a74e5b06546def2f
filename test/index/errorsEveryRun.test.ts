import { describe, expect, test } from 'vitest';
import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { IS_ROOT, ROOT_REASON, nobodyCache } from '../hardening/helpers.js';

/**
 * An indexed run reports what a full scan reports, errors included, on every run: the
 * directory that holds an unreadable one is read again each time, not taken from the
 * index. As root, cachectl becomes the cache's owner (nobody), who cannot read a 000 dir.
 */
describe.skipIf(!IS_ROOT)(`an unreadable directory is reported by every indexed run${IS_ROOT ? '' : ` (skipped: ${ROOT_REASON})`}`, () => {
  test('report names it on the first, second and third indexed run, as --full does', async () => {
    const { root } = await nobodyCache(20);
    const top = (await readdir(root)).find((n) => n.length === 1)!;
    const sub = (await readdir(join(root, top)))[0];
    const locked = join(root, top, sub);
    await chmod(locked, 0o000);
    const state = await tempDir('cachectl-state-');
    const errorsOf = async (args: string[]) => {
      const r = await runCachectl([...args, '--json', '--state-dir', state, root]);
      expect(r.code, r.stderr).toBe(1);
      return (JSON.parse(r.stdout).errors as { path: string; code: string }[]).map((e) => `${e.code} ${e.path}`);
    };
    const full = await errorsOf(['report', '--full']);
    expect(full).toEqual([`EACCES ${locked}`]);
    for (let run = 0; run < 3; run++) expect(await errorsOf(['report'])).toEqual(full);
    await chmod(locked, 0o755);
  });
});
