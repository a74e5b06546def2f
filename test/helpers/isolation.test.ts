import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binEnv, runCachectl } from './cli.js';
import { tempDir } from './tmp.js';

/**
 * Every cachectl a test starts keeps its index in that test's own state dir, inside the
 * run's temp dir (test/setup/globalSetup.ts), and the dir goes with the test: never
 * /var/lib/cachectl (root's default) nor a dir shared by all runs in /tmp.
 */
describe('test isolation: state dirs', () => {
  let previous = '';

  test('a test has one state dir, in the run\'s temp dir; two runs in it share the index', async () => {
    const state = binEnv().CACHECTL_STATE_DIR!;
    expect(binEnv().CACHECTL_STATE_DIR).toBe(state);
    expect(binEnv().XDG_STATE_HOME).toBe(state);
    expect(state.startsWith(tmpdir() + '/')).toBe(true);
    expect(tmpdir()).toMatch(/vitest-run-cachectl-/);
    const root = await tempDir();
    await writeFile(join(root, 'distfile.tar.xz'), 'x');
    const first = JSON.parse((await runCachectl(['prune', root, '--format', 'files', '--max-entries', '5', '--json'])).stdout);
    const second = JSON.parse((await runCachectl(['prune', root, '--format', 'files', '--max-entries', '5', '--json'])).stdout);
    expect(first.index.used).toBe(false);
    expect(second.index.used).toBe(true);
    expect(readdirSync(state).some((n) => n.startsWith('index-'))).toBe(true);
    previous = state;
  });

  test('the next test gets another one; the last one is gone', () => {
    expect(previous).not.toBe('');
    expect(existsSync(previous)).toBe(false);
    expect(binEnv().CACHECTL_STATE_DIR).not.toBe(previous);
  });

  test('a state dir the test names is kept', () => {
    expect(binEnv({ CACHECTL_STATE_DIR: '/somewhere' }).CACHECTL_STATE_DIR).toBe('/somewhere');
  });
});
