import { describe, expect, test } from 'vitest';
import { chmod, lstat, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HTCACHECLEAN_BIN, runCachectl, runProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const APACHE = '#!/bin/sh\necho "apache htcacheclean $*"\n';

/**
 * A PATH of `ours` (where compat installs), `system` (holding an "Apache" htcacheclean)
 * and a directory with node only (the front end is a `#!/usr/bin/env node` script).
 */
async function layout(order: 'ours-first' | 'system-first' = 'ours-first') {
  const base = await tempDir('cachectl-compat-');
  const [ours, system, node] = [join(base, 'local-bin'), join(base, 'usr-bin'), join(base, 'node-bin')];
  for (const d of [ours, system, node]) await mkdir(d);
  await symlink(process.execPath, join(node, 'node'));
  await writeFile(join(system, 'htcacheclean'), APACHE, { mode: 0o755 });
  const PATH = [...(order === 'ours-first' ? [ours, system] : [system, ours]), node].join(':');
  const run = (...args: string[]) => runCachectl(['compat', ...args], { env: { PATH } });
  return { base, ours, system, PATH, run };
}

describe('cachectl compat install|uninstall|status', () => {
  test('install places one symlink to bin/htcacheclean.js; a shell with that PATH now runs the front end; uninstall removes it', async () => {
    const { ours, system, PATH, run } = await layout();
    const before = await stat(join(system, 'htcacheclean'));

    const r = await run('install', '--dir', ours);
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toBe(`cachectl: created ${ours}/htcacheclean -> ${HTCACHECLEAN_BIN}\n`
      + `cachectl: \`htcacheclean\` on this PATH is now ${ours}/htcacheclean (cachectl's front end), ahead of ${system}/htcacheclean\n`);
    expect(await readlink(join(ours, 'htcacheclean'))).toBe(HTCACHECLEAN_BIN);
    // The front end answers (htcacheclean's own usage error, from node), not the stub.
    const sh = await runProcess('/bin/sh', ['-c', 'htcacheclean -x'], { env: { ...process.env, PATH } });
    expect(sh.stdout).not.toContain('apache htcacheclean');
    expect(sh.stderr).toMatch(/^htcacheclean: illegal option -- x\nhtcacheclean -- program for cleaning the disk cache\./);

    const s = await run('status');
    expect(s.stdout).toBe(`${ours}/htcacheclean\tcachectl\n${system}/htcacheclean\tother\n`);

    // Again: nothing to do.
    expect((await run('install', '--dir', ours)).stderr).toMatch(/already points to/);

    const u = await run('uninstall', '--dir', ours);
    expect([u.code, u.stdout]).toEqual([0, '']);
    expect(u.stderr).toBe(`cachectl: removed ${ours}/htcacheclean\ncachectl: \`htcacheclean\` on this PATH is now ${system}/htcacheclean (not cachectl)\n`);
    await expect(lstat(join(ours, 'htcacheclean'))).rejects.toThrow(/ENOENT/);
    // Apache's was never touched.
    const after = await stat(join(system, 'htcacheclean'));
    expect([after.ino, after.mtimeMs, await readFile(join(system, 'htcacheclean'), 'utf8')]).toEqual([before.ino, before.mtimeMs, APACHE]);
    expect((await run('uninstall', '--dir', ours)).stderr).toMatch(/^cachectl: nothing to remove: .* does not exist\n/);
  });

  test('a DIR later on the PATH: installed, and the line says Apache\'s still wins', async () => {
    const { ours, system, run } = await layout('system-first');
    const r = await run('install', '--dir', ours);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`\`htcacheclean\` on this PATH is now ${system}/htcacheclean (not cachectl): ${ours}/htcacheclean comes after it\n`);
  });

  test.each([
    ['a program', async (p: string) => writeFile(p, APACHE, { mode: 0o755 }), 'a file (another htcacheclean)'],
    ['a symlink to something else', async (p: string) => symlink('/usr/sbin/htcacheclean', p), 'a symlink to /usr/sbin/htcacheclean'],
    ['a directory', async (p: string) => mkdir(p), 'a directory'],
  ])('never replaces or removes %s (exit 1, one line, untouched)', async (_what, make, described) => {
    const { system, run } = await layout();
    const path = join(system, 'htcacheclean');
    await rm(path, { recursive: true });
    await make(path);
    const before = await lstat(path);
    for (const verb of ['install', 'uninstall']) {
      const r = await run(verb, '--dir', system);
      expect([r.code, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toBe(`cachectl: refusing to ${verb === 'install' ? 'replace' : 'remove'} ${path}: it is ${described}, not cachectl's symlink${verb === 'install' ? ' (choose another --dir, one earlier on the PATH)' : ''}\n`);
    }
    const after = await lstat(path);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  test("replaces our own symlink to another cachectl install (an upgrade), and one left dangling by a removed package", async () => {
    const { base, ours, run } = await layout();
    const old = join(base, 'old/lib/node_modules/cachectl');
    await mkdir(join(old, 'bin'), { recursive: true });
    await writeFile(join(old, 'package.json'), '{"name":"cachectl","version":"0.0.1"}');
    await writeFile(join(old, 'bin/htcacheclean.js'), '');
    await symlink(join(old, 'bin/htcacheclean.js'), join(ours, 'htcacheclean'));
    const r = await run('install', '--dir', ours);
    expect(r.stderr).toMatch(/^cachectl: replaced /);
    expect(await readlink(join(ours, 'htcacheclean'))).toBe(HTCACHECLEAN_BIN);

    await rm(join(ours, 'htcacheclean'));
    await symlink('/gone/lib/node_modules/cachectl/bin/htcacheclean.js', join(ours, 'htcacheclean'));
    expect((await run('uninstall', '--dir', ours)).code).toBe(0);
    await expect(lstat(join(ours, 'htcacheclean'))).rejects.toThrow(/ENOENT/);
  });

  test('a --dir that is missing or not a directory is a usage error (exit 2)', async () => {
    const { base, run } = await layout();
    const r = await run('install', '--dir', join(base, 'nope'));
    expect([r.code, r.stderr]).toEqual([2, `cachectl: --dir ${join(base, 'nope')} cannot be used (ENOENT)\n`]);
    await writeFile(join(base, 'file'), '');
    expect((await run('uninstall', '--dir', join(base, 'file'))).stderr).toBe(`cachectl: --dir ${join(base, 'file')} is not a directory\n`);
  });

  test.skipIf(process.getuid?.() !== 0)('a directory the user cannot write: exit 1, one line (run as nobody)', async () => {
    const { system } = await layout();
    const dir = join(system, '..', 'ro');
    await mkdir(dir);
    await chmod(dir, 0o755);
    await chmod(join(system, '..'), 0o755);
    const r = await runCachectl(['compat', 'install', '--dir', dir], { uid: 65534, gid: 65534, env: { CACHECTL_STATE_DIR: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cachectl: cannot change .*\/ro \(EACCES\): run as its owner \(root\), or choose another --dir\n$/);
  });
});
