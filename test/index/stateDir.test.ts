import { expect, test } from 'vitest';
import { chmod, chown, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { url, DAY } from '../scan/fixtureTree.js';
import { events, startScheduler } from '../schedule/spawn.js';

const isRoot = process.getuid?.() === 0;

test.skipIf(!isRoot)('as root, the index of a cache owned by www-data lives in STATE/uid-33, owned by it, and is reused', async () => {
  const root = await tempDir();
  const state = await tempDir('state-');
  for (let i = 0; i < 5; i++) await writeEntry(root, { key: url(`o${i}`), body: 100, fetchedAt: Date.now() - DAY }, { levels: 2, length: 1 });
  const uid = Number(execFileSync('id', ['-u', 'www-data'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'www-data'], { encoding: 'utf8' }));
  execFileSync('chown', ['-R', `${uid}:${gid}`, root]);
  await chown(state, 0, 0);
  const env = { CACHECTL_STATE_DIR: state };
  const first = await runCachectl(['prune', root, '--limit', '1G', '--json'], { env });
  expect(first.code).toBe(0);
  expect(first.stderr).toContain(`running as uid ${uid}`);
  expect(JSON.parse(first.stdout).index).toMatchObject({ used: false });
  const sub = `${state}/uid-${uid}`;
  expect((await stat(sub)).uid).toBe(uid);
  expect((await readdir(sub)).filter((f) => f.startsWith('index-'))).toHaveLength(1);
  const second = await runCachectl(['prune', root, '--limit', '1G', '--json'], { env });
  // Only the root is read again: our own lock file came and went there.
  expect(JSON.parse(second.stdout).index).toMatchObject({ used: true, readDirs: 1 });
});

test.skipIf(!isRoot)('as root, the scheduler keeps the index in STATE/uid-33 after a SIGHUP reload', async () => {
  const root = await tempDir();
  const state = await tempDir('state-');
  for (let i = 0; i < 5; i++) await writeEntry(root, { key: url(`h${i}`), body: 100, fetchedAt: Date.now() - DAY }, { levels: 2, length: 1 });
  const uid = Number(execFileSync('id', ['-u', 'www-data'], { encoding: 'utf8' }));
  execFileSync('chown', ['-R', `${uid}:${uid}`, root]);
  await chown(state, 0, 0);
  // /etc/conf.d/cachectl: readable by everyone, as the scheduler has become the cache's owner.
  const etc = await tempDir();
  await chmod(etc, 0o755);
  const config = join(etc, 'cachectl');
  await writeFile(config, 'CACHECTL_LIMIT=1G\nCACHECTL_EVERY=1h\n', { mode: 0o644 });
  const s = startScheduler(['--config', config], { CACHECTL_PATH: root, CACHECTL_STATE_DIR: state });
  const [start] = events(await s.waitFor((l) => events(l, 'start').length > 0), 'start');
  const sub = `${state}/uid-${uid}`;
  expect(start.prune).toMatchObject({ stateDir: sub });
  await writeFile(config, 'CACHECTL_LIMIT=1G\nCACHECTL_CRON="* * * * * *"\n');
  s.child.kill('SIGHUP');
  const [reload] = events(await s.waitFor((l) => events(l, 'reload').length > 0), 'reload');
  // Before: the reload read CACHECTL_STATE_DIR again and pointed the index at root's own directory.
  expect(reload.prune).toMatchObject({ stateDir: sub });
  const [run] = events(await s.waitFor((l) => events(l, 'run').length > 0), 'run');
  expect(run.level).not.toBe('warn');
  expect((await readdir(sub)).filter((f) => f.startsWith('index-'))).toHaveLength(1);
  s.child.kill('SIGINT');
  expect(await s.exited).toEqual({ code: 0, signal: null });
});
