import { describe, expect, test } from 'vitest';
import { needNative } from '../helpers/tools.js';
import { readFile, writeFile, unlink, appendFile, truncate, rename, symlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { indexPath } from '../../src/core/index/store.js';
import { scan } from '../../src/core/scan/scan.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { Kind } from '../../src/core/table/table.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEveryKind, url, DAY } from '../scan/fixtureTree.js';
import { rowOf, valuesOf } from '../helpers/columns.js';

const L = { levels: 2, length: 1 };
/** The root holds foreign files (writeEveryKind), which no row describes: it is read on every run. */
const UNVOUCHED_DIRS = 1;

/** A comparable view of a snapshot: every unit with its files, sizes and times. */
function view(s: Awaited<ReturnType<typeof scan>>) {
  const rows: string[] = [];
  const t = s.table;
  for (let i = 0; i < t.length; i++) {
    rows.push([t.kind[i], t.reason[i], t.flags[i], t.key.get(i), t.files(i).join(','), t.size(i, 'apparent'), t.size(i, 'disk'),
      Math.round(t.f64.dataAtime[i]), Math.round(t.f64.hdrMtime[i]), t.f64.expire[i]].join('|'));
  }
  return { rows: rows.sort(), files: s.files, foreign: s.foreign.files, dirs: s.directories };
}

async function setup() {
  const root = await tempDir();
  const state = await tempDir('cachectl-state-');
  await writeEveryKind(root, Date.now(), L);
  for (let i = 0; i < 30; i++) await writeEntry(root, { key: url(`more-${i}`), body: 500 + i, fetchedAt: Date.now() - i * DAY }, L);
  return { root, state };
}

// Both readers: the portable walker's per-directory hook (reuse.ts) and the native
// batch check (reuseNative.ts, native/verify.c) must make the same decisions.
const walkers = [{ walker: 'portable' as const }, ...(needNative().binding ? [{ walker: 'native' as const }] : [])];

describe.each(walkers)('persisted index ($walker)', ({ walker }) => {
  test('a re-run with nothing changed reads no directory and equals a full scan', async () => {
    const { root, state } = await setup();
    const first = await indexedScan({ walker, root, stateDir: state });
    expect(first.index).toMatchObject({ used: false, reason: 'no index yet' });
    const second = await indexedScan({ walker, root, stateDir: state });
    expect(second.index).toMatchObject({ used: true, readDirs: UNVOUCHED_DIRS });
    expect(second.index.reusedDirs).toBe(first.dirRecords.length - UNVOUCHED_DIRS);
    expect(view(second)).toEqual(view(await scan({ root, walker })));
  });

  // The native reuser checks every directory before it reads any, so it can tell.
  if (walker === 'native') test('most directories changed: a plain full scan instead, equal to one', async () => {
    const { root, state } = await setup();
    const first = await indexedScan({ walker, root, stateDir: state });
    // A directory's mtime set (its ctime moves): changed, as a store or removal makes it.
    for (const d of first.dirRecords) await utimes(join(root, d.rel), new Date(), new Date());
    const s = await indexedScan({ walker, root, stateDir: state });
    expect(s.index).toMatchObject({ used: true, reusedDirs: 0 });
    expect(view(s)).toEqual(view(await scan({ root, walker })));
    // The index saved from that full scan serves the next run.
    expect((await indexedScan({ walker, root, stateDir: state })).index.reusedDirs).toBe(first.dirRecords.length - UNVOUCHED_DIRS);
  });

  test('a new entry (directory changed) is found; the rest is reused', async () => {
    const { root, state } = await setup();
    await indexedScan({ walker, root, stateDir: state });
    await writeEntry(root, { key: url('brand-new'), body: 1234, fetchedAt: Date.now() }, L);
    const s = await indexedScan({ walker, root, stateDir: state });
    expect(valuesOf(s.table.key)).toContain(url('brand-new'));
    expect(s.index.readDirs).toBeGreaterThan(0);
    expect(s.index.readDirs).toBeLessThan(5);
    expect(view(s)).toEqual(view(await scan({ root, walker })));
  });

  test('an entry deleted by someone else disappears', async () => {
    const { root, state } = await setup();
    const s0 = await indexedScan({ walker, root, stateDir: state });
    const i = rowOf(s0.table.key, url('more-3'));
    for (const f of s0.table.files(i)) await unlink(join(root, f));
    const s = await indexedScan({ walker, root, stateDir: state });
    expect(valuesOf(s.table.key)).not.toContain(url('more-3'));
    expect(view(s)).toEqual(view(await scan({ root, walker })));
  });

  test('a body replaced in place (no rename: directory unchanged) is detected by its lstat', async () => {
    const { root, state } = await setup();
    const s0 = await indexedScan({ walker, root, stateDir: state });
    const i = rowOf(s0.table.key, url('more-5'));
    const data = join(root, s0.table.files(i)[1]);
    await appendFile(data, Buffer.alloc(100)); // same inode, same directory mtime
    const s = await indexedScan({ walker, root, stateDir: state });
    expect(s.index.readDirs).toBe(1 + UNVOUCHED_DIRS);
    expect(view(s)).toEqual(view(await scan({ root, walker })));
  });

  test('a hit (body atime moved) refreshes recency without re-reading the directory', async () => {
    const { root, state } = await setup();
    const s0 = await indexedScan({ walker, root, stateDir: state });
    const i = rowOf(s0.table.key, url('more-9'));
    const data = join(root, s0.table.files(i)[1]);
    // A real read, as httpd serving a hit does: moves atime (relatime: atime <= mtime), not ctime.
    const before = Date.now();
    await readFile(data);
    const s = await indexedScan({ walker, root, stateDir: state });
    expect(s.index.readDirs).toBe(UNVOUCHED_DIRS);
    expect(s.table.f64.dataAtime[rowOf(s.table.key, url('more-9'))]).toBeGreaterThanOrEqual(before - 10);
  });

  test.each([
    ['truncated', async (p: string) => truncate(p, 100), 'truncated'],
    ['cut short by a few bytes', async (p: string) => { const b = await readFile(p); await writeFile(p, b.subarray(0, b.length - 8)); }, 'truncated'],
    ['from an older version', async (p: string) => { const b = await readFile(p); b[5] = 0; await writeFile(p, b); }, 'index version 0'],
    ['garbage', async (p: string) => writeFile(p, 'hello'), 'not a cachectl index'],
    ['bit-flipped', async (p: string) => { const b = await readFile(p); b[b.length - 3] ^= 0xff; await writeFile(p, b); }, 'checksum'],
  ])('an index that is %s is rebuilt, never trusted', async (_name, damage, reason) => {
    const { root, state } = await setup();
    await indexedScan({ walker, root, stateDir: state });
    await damage(indexPath(state, root));
    const s = await indexedScan({ walker, root, stateDir: state });
    expect(s.index.used).toBe(false);
    expect(s.index.reason).toContain(reason);
    expect(view(s)).toEqual(view(await scan({ root, walker })));
    expect((await indexedScan({ walker, root, stateDir: state })).index.used).toBe(true); // rebuilt
  });

  test('--full ignores the index; a replaced root directory invalidates it', async () => {
    const { root, state } = await setup();
    await indexedScan({ walker, root, stateDir: state });
    expect((await indexedScan({ walker, root, stateDir: state, full: true })).index).toMatchObject({ used: false, reason: '--full' });
    const other = await tempDir();
    await writeEntry(other, { key: url('x'), body: 10, fetchedAt: Date.now() }, L);
    const s = await indexedScan({ walker, root: other, stateDir: state });
    expect(s.index.used).toBe(false);
    expect(valuesOf(s.table.key).filter((k, i) => k && s.table.kind[i] === Kind.Entry)).toEqual([url('x')]);
  });

  // native/verify.c stats a directory none of whose files it checks from its parent
  // (stat_rel) instead of opening it: a symlink put in its place must still not be followed.
  test.each([['file times', false], ['an access log', true]] as const)('a directory swapped for a symlink is not followed (recency from %s)', async (_r, withLog) => {
    const { root, state } = await setup();
    const log = join(await tempDir('cachectl-log-'), 'access.log');
    await writeFile(log, '');
    const accessLogs = withLog ? [log] : undefined;
    await indexedScan({ walker, root, stateDir: state, accessLogs });
    const [header] = await writeEntry(root, { key: url('moved-away'), body: 77, fetchedAt: Date.now() }, L);
    await indexedScan({ walker, root, stateDir: state, accessLogs });
    const leaf = dirname(header);
    const outside = join(await tempDir('cachectl-outside-'), 'leaf');
    await rename(leaf, outside);
    await symlink(outside, leaf);
    const s = await indexedScan({ walker, root, stateDir: state, accessLogs });
    expect(valuesOf(s.table.key)).not.toContain(url('moved-away'));
    expect(view(s).rows).toEqual(view(await scan({ root, walker })).rows);
  });
});
