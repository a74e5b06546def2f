import { writeFile, mkdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { writeEntry, writeTemp, writeVaryGroup, setTimes } from './writeEntry.js';
import { entryStemPath, type Layout } from '../format/key.js';

const DAY = 86400e3;
const PACKAGES = ['firefox', 'chromium', 'gcc', 'llvm', 'rust', 'linux', 'qtwebengine', 'libreoffice', 'boost', 'glibc', 'openssl', 'python', 'perl', 'go', 'nodejs', 'binutils', 'mesa', 'ffmpeg', 'openjdk', 'texlive'];

/** A small deterministic PRNG so the sample is the same on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export interface SampleOptions {
  now: number;
  entries?: number;
  layout?: Layout;
  host?: string;
}

/**
 * A Gentoo distfiles mirror cache as the seed tutorial's proxy fills it: mixed sizes,
 * last accesses spread over three months, expiry capped at one day by httpd, one Vary
 * group, header-only entries, and the dead weight httpd leaves (a temp file from a
 * killed child, an orphaned body, a restored entry whose inode no longer matches).
 */
export async function writeSampleCache(root: string, o: SampleOptions): Promise<{ entries: number }> {
  const rand = rng(42);
  const layout = o.layout ?? { levels: 2, length: 1 };
  const host = o.host ?? 'http://distfiles.local:80';
  const count = o.entries ?? 120;
  for (let i = 0; i < count; i++) {
    const pkg = PACKAGES[i % PACKAGES.length];
    const fetchedAt = o.now - rand() * 90 * DAY;
    const accessedAt = fetchedAt + rand() * (o.now - fetchedAt);
    const size = Math.floor(2 ** (10 + rand() * 11)); // 1 KiB .. 2 MiB, log-uniform
    await writeEntry(root, {
      key: `${host}/gentoo-distfiles/distfiles/${pkg}-${100 + i}.${i % 3 ? 'tar.xz' : 'tar.gz'}?`,
      body: size, fetchedAt, accessedAt, maxAge: DAY,
    }, layout);
  }
  await writeEntry(root, { key: `${host}/gentoo-distfiles/distfiles/layout.conf?`, body: 0, fetchedAt: o.now - 2 * DAY, headerOnly: true }, layout);
  await writeVaryGroup(root, `${host}/gentoo-distfiles/metadata/timestamp.chk?`, ['Accept-Encoding'], [
    { fetchedAt: o.now - 3600e3, body: 30, maxAge: DAY, requestHeaders: { 'Accept-Encoding': 'gzip' } },
    { fetchedAt: o.now - 7200e3, body: 30, maxAge: DAY, requestHeaders: { 'Accept-Encoding': 'identity' } },
  ], layout);
  await writeTemp(root, 'Xk3P9q', 256 * 1024, o.now - 9 * 3600e3);
  // An orphaned body (its header went missing) and a restored entry with a stale inode.
  const orphan = join(root, `${entryStemPath(`${host}/gentoo-distfiles/distfiles/orphan-1.tar.xz?`, layout)}.data`);
  await mkdir(dirname(orphan), { recursive: true });
  await writeFile(orphan, Buffer.alloc(64 * 1024, 1));
  await setTimes(orphan, o.now - 3 * DAY, o.now - 3 * DAY);
  const [hdr, data] = await writeEntry(root, { key: `${host}/gentoo-distfiles/distfiles/restored-1.tar.xz?`, body: 128 * 1024, fetchedAt: o.now - 5 * DAY }, layout);
  const body = Buffer.alloc(128 * 1024, 2);
  await writeFile(`${data}.new`, body);
  const { rename } = await import('node:fs/promises');
  await rename(`${data}.new`, data); // new inode: the header's stored inode no longer matches
  await setTimes(data, o.now - 5 * DAY, o.now - 5 * DAY);
  await setTimes(hdr, o.now - 5 * DAY, o.now - 5 * DAY);
  return { entries: count + 3 };
}
