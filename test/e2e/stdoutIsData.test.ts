import { describe, expect, test } from 'vitest';
import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { IS_ROOT, NOBODY, ROOT_REASON, nobodyCache } from '../hardening/helpers.js';

/**
 * stdout is data (a script pipes it into jq or sort), stderr is for people: a path that
 * could not be read is said on stderr, by every command, in text and in JSON mode.
 * Root reads every directory, so this runs as `nobody` (started by root: CI is root).
 */
describe.skipIf(!IS_ROOT)(`unreadable paths are reported on stderr, never on stdout (${IS_ROOT ? 'run as nobody' : `skipped: ${ROOT_REASON}`})`, () => {
  /** A cache of nobody's with one hash directory nobody cannot read (mode 000). */
  async function cacheWithLockedDir(): Promise<{ root: string; locked: string }> {
    const { root } = await nobodyCache(12);
    const dirs = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const locked = join(root, dirs[0]);
    await chmod(locked, 0o000);
    return { root, locked };
  }
  const asNobody = { uid: NOBODY, gid: NOBODY };

  test.each([
    ['report', (root: string) => ['report', root]],
    ['report --json', (root: string) => ['report', '--json', root]],
    ['list', (root: string) => ['list', root]],
    ['list --json', (root: string) => ['list', '--json', root]],
    ['prune', (root: string) => ['prune', root, '--limit', '1G']],
    ['prune --json', (root: string) => ['prune', root, '--limit', '1G', '--json']],
    ['prune --dry-run', (root: string) => ['prune', root, '--max-entries', '2', '--dry-run']],
  ])('%s: exit 1, the locked directory named on stderr only', async (_name, args) => {
    const { root, locked } = await cacheWithLockedDir();
    const r = await runCachectl(args(root), asNobody);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(locked);
    expect(r.stderr).toContain('EACCES');
    expect(r.stdout).not.toContain('could not');
    // In a JSON document the failure is data (its errors field); in text it is not there.
    if (args(root).includes('--json') && args(root)[0] !== 'list') {
      expect(JSON.parse(r.stdout).errors).toContainEqual({ path: locked, code: 'EACCES' });
    } else {
      expect(r.stdout).not.toContain(locked);
    }
  });

  test('delete: stdout holds only the URLs removed, the failure is on stderr', async () => {
    const { root, keys } = await nobodyCache(12);
    const dirs = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => join(root, d.name));
    // Lock every hash directory: whatever the key hashes to, it cannot be read.
    for (const d of dirs) await chmod(d, 0o000);
    const r = await runCachectl(['delete', root, keys[0]], asNobody);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/EACCES/);
  });
});
