import { expect, test } from 'vitest';
import { chown, readdir, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { url, DAY } from '../scan/fixtureTree.js';

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
