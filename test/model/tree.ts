/**
 * The real side of the model test: a small mod_cache_disk tree and the primitives the
 * commands use to act on it the way httpd, logrotate, admins and backup tools do.
 * Nothing here knows about cachectl's scanner: the tree is read back with plain fs
 * calls (headers with O_NOATIME, so looking does not move the recency we test).
 */
import { constants } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, readdir, readlink, rename, rmdir, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { entryStemPath, splitHash, hashKey, variantKey, type Layout } from '../../src/core/format/key.js';
import { parseHeader, type EntryHeader } from '../../src/core/format/header.js';
import { encodeEntryHeader, encodeVaryIndex } from '../../src/core/sample/encode.js';
import { writeEntry, writeTemp, writeVaryGroup } from '../../src/core/sample/writeEntry.js';

export const HOUR = 3600e3;
export const DAY = 24 * HOUR;
export const LAYOUT: Layout = { levels: 2, length: 1 };
export const VARY_NAMES = ['Accept-Encoding'];

/**
 * Keys whose hash puts them in one of 2 x 3 leaf directories (`A|B` / `x|y|z`): a few
 * dozen entries then share a handful of directories, so a change in one directory
 * leaves others to be reused from the index (the interesting case), instead of every
 * entry sitting alone in its own directory. Found once by trying names in order.
 */
function keyPool(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const key = `http://mirror.local:80/${i % 3 === 0 ? 'releases' : 'distfiles'}/f${i}.tar.xz?`;
    const h = hashKey(key);
    if ('AB'.includes(h[0]) && 'xyz'.includes(h[1])) out.push(key);
  }
  return out;
}
const POOL = keyPool(62);
/** Plain entries: the first INITIAL are in the starting tree, the rest can be stored later. */
export const PLAIN_KEYS = POOL.slice(0, 60);
export const VARY_KEYS = POOL.slice(60);
export const INITIAL = 16;

/**
 * The starting tree: 16 entries (every 8th header-only, some expired, some hit since),
 * 2 vary groups of 2 and 3 variants, one stale temp file. Written concurrently (it is
 * most of a history's set-up time); no two writes share a file.
 */
export async function writeInitialTree(root: string, now: number): Promise<void> {
  const jobs: Promise<unknown>[] = [];
  for (let i = 0; i < INITIAL; i++) {
    const fetchedAt = now - (1 + ((i * 7) % 50)) * DAY - i * HOUR;
    jobs.push(writeEntry(root, {
      key: PLAIN_KEYS[i],
      body: i % 8 === 3 ? 0 : 200 + ((i * 1373) % 5000),
      headerOnly: i % 16 === 3,
      fetchedAt,
      maxAge: i % 3 === 0 ? DAY : i % 3 === 1 ? 400 * DAY : undefined,
      accessedAt: i % 4 === 0 ? now - (i % 5) * DAY - HOUR : undefined,
      revalidatedAt: i % 5 === 0 ? fetchedAt + DAY : undefined,
    }, LAYOUT));
  }
  const values = ['gzip', 'identity', 'br'];
  for (const [g, key] of VARY_KEYS.entries()) {
    jobs.push(writeVaryGroup(root, key, VARY_NAMES, values.slice(0, 2 + g).map((v, k) => ({
      fetchedAt: now - (3 + k + g) * DAY, body: 300 + 100 * k, maxAge: DAY, requestHeaders: { 'Accept-Encoding': v },
    })), LAYOUT));
  }
  jobs.push(writeTemp(root, 'Old123', 700, now - 8 * HOUR));
  await Promise.all(jobs);
}

// ---------------------------------------------------------------------------------------
// Reading the tree back (to resolve a command's "pick" at run time)

export interface EntryFiles {
  /** Relative paths. `data` only when the file exists. */
  header: string;
  data?: string;
  key: string;
  variant: boolean;
}
export interface TreeView {
  entries: EntryFiles[];
  /** Vary index headers (format 5) that have their `.vary` directory. */
  varyIndexes: string[];
  temps: string[];
  /** Every real directory below the root (not the root, no symlinks), sorted. */
  dirs: string[];
}

/** The first `max` bytes of a file without moving its atime (we are the file's owner or root). */
export async function readNoAtime(path: string, max = 4096): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NOATIME);
  try {
    const b = Buffer.allocUnsafe(max);
    const { bytesRead } = await fh.read(b, 0, max, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function parseAt(path: string) {
  return parseHeader(await readNoAtime(path));
}

export async function viewTree(root: string): Promise<TreeView> {
  const v: TreeView = { entries: [], varyIndexes: [], temps: [], dirs: [] };
  // Directories and headers are read concurrently (a command's latency is mostly this walk);
  // everything is sorted at the end, so the picks do not depend on the order of completion.
  async function visit(dir: string): Promise<void> {
    let ents;
    try {
      ents = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable (chmod 000 as non-root): its entries cannot be picked
    }
    const names = new Set(ents.map((e) => e.name));
    const rel = relative(root, dir);
    await Promise.all(ents.map(async (e) => {
      const p = join(dir, e.name);
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) { v.dirs.push(r); return visit(p); }
      if (!e.isFile()) return;
      if (rel === '' && /^aptmp/.test(e.name)) { v.temps.push(r); return; }
      if (!e.name.endsWith('.header')) return;
      const h = await parseAt(p).catch(() => null);
      if (h?.kind === 'entry') {
        const stem = e.name.slice(0, -'.header'.length);
        v.entries.push({ header: r, data: names.has(`${stem}.data`) ? r.replace(/\.header$/, '.data') : undefined, key: h.key, variant: r.includes('.header.vary/') });
      } else if (h?.kind === 'vary' && names.has(`${e.name}.vary`)) {
        v.varyIndexes.push(r);
      }
    }));
  }
  await visit(root);
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  v.entries.sort((a, b) => byPath(a.header, b.header));
  v.varyIndexes.sort(byPath);
  v.temps.sort(byPath);
  v.dirs.sort(byPath);
  return v;
}

export const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);

/**
 * Whether every directory from the root down to `rel` (inclusive) is a real directory or
 * missing. httpd's mkdir would fail on a file there, and a symlink must never be written
 * through: the harness writes only inside its temp dirs.
 */
export async function realDirsOrMissing(root: string, rel: string): Promise<boolean> {
  let p = root;
  for (const part of rel.split('/').filter(Boolean)) {
    p = join(p, part);
    const st = await lstat(p).catch(() => null);
    if (st === null) return true;
    if (!st.isDirectory()) return false;
  }
  return true;
}

/** Removes empty directories upwards from `rel` (not the root), as httpd's remove_url does. */
export async function rmdirUp(root: string, rel: string): Promise<void> {
  for (let d = rel; d !== '.' && d !== ''; d = dirname(d)) {
    try { await rmdir(join(root, d)); } catch { return; }
  }
}

// ---------------------------------------------------------------------------------------
// httpd's write path (mod_cache_disk.c): body and header go to CacheRoot/aptmpXXXXXX,
// then are renamed into place, header first.

export interface StoreSpec {
  key: string;
  /** Where the pair goes, relative to root, without extension. */
  stem: string;
  body: number;
  now: number;
  /** Variants: the response carries the Vary header. */
  vary?: boolean;
  requestHeaders?: Record<string, string>;
  extraResponse?: Record<string, string>;
  expire?: number;
}

const us = (ms: number) => Math.round(ms * 1000);

export function headerBytes(s: StoreSpec, inode: bigint, device: bigint): Buffer {
  return encodeEntryHeader({
    key: s.key, date: Math.floor(s.now / 1000) * 1e6, expire: us(s.expire ?? s.now + DAY),
    requestTime: us(s.now) - 1500, responseTime: us(s.now), inode, device, hasBody: s.body > 0,
    responseHeaders: { 'Content-Length': String(s.body), ...(s.vary ? { Vary: VARY_NAMES.join(', ') } : {}), ...s.extraResponse },
    requestHeaders: { Host: 'mirror.local', 'User-Agent': 'Wget/1.21', ...s.requestHeaders },
  });
}

export async function httpdStore(root: string, s: StoreSpec, tmpName: () => string): Promise<void> {
  const base = join(root, s.stem);
  await mkdir(dirname(base), { recursive: true, mode: 0o700 });
  let ino = 0n, dev = 0n;
  let bodyTmp: string | undefined;
  if (s.body > 0) {
    bodyTmp = join(root, tmpName());
    await writeFile(bodyTmp, Buffer.alloc(s.body, s.key.length & 0xff));
    const st = await stat(bodyTmp, { bigint: true });
    ino = st.ino; dev = st.dev;
  }
  const hdrTmp = join(root, tmpName());
  await writeFile(hdrTmp, headerBytes(s, ino, dev));
  await rename(hdrTmp, `${base}.header`);
  if (bodyTmp) await rename(bodyTmp, `${base}.data`);
  // An empty response stores no body: a body left from before is removed (httpd does so on a HEAD that changed).
  else await unlink(`${base}.data`).catch(() => {});
}

/** A new variant of a vary group, then the index rewritten by temp + rename (httpd's order). */
export async function storeVariant(root: string, indexRel: string, baseKey: string, value: string | null, body: number, now: number, tmpName: () => string): Promise<string> {
  const reqH: Record<string, string> = value === null ? {} : { 'Accept-Encoding': value };
  const { dirs, stem } = splitHash(hashKey(variantKey(baseKey, VARY_NAMES, reqH)), LAYOUT);
  const rel = `${indexRel}.vary/${[...dirs, stem].join('/')}`;
  if (!(await realDirsOrMissing(root, dirname(rel)))) return '';
  await httpdStore(root, { key: baseKey, stem: rel, body, now, vary: true, requestHeaders: reqH }, tmpName);
  const idxTmp = join(root, tmpName());
  await writeFile(idxTmp, encodeVaryIndex(us(now + DAY), VARY_NAMES));
  await rename(idxTmp, join(root, indexRel));
  return rel;
}

/** The stem (relative, no extension) of a plain key. */
export const stemOf = (key: string) => entryStemPath(key, LAYOUT);

// ---------------------------------------------------------------------------------------
// `cp -a SRC DST` as GNU cp does it onto an existing tree: files that exist are rewritten
// in place (O_TRUNC: same inode), new ones created; mode, owner and times copied after the
// content, a directory's after its children. Not node's fs.cp: with preserveTimestamps it
// leaves directory times alone, and it reads the source without O_NOATIME, so copying the
// live cache would move its access times (a hit nobody made) before copying them.

export async function cpA(src: string, dst: string): Promise<void> {
  const st = await lstat(src);
  if (st.isSymbolicLink()) {
    await symlink(await readlink(src), dst).catch(() => {});
    return;
  }
  if (st.isDirectory()) {
    const d = await lstat(dst).catch(() => null);
    if (d && !d.isDirectory()) return; // cp -a refuses to put a directory over a file
    if (!d) await mkdir(dst, { mode: st.mode & 0o7777 });
    for (const name of (await readdir(src)).sort()) await cpA(join(src, name), join(dst, name));
  } else if (st.isFile()) {
    const d = await lstat(dst).catch(() => null);
    if (d && !d.isFile()) return;
    const content = await readNoAtime(src, Math.max(1, st.size));
    const fh = await open(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, st.mode & 0o7777);
    try { await fh.write(content, 0, content.length, 0); } finally { await fh.close(); }
  } else {
    return;
  }
  if (process.getuid?.() === 0) await chown(dst, st.uid, st.gid);
  await chmod(dst, st.mode & 0o7777);
  await utimes(dst, st.atimeMs / 1000, st.mtimeMs / 1000);
}

export type { EntryHeader };
export { writeTemp };
