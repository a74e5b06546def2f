import { describe, expect, test } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { needNative } from '../helpers/tools.js';
import { linkOutside, url, writeEveryKind, DAY } from './fixtureTree.js';
import { scan, type Snapshot } from '../../src/core/scan/scan.js';
import { F64_COLUMNS, Kind } from '../../src/core/table/table.js';
import { decodeDir, type DecodedDir } from '../../src/core/native/decode.js';
import { encodeReadDirs, forEachSegment } from '../../src/core/native/abi.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { runCachectl } from '../helpers/cli.js';

const { binding: native, reason } = needNative();

/** One directory read alone (readDirs: one segment), decoded, and the answer's length. */
function readDir(path: string, dev: number, ino: number, readHeaders: boolean): Promise<DecodedDir & { answerBytes: number }> {
  return new Promise((resolve) => native!.readDirs(encodeReadDirs([{ abs: path, dev, ino }]), readHeaders, false, (buf) => {
    forEachSegment(buf, (_rel, pack) => resolve({ ...decodeDir(pack), answerBytes: buf.length }));
  }));
}

/** Every row as plain data, in a stable order (readers list directories in different orders). */
function rows(s: Snapshot): string[] {
  const t = s.table;
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const cols = F64_COLUMNS.map((c) => `${c}=${t.f64[c][i]}`).join(' ');
    out.push(`${t.dirs[t.dir[i]]}/${t.name.get(i)} kind=${t.kind[i]} reason=${t.reason[i]} flags=${t.flags[i]} status=${t.status[i]} key=${t.key.get(i)} ${cols}`);
  }
  return out.sort();
}

describe.skipIf(!native)(`the native reader (${reason})`, () => {
  test('finds exactly what the portable walker finds, column for column', async () => {
    const root = await tempDir();
    const now = Date.now();
    await writeEveryKind(root, now);
    await linkOutside(root, await tempDir());
    const a = await scan({ root, walker: 'portable', now });
    const b = await scan({ root, walker: 'native', now });
    expect(rows(b)).toEqual(rows(a));
    const totals = (s: Snapshot) => [s.files, s.directories, s.dirDisk, s.others, s.vanished, { ...s.foreign, samples: [...s.foreign.samples].sort() }];
    expect(totals(b)).toEqual(totals(a));
    expect(b.errors).toEqual(a.errors);
    // The symlinks were counted as "others", never followed.
    expect(b.others).toBe(2);
  });

  test('the same in plain-files mode, where no header is read', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'a.tar.xz'), Buffer.alloc(1234));
    await writeFile(join(root, 'sub', 'b.tar.gz'), Buffer.alloc(99));
    await writeFile(join(root, 'sub', 'c.tar.gz.__download__'), Buffer.alloc(5));
    const a = await scan({ root, walker: 'portable', format: 'files' });
    const b = await scan({ root, walker: 'native', format: 'files' });
    expect(rows(b)).toEqual(rows(a));
    expect(b.table.length).toBe(3);
  });

  test('a key longer than one 4 KiB read is still read whole', async () => {
    const root = await tempDir();
    const key = url(`${'x'.repeat(6000)}.tar.xz`);
    await writeEntry(root, { key, body: 10, fetchedAt: Date.now() - DAY });
    const s = await scan({ root, walker: 'native' });
    const i = [...Array(s.table.length).keys()].find((r) => s.table.kind[r] === Kind.Entry);
    expect(i).toBeDefined();
    expect(s.table.key.get(i!)).toBe(key);
  });

  test('an entry header is packed only up to the end of its key (the header blocks are never used)', async () => {
    const dir = await tempDir();
    const key = url('pkg-1.tar.xz');
    const big = { 'X-Padding': 'p'.repeat(2000), 'Content-Type': 'application/x-xz' };
    await writeEntry(dir, { key, body: 10, fetchedAt: Date.now() - DAY, responseHeaders: big, requestHeaders: big });
    const s = await scan({ root: dir, walker: 'native' });
    const i = [...Array(s.table.length).keys()].find((r) => s.table.kind[r] === Kind.Entry)!;
    expect(s.table.key.get(i)).toBe(key);
    // The header file holds > 4000 bytes of header blocks; the packed results of its
    // directory (a tree read from the root down) stay far below that.
    const leaf = join(dir, s.table.dirs[s.table.dir[i]]);
    const packed = await readDir(leaf, -1, -1, true);
    expect(s.table.f64.hdrSize[i]).toBeGreaterThan(4000);
    expect(packed.answerBytes).toBeLessThan(120 + key.length + 1000);
    expect(packed.files.find((f) => f.name.endsWith('.header'))?.header).toMatchObject({ ok: true, header: { kind: 'entry', key } });
  });

  test('a subtree\'s result is released as soon as its callback returns, not left to the GC', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const st = lstatSync(root);
    let kept: Buffer | undefined;
    let lengthInside = 0;
    await new Promise<void>((resolve) => native!.readDirs(encodeReadDirs([{ abs: root, dev: st.dev, ino: st.ino }]), true, true, (buf: Buffer) => {
      kept = buf;
      lengthInside = buf.length;
      resolve();
    }));
    expect(lengthInside).toBeGreaterThan(1000);
    // Detached: the memory went back at once (V8 would collect it only under pressure).
    expect(kept!.length).toBe(0);
  });

  test('a directory that is not the one the parent saw (dev/inode differ) is refused, not read', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'x');
    const st = lstatSync(dir);
    expect((await readDir(dir, st.dev, st.ino, false)).status).toBe(0);
    const moved = await readDir(dir, st.dev, st.ino + 1, false);
    expect(moved.status).not.toBe(0);
    expect(moved.files).toEqual([]);
  });

  test('a symlink where a directory was is refused with ELOOP (O_NOFOLLOW), not followed', async () => {
    const base = await tempDir();
    const target = await tempDir();
    await writeFile(join(target, 'secret.header'), 'x');
    await symlink(target, join(base, 'link'));
    const d = await readDir(join(base, 'link'), -1, -1, true);
    expect(d.status).toBe(40);
    expect(d.files).toEqual([]);
  });

  test('stat fields equal node\'s own lstat, to the last bit (the index compares them)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f.data'), Buffer.alloc(5000));
    const d = await readDir(dir, -1, -1, false);
    const st = lstatSync(join(dir, 'f.data'));
    const { size, blocks, atimeMs, mtimeMs, ctimeMs, ino, dev } = st;
    expect(d.files[0].stat).toEqual({ size, blocks, atimeMs, mtimeMs, ctimeMs, ino, dev });
    // (Not the directory's atime: listing it may move that, under relatime.)
    const ds = lstatSync(dir);
    expect({ ...d.stat, atimeMs: 0 }).toEqual({ size: ds.size, blocks: ds.blocks, atimeMs: 0, mtimeMs: ds.mtimeMs, ctimeMs: ds.ctimeMs, ino: ds.ino, dev: ds.dev });
  });

  test('e2e: `report --json` is the same with CACHECTL_NATIVE=0 (the portable walker), but for the clock', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const run = async (env: NodeJS.ProcessEnv) => {
      const r = await runCachectl(['report', root, '--json', '--no-index'], { env });
      expect(r.code, r.stderr).toBe(0);
      const { scannedAt, scanMs, filesystem, foreign, reader, ...rest } = JSON.parse(r.stdout);
      expect(reader).toBe(env.CACHECTL_NATIVE === '0' ? 'portable (native reader turned off)' : 'native');
      // Foreign samples come in listing order, which differs between the readers.
      return { ...rest, filesystemSize: filesystem.size, foreign: { ...foreign, samples: foreign.samples.sort() } };
    };
    const portable = await run({ CACHECTL_NATIVE: '0' });
    expect(portable.entries).toBeGreaterThan(5);
    expect(await run({})).toEqual(portable);
  });
});
