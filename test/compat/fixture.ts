import { copyFile, mkdir, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { entryStemPath, type Layout } from '../../src/core/format/key.js';
import { setTimes, writeEntry, writeTemp, writeVaryGroup } from '../../src/core/sample/writeEntry.js';

export const LAYOUT: Layout = { levels: 2, length: 1 };
export const HOST = 'http://127.0.0.1:18080';
export const key = (path: string) => `${HOST}${path}?`;
const H = 3600e3;

export interface FixtureOptions {
  /** Plain entries (bodies of 1-4 KiB, one 1.5 MiB with `big`). */
  readonly entries?: number;
  /** Add every kind of dead weight and oddity htcacheclean treats specially. */
  readonly messy?: boolean;
  readonly big?: boolean;
}

/**
 * A mod_cache_disk tree written byte-exactly (layout 2/1). Deterministic for a given
 * `now`: two calls give the same names and contents (not the same inodes, which the
 * headers record, so copies must be written, not `cp`-ed).
 */
export async function buildCache(root: string, now: number, o: FixtureOptions = {}): Promise<{ keys: string[] }> {
  const keys: string[] = [];
  const n = o.entries ?? 24;
  for (let i = 0; i < n; i++) {
    const k = key(`/gentoo-distfiles/pkg-${i}.tar.xz`);
    keys.push(k);
    await writeEntry(root, {
      key: k, body: 1024 + ((i * 733) % 3000), fetchedAt: now - (n - i + 2) * H,
      accessedAt: now - ((i * 7) % n) * 60e3, maxAge: i % 5 === 0 ? 3600e3 : 86400e3 * 30,
    }, LAYOUT);
  }
  if (o.big) {
    keys.push(key('/gentoo-distfiles/big.iso'));
    await writeEntry(root, { key: key('/gentoo-distfiles/big.iso'), body: 1536 * 1024, fetchedAt: now - 30 * H }, LAYOUT);
  }
  await writeEntry(root, { key: key('/head-only'), body: 0, headerOnly: true, fetchedAt: now - 5 * H }, LAYOUT);
  await writeVaryGroup(root, key('/vary/app.js'), ['Accept-Encoding'], ['gzip', 'identity', 'br'].map((ae, i) => ({
    body: 800 + i * 100, fetchedAt: now - (4 - i) * H, maxAge: 86400e3 * 30, requestHeaders: { 'Accept-Encoding': ae },
  })), LAYOUT);
  keys.push(key('/head-only'), key('/vary/app.js'));
  if (o.messy) await addMess(root, now);
  return { keys };
}

const stem = (root: string, path: string) => join(root, entryStemPath(key(path), LAYOUT));

/** Every special case of htcacheclean's walk (reference §2.2), one of each. */
async function addMess(root: string, now: number): Promise<void> {
  // A Vary group whose index expiry has passed: htcacheclean deletes the index (bug 53767).
  await writeVaryGroup(root, key('/vary/stale.css'), ['Accept-Encoding'], [
    { body: 300, fetchedAt: now - 50 * H, maxAge: 3600e3, requestHeaders: { 'Accept-Encoding': 'gzip' } },
  ], LAYOUT);
  // A body next to a body-less header: listed, counted, never removed by htcacheclean.
  await writeEntry(root, { key: key('/stray'), body: 0, fetchedAt: now - 6 * H }, LAYOUT);
  await writeFile(`${stem(root, '/stray')}.data`, Buffer.alloc(5000));
  // A body copied over (new inode): httpd ignores it, -a hides it, the cleaner counts it.
  await writeEntry(root, { key: key('/copied'), body: 2000, fetchedAt: now - 7 * H }, LAYOUT);
  const copied = `${stem(root, '/copied')}.data`;
  await copyFile(copied, `${copied}.tmp`);
  await rename(`${copied}.tmp`, copied);
  // has_body but the body is gone: an entry to the cleaner, not to -a.
  await writeEntry(root, { key: key('/lost-body'), body: 1500, fetchedAt: now - 8 * H }, LAYOUT);
  await unlink(`${stem(root, '/lost-body')}.data`);
  // Unknown format (httpd 2.2's DISK_FORMAT 4) with a body: deleted by htcacheclean's walk.
  const old = stem(root, '/format4');
  await mkdir(join(old, '..'), { recursive: true });
  await writeFile(`${old}.header`, Buffer.from([4, 0, 0, 0, ...Buffer.alloc(60)]));
  await writeFile(`${old}.data`, Buffer.alloc(700));
  // A truncated header 2 h old, with its body: deleted and counted as unsolicited.
  const cut = stem(root, '/truncated');
  await mkdir(join(cut, '..'), { recursive: true });
  await writeFile(`${cut}.header`, Buffer.from([6, 0, 0, 0, ...Buffer.alloc(40)]));
  await writeFile(`${cut}.data`, Buffer.alloc(900));
  await setTimes(`${cut}.header`, now - 2 * H, now - 2 * H);
  // Lone bodies: one 2 h old (deleted), one a minute old (maybe in flight: kept).
  for (const [p, age] of [['/orphan-old', 2 * H], ['/orphan-new', 60e3]] as const) {
    const s = stem(root, p);
    await mkdir(join(s, '..'), { recursive: true });
    await writeFile(`${s}.data`, Buffer.alloc(1200));
    await setTimes(`${s}.data`, now - age, now - age);
  }
  // A vary index without its .vary directory.
  await writeVaryGroup(root, key('/vary/gone'), ['Accept-Encoding'], [
    { body: 100, fetchedAt: now - 3 * H, maxAge: 86400e3 * 30, requestHeaders: { 'Accept-Encoding': 'gzip' } },
  ], LAYOUT);
  await new Promise<void>((res, rej) => execFile('rm', ['-rf', `${stem(root, '/vary/gone')}.header.vary`], (e) => (e ? rej(e) : res())));
  // In-flight temp files, foreign files, an empty directory, a symlink out of the tree.
  await writeTemp(root, 'Xy12Ab', 4096, now - 10e3);
  await writeTemp(root, 'Old999', 2048, now - 30 * H);
  await writeFile(join(root, 'README'), 'not part of the cache\n');
  await mkdir(join(root, 'Z', 'z'), { recursive: true });
  await mkdir(join(root, 'A'), { recursive: true });
  await writeFile(join(root, 'A', 'notes.txt'), 'foreign\n');
  await symlink('/etc/hostname', join(root, 'A', 'link.header'));
}
