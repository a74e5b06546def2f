import { createHash } from 'node:crypto';
import { mkdir, writeFile, utimes } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { writeEntry, writeTemp } from '../../src/core/sample/writeEntry.js';

/**
 * An ebuild repository written in the exact Manifest format (GLEP 74: `DIST name size
 * BLAKE2B <hex> SHA512 <hex>`, thin Manifests with DIST lines only, a few thick ones
 * with EBUILD/AUX/MISC lines), a gzip'ed `metadata/Manifest.gz` that must be ignored, and
 * a byte-exact mod_cache_disk tree whose distfile URLs use both mirror layouts (flat
 * `/distfiles/NAME` and GLEP 75's `/distfiles/XX/NAME`).
 */

export const DAY = 86400e3;
export const HOST = 'http://mirror.example:80';
/** GENTOO_MIRRORS="http://mirror.example/gentoo-distfiles": Portage appends /distfiles/. */
export const BASE = `${HOST}/gentoo-distfiles/distfiles`;

/** GLEP 75 `filename-hash BLAKE2B 8`: the first two hex digits of BLAKE2B-512 of the name. */
export const hashedDir = (name: string) => createHash('blake2b512').update(name).digest('hex').slice(0, 2);
export const flatUrl = (name: string) => `${BASE}/${name}?`;
export const hashedUrl = (name: string) => `${BASE}/${hashedDir(name)}/${name}?`;

/** Deterministic contents of a distfile of `size` bytes (what the DIST line hashes). */
export function distBody(name: string, size: number): Buffer {
  const b = Buffer.alloc(size);
  const seed = createHash('sha256').update(name).digest();
  for (let i = 0; i < size; i++) b[i] = seed[i % 32] ^ (i * 31);
  return b;
}

export function distLine(name: string, size: number, body = distBody(name, size)): string {
  const blake = createHash('blake2b512').update(body).digest('hex');
  const sha = createHash('sha512').update(body).digest('hex');
  return `DIST ${name} ${size} BLAKE2B ${blake} SHA512 ${sha}`;
}

const fileLine = (kind: string, name: string, text: string) => {
  const b = Buffer.from(text);
  return `${kind} ${name} ${b.length} BLAKE2B ${createHash('blake2b512').update(b).digest('hex')} SHA512 ${createHash('sha512').update(b).digest('hex')}`;
};

export interface PackageSpec { cp: string; dist: [string, number][]; thick?: boolean; extra?: string[] }

/** The fixture repository's packages: names and sizes the tests reason about. */
export const PACKAGES: PackageSpec[] = [
  { cp: 'app-misc/alpha', dist: [['alpha-1.0.tar.gz', 5000], ['alpha-1.1.tar.gz', 6000]] },
  { cp: 'dev-libs/beta', dist: [['beta-2.0.tar.xz', 7000]], thick: true },
  { cp: 'sys-apps/which', dist: [['which-2.23.tar.gz', 4000]] },
  // Named twice with two sizes (a re-rolled tarball): both sizes are acceptable.
  { cp: 'net-misc/gamma', dist: [['gamma-3.tar.gz', 3000], ['gamma-3.tar.gz', 3100]] },
  { cp: 'dev-libs/cxx', dist: [['c++-lib-1.0.tar.gz', 1500]], thick: true },
  // One malformed DIST line; the rest of this Manifest is used.
  { cp: 'dev-util/delta', dist: [['delta-4.tar.bz2', 2200]], extra: ['DIST broken-1.tar.gz notasize BLAKE2B 00 SHA512 00'] },
];

export async function writeRepo(repo: string, packages: PackageSpec[] = PACKAGES, opts: { timestamp?: string | null } = {}): Promise<void> {
  const put = async (rel: string, data: string | Buffer) => {
    await mkdir(dirname(join(repo, rel)), { recursive: true });
    await writeFile(join(repo, rel), data);
  };
  await put('profiles/repo_name', 'fixture\n');
  await put('metadata/layout.conf', 'masters = \nthin-manifests = true\nsign-manifests = false\n');
  if (opts.timestamp !== null) await put('metadata/timestamp.chk', `${opts.timestamp ?? 'Mon, 01 Jan 2024 00:00:00 +0000'}\n`);
  // The tree's own signed Manifest, compressed: its DIST-looking line must not count.
  await put('metadata/Manifest.gz', gzipSync(`${distLine('ghost-1.tar.gz', 100)}\nTIMESTAMP 2024-01-01T00:00:00Z\n`));
  await put('app-misc/Manifest.gz', gzipSync(`MANIFEST alpha/Manifest 100 BLAKE2B 00 SHA512 00\n${distLine('ghost-1.tar.gz', 100)}\n`));
  for (const p of packages) {
    const [, pn] = p.cp.split('/');
    const lines = p.dist.map(([n, s]) => distLine(n, s));
    if (p.thick) {
      const ebuild = `EAPI=8\nSRC_URI="mirror://gentoo/${p.dist[0][0]}"\n`;
      await put(`${p.cp}/${pn}-1.ebuild`, ebuild);
      await put(`${p.cp}/files/${pn}-fix.patch`, '--- a\n+++ b\n');
      await put(`${p.cp}/metadata.xml`, '<pkgmetadata/>\n');
      lines.push(fileLine('AUX', `${pn}-fix.patch`, '--- a\n+++ b\n'), fileLine('EBUILD', `${pn}-1.ebuild`, ebuild), fileLine('MISC', 'metadata.xml', '<pkgmetadata/>\n'));
    }
    lines.push(...(p.extra ?? []));
    await put(`${p.cp}/Manifest`, lines.join('\n') + '\n');
  }
}

export interface CacheEntrySpec { label: string; url: string; body: number | Buffer; usedDaysAgo: number; headerOnly?: boolean }

/**
 * The cache beside the fixture repository. Labels name what each entry is for the
 * tests; bodies are the distfile's bytes (or a wrong-sized copy for `mismatch`).
 */
export function cacheEntries(): CacheEntrySpec[] {
  const body = (n: string, s: number) => distBody(n, s);
  return [
    { label: 'alpha flat', url: flatUrl('alpha-1.0.tar.gz'), body: body('alpha-1.0.tar.gz', 5000), usedDaysAgo: 1 },
    { label: 'alpha hashed', url: hashedUrl('alpha-1.0.tar.gz'), body: body('alpha-1.0.tar.gz', 5000), usedDaysAgo: 2 },
    { label: 'alpha-1.1 header-only', url: hashedUrl('alpha-1.1.tar.gz'), body: 0, usedDaysAgo: 3, headerOnly: true },
    { label: 'beta truncated', url: hashedUrl('beta-2.0.tar.xz'), body: body('beta-2.0.tar.xz', 7000).subarray(0, 6500), usedDaysAgo: 4 },
    { label: 'which hashed', url: hashedUrl('which-2.23.tar.gz'), body: body('which-2.23.tar.gz', 4000), usedDaysAgo: 6 },
    { label: 'which with a query', url: `${BASE}/which-2.23.tar.gz?mirror=1`, body: body('which-2.23.tar.gz', 4000), usedDaysAgo: 7 },
    { label: 'gamma second size', url: flatUrl('gamma-3.tar.gz'), body: 3100, usedDaysAgo: 8 },
    { label: 'c++ escaped', url: `${BASE}/${hashedDir('c++-lib-1.0.tar.gz')}/c%2B%2B-lib-1.0.tar.gz?`, body: 1500, usedDaysAgo: 9 },
    { label: 'delta', url: flatUrl('delta-4.tar.bz2'), body: 2200, usedDaysAgo: 10 },
    { label: 'recent unlisted', url: flatUrl('recent-0.7.tar.gz'), body: 1800, usedDaysAgo: 5 },
    { label: 'ghost retired', url: flatUrl('ghost-1.tar.gz'), body: 100, usedDaysAgo: 40 },
    { label: 'old retired', url: flatUrl('old-0.9.tar.gz'), body: 2000, usedDaysAgo: 60 },
    { label: 'older retired', url: hashedUrl('older-0.8.tar.gz'), body: 2500, usedDaysAgo: 90 },
    { label: 'layout.conf', url: `${BASE}/layout.conf?`, body: 60, usedDaysAgo: 120 },
    { label: 'stage3', url: `${HOST}/gentoo-distfiles/releases/amd64/stage3-amd64-20240101.tar.xz?`, body: 8000, usedDaysAgo: 100 },
    { label: 'index page', url: `${HOST}/gentoo-distfiles/index.html?`, body: 700, usedDaysAgo: 20 },
  ];
}

/** Writes the cache (plus one old temp file: dead weight) and returns label -> URL. */
export async function writeCache(root: string, now: number, entries = cacheEntries()): Promise<Map<string, string>> {
  for (const e of entries) {
    const at = now - e.usedDaysAgo * DAY;
    await writeEntry(root, { key: e.url, body: e.body, fetchedAt: at, accessedAt: at, headerOnly: e.headerOnly });
  }
  await writeTemp(root, 'Ab12Cd', 900, now - 2 * DAY);
  return new Map(entries.map((e) => [e.label, e.url]));
}

/** Sets a file's times (a repository file the tests change). */
export const touch = (p: string, ms: number) => utimes(p, ms / 1000, ms / 1000);
