import { mkdir, writeFile, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeEntry, writeTemp, writeVaryGroup, setTimes } from '../../src/core/sample/writeEntry.js';
import { entryStemPath, type Layout } from '../../src/core/format/key.js';
import { encodeEntryHeader } from '../../src/core/sample/encode.js';

export const HOUR = 3600e3;
export const DAY = 24 * HOUR;
export const url = (name: string) => `http://mirror.local:80/gentoo-distfiles/${name}?`;

/**
 * One of every kind of file a real cache holds, at known ages relative to `now`.
 * Returns what a correct reader must find.
 */
export async function writeEveryKind(root: string, now: number, layout: Layout = { levels: 2, length: 1 }) {
  const entries: string[] = [];
  for (let i = 0; i < 6; i++) {
    const key = url(`pkg-${i}.tar.xz`);
    await writeEntry(root, { key, body: 1000 * (i + 1), fetchedAt: now - (10 + i) * DAY, accessedAt: now - i * DAY, maxAge: DAY }, layout);
    entries.push(key);
  }
  const headOnly = url('head-only');
  await writeEntry(root, { key: headOnly, body: 0, fetchedAt: now - 2 * DAY, headerOnly: true }, layout);
  entries.push(headOnly);
  const varyKey = url('vary.tar.gz');
  await writeVaryGroup(root, varyKey, ['Accept-Encoding'], [
    { fetchedAt: now - DAY, body: 300, requestHeaders: { 'Accept-Encoding': 'gzip' } },
    { fetchedAt: now - DAY, body: 400, requestHeaders: { 'Accept-Encoding': 'identity' } },
  ], layout);
  entries.push(varyKey, varyKey);
  // Dead weight.
  const oldTemp = await writeTemp(root, 'Old123', 500, now - 8 * HOUR);
  const newTemp = await writeTemp(root, 'New456', 500, now - 10 * 60e3);
  const orphanData = join(root, `${entryStemPath(url('orphan'), layout)}.data`);
  await mkdir(dirname(orphanData), { recursive: true });
  await writeFile(orphanData, Buffer.alloc(700));
  await setTimes(orphanData, now - 3 * HOUR, now - 3 * HOUR);
  const [bodyless] = await writeEntry(root, { key: url('missing-body'), body: 900, fetchedAt: now - 5 * DAY }, layout);
  const { unlink } = await import('node:fs/promises');
  await unlink(bodyless.replace(/\.header$/, '.data'));
  const [mmHeader, mmData] = await writeEntry(root, { key: url('restored'), body: 800, fetchedAt: now - 4 * DAY }, layout);
  await writeFile(`${mmData}.tmp`, Buffer.alloc(800));
  const { rename } = await import('node:fs/promises');
  await rename(`${mmData}.tmp`, mmData);
  await setTimes(mmData, now - 4 * DAY, now - 4 * DAY);
  await setTimes(mmHeader, now - 4 * DAY, now - 4 * DAY);
  const truncated = join(root, `${entryStemPath(url('truncated'), layout)}.header`);
  await mkdir(dirname(truncated), { recursive: true });
  await writeFile(truncated, encodeEntryHeader({ key: url('truncated'), date: 0, expire: 0, requestTime: 0, responseTime: 0, inode: 0n, device: 0n, hasBody: false }).subarray(0, 90));
  await setTimes(truncated, now - 2 * HOUR, now - 2 * HOUR);
  // Foreign files and a symlink to a directory outside the root.
  await writeFile(join(root, 'README.txt'), 'not a cache file');
  await writeFile(join(root, 'x.header.bak'), 'backup');
  return { entries, oldTemp, newTemp, orphanData, bodyless, mmHeader, truncated };
}

export async function linkOutside(root: string, outside: string): Promise<void> {
  await mkdir(outside, { recursive: true });
  await writeEntry(outside, { key: url('outside'), body: 100, fetchedAt: Date.now() - 100 * DAY });
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'nothing.header'), join(root, 'dangling.header'));
}
