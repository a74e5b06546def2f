import { describe, expect, test } from 'vitest';
import { chmod, chown, lstat, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { chownTree, DAY, IS_ROOT, LAYOUT, NOBODY, ROOT_REASON, exited, listTree, nobodyCache, sleep, startBin, url } from './helpers.js';

/**
 * The cache belongs to `nobody` (standing in for www-data). Started as root, cachectl
 * must become nobody before it reads the tree: we see it in the log line, in the owner
 * of the lock file it creates, and in what it can no longer delete.
 */
describe.skipIf(!IS_ROOT)(`privileges (${IS_ROOT ? 'running as root' : `skipped: ${ROOT_REASON}`})`, () => {
  test('started as root on a cache owned by nobody: says so and runs as nobody', async () => {
    const { root } = await nobodyCache(4);
    const r = await runCachectl(['report', '--json', root]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`cachectl: running as uid ${NOBODY}, gid ${NOBODY} (the owner of ${root}) instead of root`);
    expect(JSON.parse(r.stdout)).toBeTypeOf('object');
  });

  test('the lock file a prune creates belongs to nobody (it is created after the drop)', async () => {
    const { root } = await nobodyCache(60);
    // --nice keeps the run long enough to look at its lock.
    const child = startBin(['prune', root, '--max-entries', '0', '--nice']);
    let owner: number | undefined;
    for (let i = 0; i < 400 && owner === undefined && child.exitCode === null; i++) {
      owner = await lstat(join(root, '.cachectl.lock')).then((s) => s.uid, () => undefined);
      if (owner === undefined) await sleep(5);
    }
    const end = await exited(child);
    expect(end.code, child.output.stderr).toBe(0);
    expect(owner).toBe(NOBODY);
  });

  test('what nobody cannot delete stays (an entry in a root-owned directory); --no-drop-privileges deletes it', async () => {
    const { root } = await nobodyCache(2);
    const [header] = await writeEntry(root, { key: url('root-owned'), body: 1000, fetchedAt: Date.now() - 99 * DAY }, LAYOUT);
    // Unlinking needs write permission on the parent: make that one root's alone.
    chownTree(root, NOBODY, NOBODY);
    const dir = dirname(header);
    await chown(dir, 0, 0);
    await chmod(dir, 0o755);
    const dropped = await runCachectl(['prune', root, '--max-entries', '0', '--json']);
    expect(dropped.code).toBe(4); // files could not be deleted, so --max-entries 0 is not met
    const j = JSON.parse(dropped.stdout);
    expect(j.errors).toContainEqual({ path: header, code: 'EACCES' });
    expect(existsSync(header)).toBe(true);
    const asRoot = await runCachectl(['prune', root, '--max-entries', '0', '--json', '--no-drop-privileges']);
    expect(asRoot.code).toBe(0);
    expect(asRoot.stderr).toContain(`staying root on ${root}, owned by uid ${NOBODY} (--no-drop-privileges)`);
    expect(existsSync(header)).toBe(false);
  });

  test('a symlink planted by the web server user to a root-owned tree changes nothing there, even with --no-drop-privileges', async () => {
    const { base, root } = await nobodyCache(3);
    const outside = join(base, 'precious');
    await writeEntry(outside, { key: url('precious'), body: 5000, fetchedAt: Date.now() - 300 * DAY }, LAYOUT);
    const before = listTree(outside);
    await symlink(outside, join(root, 'P'));
    for (const extra of [[], ['--no-drop-privileges']]) {
      const r = await runCachectl(['prune', root, '--max-entries', '0', '-t', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(listTree(outside)).toEqual(before);
    }
  });

  test('delete and list also drop to the owner', async () => {
    const { root, keys } = await nobodyCache(3);
    const l = await runCachectl(['list', root]);
    expect(l.stderr).toContain(`running as uid ${NOBODY}`);
    expect(l.stdout.split('\n')).toContain(keys[0]);
    const d = await runCachectl(['delete', root, keys[0]]);
    expect(d.stderr).toContain(`running as uid ${NOBODY}`);
    expect(d.code).toBe(0);
  });

  test('a cache owned by root: nothing to drop, nothing said', async () => {
    const { root } = await nobodyCache(1);
    await chown(root, 0, 0);
    const r = await runCachectl(['report', root]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('running as uid');
  });
});
