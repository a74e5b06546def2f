import { describe, expect, test } from 'vitest';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { IS_ROOT, NOBODY, ROOT_REASON, listTree, nobodyCache, smallCache } from '../hardening/helpers.js';
import { main } from '../../src/cli/main.js';
import { mainHtcacheclean } from '../../src/cli/compat/main.js';
import type { CliContext } from '../../src/cli/context.js';

/**
 * Paths named by options (--prom-file, --access-log, --state-dir) are checked before any
 * work: a mistake is a usage error (exit 2, one sentence on stderr, nothing on stdout),
 * never a silent downgrade, and never a crash after the prune has already run.
 */

/** One line, no stack, no "internal error". */
function expectOneSentence(stderr: string, fragment: string): void {
  expect(stderr).toContain(fragment);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

/** A cache, and a check that a command left it (and its state dir) as it was. */
async function untouched() {
  const { root } = await smallCache(6);
  const state = await tempDir('cachectl-state-');
  const before = listTree(root);
  return {
    root, state,
    async check() {
      expect(listTree(root)).toEqual(before);
      expect(await readdir(state)).toEqual([]);
    },
  };
}

describe('--prom-file is checked before the prune runs', () => {
  test('a missing directory: exit 2, one sentence, nothing deleted', async () => {
    const c = await untouched();
    const prom = join(await tempDir('cachectl-prom-'), 'no-such-dir', 'cachectl.prom');
    const r = await runCachectl(['prune', c.root, '--max-entries', '0', '--prom-file', prom], { env: { CACHECTL_STATE_DIR: c.state } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneSentence(r.stderr, `--prom-file ${prom}: directory`);
    expect(r.stderr).toContain('does not exist');
    await c.check();
  });

  test('from CACHECTL_PROM_FILE, and a directory where the file should be: the same', async () => {
    const c = await untouched();
    const r = await runCachectl(['prune', c.root, '--max-entries', '0'], { env: { CACHECTL_STATE_DIR: c.state, CACHECTL_PROM_FILE: c.state } });
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr, `--prom-file ${c.state} is a directory`);
    await c.check();
  });

  test('--dry-run writes no metrics, so it does not mind', async () => {
    const c = await untouched();
    const r = await runCachectl(['prune', c.root, '--max-entries', '0', '--dry-run', '--no-index', '--prom-file', '/nonexistent/x.prom']);
    expect(r.code).toBe(0);
  });

  test('schedule: refused at start (and by --check), not logged after each run', async () => {
    const c = await untouched();
    for (const extra of [['--check'], ['--run-now']]) {
      const r = await runCachectl(['schedule', c.root, '--max-entries', '0', '--every', '1h', '--prom-file', '/nonexistent/x.prom', ...extra], { env: { CACHECTL_STATE_DIR: c.state }, timeoutMs: 20_000 });
      expect(r.code).toBe(2);
      expectOneSentence(r.stderr, '--prom-file /nonexistent/x.prom: directory /nonexistent does not exist');
    }
    await c.check();
  });

  test.skipIf(!IS_ROOT)(`a directory the cache's owner cannot write: exit 2, nothing deleted${IS_ROOT ? '' : ` (skipped: ${ROOT_REASON})`}`, async () => {
    const { base, root } = await nobodyCache(4);
    const promDir = join(base, 'textfile');
    await mkdir(promDir, { mode: 0o755 }); // root's: nobody, whom cachectl becomes, cannot write here
    const before = listTree(root);
    const r = await runCachectl(['prune', root, '--max-entries', '0', '--prom-file', join(promDir, 'cachectl.prom')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`directory ${promDir} is not writable by uid ${NOBODY}`);
    expect(listTree(root)).toEqual(before);
  });
});

describe('--access-log files must exist (a rotated one may not, yet)', () => {
  test.each([
    ['report', ['report']],
    ['list', ['list']],
    ['prune', ['prune', '--max-entries', '0']],
  ])('%s with a missing log: exit 2, nothing done', async (_n, cmd) => {
    const c = await untouched();
    const log = join(await tempDir('cachectl-logs-'), 'access.log');
    const r = await runCachectl([cmd[0], c.root, ...cmd.slice(1), '--access-log', log], { env: { CACHECTL_STATE_DIR: c.state } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneSentence(r.stderr, `--access-log ${log} does not exist`);
    await c.check();
  });

  test('from CACHECTL_ACCESS_LOG, an unexpanded pattern says so', async () => {
    const c = await untouched();
    const r = await runCachectl(['report', c.root], { env: { CACHECTL_STATE_DIR: c.state, CACHECTL_ACCESS_LOG: '/var/log/apache2/nonexistent-*.log' } });
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr, 'patterns are not expanded');
  });

  test('a rotated sibling that does not exist yet is fine; the current log is read', async () => {
    const { root } = await smallCache(3);
    const logs = await tempDir('cachectl-logs-');
    await writeFile(join(logs, 'access.log'), '');
    const r = await runCachectl(['report', root, '--json', '--access-log', join(logs, 'access.log'), join(logs, 'access.log.1'), join(logs, 'access.log.2.gz')]);
    expect(r.code, r.stderr).toBe(0);
  });

  test('a directory named as a log, and --access-log with --no-index, are usage errors', async () => {
    const c = await untouched();
    const notFile = await runCachectl(['report', c.root, '--access-log', c.state], { env: { CACHECTL_STATE_DIR: c.state } });
    expect(notFile.code).toBe(2);
    expectOneSentence(notFile.stderr, 'is not a regular file');
    const log = join(await tempDir('cachectl-logs-'), 'access.log');
    await writeFile(log, '');
    const noIndex = await runCachectl(['report', c.root, '--no-index', '--access-log', log]);
    expect(noIndex.code).toBe(2);
    expectOneSentence(noIndex.stderr, '--access-log needs the index');
  });

  test.skipIf(!IS_ROOT)(`a log the cache's owner cannot read: exit 2${IS_ROOT ? '' : ` (skipped: ${ROOT_REASON})`}`, async () => {
    const { base, root } = await nobodyCache(4);
    const log = join(base, 'access.log');
    await writeFile(log, '', { mode: 0o600 }); // root:root 0600, as Debian's root:adm 0640 is to www-data
    const r = await runCachectl(['report', root, '--access-log', log]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--access-log ${log} is not readable by uid ${NOBODY}`);
  });
});

describe('--state-dir must be a directory', () => {
  test.each([
    ['report', ['report']],
    ['list', ['list']],
    ['prune', ['prune', '--max-entries', '0']],
    ['schedule --check', ['schedule', '--max-entries', '0', '--every', '1h', '--check']],
  ])('%s with a regular file as --state-dir (and CACHECTL_STATE_DIR): exit 2, nothing done', async (_n, cmd) => {
    const { root } = await smallCache(6);
    const before = listTree(root);
    const file = join(await tempDir('cachectl-state-'), 'state');
    await writeFile(file, 'not a directory');
    for (const how of ['flag', 'env'] as const) {
      const args = [cmd[0], root, ...cmd.slice(1), ...(how === 'flag' ? ['--state-dir', file] : [])];
      const r = await runCachectl(args, { env: how === 'env' ? { CACHECTL_STATE_DIR: file } : {} });
      expect(r.code, how).toBe(2);
      expect(r.stdout).toBe('');
      expectOneSentence(r.stderr, `--state-dir ${file} is not a directory`);
    }
    expect(listTree(root)).toEqual(before);
  });

  test('a path below a regular file: exit 2, naming the file', async () => {
    const { root } = await smallCache(2);
    const file = join(await tempDir('cachectl-state-'), 'state');
    await writeFile(file, '');
    const r = await runCachectl(['report', root, '--state-dir', join(file, 'sub')]);
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr, `cannot be made: ${file} is not a directory`);
  });

  test.skipIf(!IS_ROOT)(`a directory the user cannot write: exit 2${IS_ROOT ? '' : ` (skipped: ${ROOT_REASON})`}`, async () => {
    const { root } = await nobodyCache(2);
    const state = await tempDir('cachectl-state-');
    await chmod(state, 0o755);
    // Spawned as nobody (no root to give up), with root's state dir.
    const r = await runCachectl(['report', root, '--state-dir', state], { uid: NOBODY, gid: NOBODY });
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr, `--state-dir ${state} is not writable by uid ${NOBODY}`);
  });
});

/** A context like the process's, whose stdout fails: an error no user can cause. */
function brokenStdout(env: NodeJS.ProcessEnv): CliContext & { errText: () => string } {
  let err = '';
  return {
    out: () => { throw new Error('stdout exploded'); },
    err: (s) => { err += s; },
    env, errIsTTY: false, outIsTTY: false, signal: new AbortController().signal, exitCode: 0,
    errText: () => err,
  };
}

describe('an unexpected error: one line, the stack only with CACHECTL_DEBUG=1', () => {
  test.each([
    ['cachectl', (ctx: CliContext, root: string) => main(['report', '--no-index', '--json', root], ctx)],
    ['htcacheclean', (ctx: CliContext, root: string) => mainHtcacheclean(['-a', '-p', root], ctx, [])],
  ])('%s', async (prog, run) => {
    const { root } = await smallCache(2);
    const plain = brokenStdout({});
    expect(await run(plain, root)).toBe(1);
    expect(plain.errText()).toBe(`${prog}: internal error: stdout exploded (CACHECTL_DEBUG=1 shows where)\n`);
    const debug = brokenStdout({ CACHECTL_DEBUG: '1' });
    expect(await run(debug, root)).toBe(1);
    // Debug lines may come first (CACHECTL_DEBUG=1 turns them on): the error is a line of its own, with its stack.
    expect(debug.errText()).toMatch(new RegExp(`^${prog}: internal error: Error: stdout exploded\\n\\s+at `, 'm'));
  });
});
