import { describe, expect, test } from 'vitest';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '../../src/core/gentoo/manifest.js';
import { DistfileSizes } from '../../src/core/gentoo/distSizes.js';
import { loadManifests } from '../../src/core/gentoo/loadManifests.js';
import { UsageError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';
import { distLine, PACKAGES, writeRepo } from './fixture.js';

const collect = (text: string) => {
  const dist: [string, number][] = [];
  const bad = parseManifest(text, (n, s) => dist.push([n, s]));
  return { dist, bad };
};

/** A Log that keeps its warnings. */
const warnings = () => {
  const lines: string[] = [];
  return { lines, log: { info() {}, warn: (m: string) => void lines.push(m) } };
};

describe('Manifest lines', () => {
  test('only DIST lines count; EBUILD, AUX, MISC and the rest are ignored', () => {
    const text = [
      distLine('foo-1.tar.gz', 1234),
      'EBUILD foo-1.ebuild 512 BLAKE2B aa SHA512 bb',
      'AUX foo.patch 99 BLAKE2B aa SHA512 bb',
      'MISC metadata.xml 77 BLAKE2B aa SHA512 bb',
      'DISTX not-dist 1',
      'TIMESTAMP 2024-01-01T00:00:00Z',
      '',
      `DIST\tbar-2.tar.xz\t99\tBLAKE2B\tab\tSHA512\tcd\r`,
    ].join('\n');
    expect(collect(text)).toEqual({ dist: [['foo-1.tar.gz', 1234], ['bar-2.tar.xz', 99]], bad: [] });
  });

  test('a malformed DIST line is reported by its number and the rest is used', () => {
    const text = ['DIST a.tar 10 BLAKE2B 00 SHA512 00', 'DIST b.tar ten BLAKE2B 00', 'DIST', 'DIST c.tar', 'DIST d.tar 5 BLAKE2B', 'DIST e.tar 7'].join('\n');
    expect(collect(text)).toEqual({ dist: [['a.tar', 10], ['e.tar', 7]], bad: [2, 4, 5] });
  });

  test('a name listed with two sizes accepts both, and only those', () => {
    const s = new DistfileSizes();
    s.add('g.tar', 3000); s.add('g.tar', 3100); s.add('g.tar', 3000); s.add('h.tar', 1);
    expect([s.fits('g.tar', 3000), s.fits('g.tar', 3100), s.fits('g.tar', 3050), s.fits('x', 1)]).toEqual([true, true, false, false]);
    expect(s.names).toBe(2);
    expect([...s.pairs()]).toEqual([['g.tar', 3000], ['g.tar', 3100], ['h.tar', 1]]);
  });
});

describe('loading repositories', () => {
  test('every package Manifest is read; metadata/ and Manifest.gz are not; one warning names the malformed line', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'gentoo');
    await writeRepo(repo);
    const w = warnings();
    const set = await loadManifests({ repos: [repo], log: w.log });
    expect(set.repos).toEqual([{ path: repo, manifests: PACKAGES.length, distLines: 8, malformedLines: 1, cached: false, stamp: 'timestamp.chk' }]);
    expect(set.sizes.has('ghost-1.tar.gz')).toBe(false);
    expect(set.sizes.fits('gamma-3.tar.gz', 3100)).toBe(true);
    expect(set.sizes.fits('c++-lib-1.0.tar.gz', 1500)).toBe(true);
    expect(set.sizes.has('broken-1.tar.gz')).toBe(false);
    expect(w.lines).toEqual([`1 malformed DIST line ignored (the rest of each Manifest is used): ${repo}/dev-util/delta/Manifest:2`]);
  });

  test('symlinks are never followed out of the repository', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'overlay');
    await writeRepo(repo, [{ cp: 'app-misc/own', dist: [['own-1.tar', 10]] }]);
    const outside = join(dir, 'outside');
    await writeRepo(outside, [{ cp: 'app-misc/foreign', dist: [['foreign-1.tar', 20]] }]);
    await symlink(join(outside, 'app-misc'), join(repo, 'linked-cat'));
    await mkdir(join(repo, 'app-misc/lnk'), { recursive: true });
    await symlink(join(outside, 'app-misc/foreign/Manifest'), join(repo, 'app-misc/lnk/Manifest'));
    const set = await loadManifests({ repos: [repo] });
    expect(set.sizes.has('own-1.tar')).toBe(true);
    expect(set.sizes.has('foreign-1.tar')).toBe(false);
    expect(set.repos[0].manifests).toBe(1);
  });

  test('a Funtoo meta-repo root reaches its kits; several repositories add up; a repository given twice counts once', async () => {
    const dir = await tempDir();
    const meta = join(dir, 'meta-repo');
    await writeRepo(join(meta, 'kits/core-kit'), [{ cp: 'sys-apps/a', dist: [['a-1.tar', 1]] }]);
    await writeRepo(join(meta, 'kits/media-kit'), [{ cp: 'media-libs/b', dist: [['b-1.tar', 2]] }]);
    const guru = join(dir, 'guru');
    await writeRepo(guru, [{ cp: 'x11-misc/c', dist: [['c-1.tar', 3], ['a-1.tar', 4]] }]);
    const set = await loadManifests({ repos: [meta, guru, `${guru}/`] });
    expect(set.repos.map((r) => [r.path, r.manifests])).toEqual([[meta, 2], [guru, 1]]);
    expect(['a-1.tar', 'b-1.tar', 'c-1.tar'].every((n) => set.sizes.has(n))).toBe(true);
    expect([set.sizes.fits('a-1.tar', 1), set.sizes.fits('a-1.tar', 4)]).toEqual([true, true]);
  });

  test('a missing path, a file, or a directory without Manifests: one-sentence usage errors', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    await mkdir(join(dir, 'empty/metadata'), { recursive: true });
    await writeFile(join(dir, 'empty/metadata/Manifest'), distLine('x.tar', 1));
    const err = (p: string) => loadManifests({ repos: [p] }).then(() => null, (e: unknown) => e);
    const missing = await err(join(dir, 'nope'));
    expect(missing).toBeInstanceOf(UsageError);
    expect((missing as Error).message).toBe(`--repo ${join(dir, 'nope')} does not exist`);
    expect((await err(join(dir, 'file')) as Error).message).toBe(`--repo ${join(dir, 'file')} is not a directory (give an ebuild repository, e.g. /var/db/repos/gentoo)`);
    expect((await err(join(dir, 'empty')) as Error).message).toBe(`--repo ${join(dir, 'empty')} holds no Manifest (give an ebuild repository, e.g. /var/db/repos/gentoo)`);
  });
});

describe('the copy in the state dir', () => {
  test('keyed by metadata/timestamp.chk: reused until a sync rewrites it', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'gentoo');
    const state = join(dir, 'state');
    await writeRepo(repo);
    const first = await loadManifests({ repos: [repo], stateDir: state });
    expect(first.repos[0].cached).toBe(false);
    const files = await readdir(state);
    expect(files).toEqual([expect.stringMatching(/^manifests-[0-9a-f]{16}\.json$/)]);
    // A Manifest changed without a sync is not seen: timestamp.chk is the repository's word.
    await writeFile(join(repo, 'app-misc/alpha/Manifest'), distLine('alpha-9.tar.gz', 9) + '\n');
    const again = await loadManifests({ repos: [repo], stateDir: state });
    expect(again.repos[0]).toMatchObject({ cached: true, manifests: first.repos[0].manifests, distLines: 8, malformedLines: 1 });
    expect(again.sizes.has('alpha-1.0.tar.gz')).toBe(true);
    // The malformed line is still named, from the copy.
    const w = warnings();
    await loadManifests({ repos: [repo], stateDir: state, log: w.log });
    expect(w.lines).toHaveLength(1);
    // A sync: new timestamp.chk content.
    await writeFile(join(repo, 'metadata/timestamp.chk'), 'Tue, 02 Jan 2024 00:00:00 +0000\n');
    const synced = await loadManifests({ repos: [repo], stateDir: state });
    expect(synced.repos[0].cached).toBe(false);
    expect(synced.sizes.has('alpha-9.tar.gz')).toBe(true);
    expect(synced.sizes.has('alpha-1.0.tar.gz')).toBe(false);
    expect((await loadManifests({ repos: [repo], stateDir: state })).repos[0].cached).toBe(true);
  });

  test('without timestamp.chk: the Manifests\' directories (and the Manifests) decide', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'overlay');
    const state = join(dir, 'state');
    await writeRepo(repo, PACKAGES, { timestamp: null });
    const load = () => loadManifests({ repos: [repo], stateDir: state });
    expect((await load()).repos[0]).toMatchObject({ cached: false, stamp: 'directories' });
    expect((await load()).repos[0].cached).toBe(true);
    // A Manifest edited in place.
    await writeFile(join(repo, 'sys-apps/which/Manifest'), distLine('which-2.24.tar.gz', 4100) + '\n');
    const edited = await load();
    expect(edited.repos[0].cached).toBe(false);
    expect(edited.sizes.has('which-2.24.tar.gz')).toBe(true);
    expect((await load()).repos[0].cached).toBe(true);
    // A new package in an existing category.
    await mkdir(join(repo, 'sys-apps/newpkg'));
    await writeFile(join(repo, 'sys-apps/newpkg/Manifest'), distLine('newpkg-1.tar.gz', 1) + '\n');
    const added = await load();
    expect(added.repos[0]).toMatchObject({ cached: false, manifests: PACKAGES.length + 1 });
    // A package removed.
    await rm(join(repo, 'sys-apps/newpkg'), { recursive: true });
    const removed = await load();
    expect(removed.repos[0]).toMatchObject({ cached: false, manifests: PACKAGES.length });
    expect(removed.sizes.has('newpkg-1.tar.gz')).toBe(false);
  });

  test('a repository replaced at the same path, or a copy that is not ours, is read again', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'gentoo');
    const state = join(dir, 'state');
    await writeRepo(repo);
    await loadManifests({ repos: [repo], stateDir: state });
    const [file] = await readdir(state);
    await writeFile(join(state, file), (await readFile(join(state, file), 'utf8')).replace('"version":1', '"version":0'));
    expect((await loadManifests({ repos: [repo], stateDir: state })).repos[0].cached).toBe(false);
    await writeFile(join(state, file), 'not json');
    expect((await loadManifests({ repos: [repo], stateDir: state })).repos[0].cached).toBe(false);
    await rm(repo, { recursive: true });
    await writeRepo(repo, [{ cp: 'app-misc/only', dist: [['only-1.tar', 1]] }]);
    const replaced = await loadManifests({ repos: [repo], stateDir: state });
    expect(replaced.repos[0].cached).toBe(false);
    expect(replaced.sizes.has('only-1.tar')).toBe(true);
  });

  test('a state dir that cannot be written: a warning, and the Manifests are used', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'gentoo');
    await writeRepo(repo);
    await writeFile(join(dir, 'state'), 'a file where the state dir should be');
    const w = warnings();
    const set = await loadManifests({ repos: [repo], stateDir: join(dir, 'state'), log: w.log });
    expect(set.sizes.names).toBe(7);
    expect(w.lines.filter((l) => l.startsWith('could not save the Manifests'))).toHaveLength(1);
  });
});
