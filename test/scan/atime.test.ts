import { expect, test } from 'vitest';
import { readFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { scan } from '../../src/core/scan/scan.js';
import { setTimes } from '../../src/core/sample/writeEntry.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEveryKind, DAY } from './fixtureTree.js';

async function allFiles(s: Awaited<ReturnType<typeof scan>>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < s.table.length; i++) out.push(...s.table.files(i).map((f) => join(s.root, f)));
  return out;
}

test('scanning moves no access time (headers read with O_NOATIME, bodies never read)', async () => {
  const root = await tempDir();
  await writeEveryKind(root, Date.now());
  const files = await allFiles(await scan({ root }));
  // atime == mtime, a week ago: under relatime any plain read would move the atime.
  const old = Date.now() - 7 * DAY;
  for (const f of files) await setTimes(f, old, old);
  // Control: a plain read does move it on this filesystem, so the test can fail.
  const probe = files.find((f) => f.endsWith('.header'))!;
  const before = (await lstat(probe)).atimeMs;
  await readFile(probe);
  const moved = (await lstat(probe)).atimeMs !== before;
  await setTimes(probe, old, old);

  await scan({ root });
  // utimes takes float seconds: allow the sub-ms rounding, nothing more.
  for (const f of files) expect([f, Math.round((await lstat(f)).atimeMs)]).toEqual([f, old]);
  if (!moved) console.warn('this filesystem does not update atime on read (noatime?): the control did not move');
});
