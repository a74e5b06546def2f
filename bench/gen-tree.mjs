#!/usr/bin/env node
// Generates a mod_cache_disk tree of N entries for the benchmarks, fast: synchronous fs
// calls, one open/write/fstat/futimes/close per file, no per-file awaits.
//
//   node bench/gen-tree.mjs [--entries N] [--dir PATH] [--force]
//
// Layout: PATH/cache is the CacheRoot (CacheDirLevels 2, CacheDirLength 1 = 4096 leaf
// directories); PATH/tree.json is the marker (outside the cache, so no scanner sees
// it). An existing tree with the same marker (N, seed, generator version) is reused.
//
// Reuses the byte-exact encoder (dist/core/sample/encode.js) and httpd's key hashing
// (dist/core/format/key.js): run `npx tsc -p .` first.
import {
  closeSync, existsSync, fstatSync, futimesSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeEntryHeader, encodeVaryIndex } from '../dist/core/sample/encode.js';
import { hashKey, splitHash, variantKey } from '../dist/core/format/key.js';

/** Bump when the tree's content changes, so old trees are regenerated. */
const GEN_VERSION = 2;
const LAYOUT = { levels: 2, length: 1 };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@';
const DAY = 86400e3;
const HOST = 'http://distfiles.local:80';

export const defaultTreeDir = (entries) => `/work/bench-trees/cachectl-${entries}`;

/** Deterministic PRNG (mulberry32): the same tree on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function readMarker(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Marks a tree as modified (a real prune ran on it): the next ensureTree regenerates it. */
export function invalidateTree(dir) {
  rmSync(join(dir, 'tree.json'), { force: true });
}

/**
 * Returns the marker of a tree of `entries` entries in `dir`, generating it if needed.
 * Entries = servable units (plain entries + vary variants + header-only entries).
 */
export function ensureTree({ entries, dir = defaultTreeDir(entries), force = false, seed = 1, log = console.error }) {
  const m = readMarker(dir);
  if (!force && m && m.entries === entries && m.seed === seed && m.version === GEN_VERSION && existsSync(m.root)) {
    log(`reusing tree ${m.root} (${entries} entries, generated ${m.generatedAt})`);
    return m;
  }
  return generate({ entries, dir, seed, log });
}

function generate({ entries, dir, seed, log }) {
  const root = join(dir, 'cache');
  invalidateTree(dir);
  if (existsSync(root)) {
    log(`removing old tree ${root}`);
    rmSync(root, { recursive: true, force: true });
  }
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const t0 = performance.now();
  // The 64 x 64 leaf directories up front: no mkdir per file.
  for (const a of ALPHABET) {
    mkdirSync(join(root, a), { mode: 0o700 });
    for (const b of ALPHABET) mkdirSync(join(root, a, b), { mode: 0o700 });
  }

  const rand = rng(seed);
  const now = Date.now();
  const bodyPool = Buffer.alloc(4096);
  for (let i = 0; i < bodyPool.length; i++) bodyPool[i] = (i * 131 + 7) & 0xff;
  const stats = { entries: 0, plain: 0, variants: 0, varyGroups: 0, headerOnly: 0, expired: 0, files: 0, bytes: 0, headerBytes: 0, dataBytes: 0 };

  /** Writes one file in one open/write/(fstat)/futimes/close; returns the bigint stat if asked. */
  const writeFile = (path, buf, atimeMs, mtimeMs, wantStat) => {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, buf, 0, buf.length);
      const st = wantStat ? fstatSync(fd, { bigint: true }) : null;
      futimesSync(fd, atimeMs / 1000, mtimeMs / 1000);
      return st;
    } finally {
      closeSync(fd);
    }
  };

  /** One header(+data) pair at base (absolute, no extension). */
  const writePair = (base, key, { bodyLen, fetchedAt, accessedAt, revalidatedAt, expire, vary }) => {
    let inode = 0n;
    let device = 0n;
    if (bodyLen > 0) {
      const st = writeFile(`${base}.data`, bodyPool.subarray(0, bodyLen), accessedAt, fetchedAt, true);
      inode = st.ino;
      device = st.dev;
      stats.files++;
      stats.dataBytes += bodyLen;
    }
    const fetchedUs = Math.round(fetchedAt * 1000);
    const date = new Date(Math.floor(fetchedAt / 1000) * 1000).toUTCString();
    const responseHeaders = {
      Date: date,
      'Last-Modified': new Date(fetchedAt - 30 * DAY).toUTCString(),
      ETag: `"${(bodyLen * 2654435761 >>> 0).toString(16)}-${bodyLen.toString(16)}"`,
      'Accept-Ranges': 'bytes',
      'Content-Length': String(bodyLen),
      'Content-Type': key.includes('.tar.xz') ? 'application/x-xz' : 'application/octet-stream',
      ...(vary ? { Vary: 'Accept-Encoding' } : {}),
    };
    const requestHeaders = { Host: 'distfiles.local', 'User-Agent': 'Wget/1.21.4', Accept: '*/*', ...(vary ? { 'Accept-Encoding': vary } : {}) };
    const header = encodeEntryHeader({
      key, date: Math.floor(fetchedAt / 1000) * 1_000_000, expire,
      requestTime: fetchedUs - 1500, responseTime: fetchedUs, inode, device,
      hasBody: bodyLen > 0, headerOnly: false, responseHeaders, requestHeaders,
    });
    writeFile(`${base}.header`, header, revalidatedAt, revalidatedAt, false);
    stats.files++;
    stats.headerBytes += header.length;
    stats.entries++;
  };

  /** Times and expiry of one unit: fetched over the last 60 days, ~10% expired. */
  const times = () => {
    const fetchedAt = Math.round(now - 60_000 - rand() * 60 * DAY);
    const accessedAt = Math.round(fetchedAt + rand() * (now - 60_000 - fetchedAt));
    const revalidatedAt = rand() < 0.2 ? Math.round(fetchedAt + rand() * (now - 60_000 - fetchedAt)) : fetchedAt;
    // Distfiles are immutable: most carry a long max-age; some were capped at a day.
    const expired = rand() < 0.1;
    const expire = expired ? Math.round((fetchedAt + DAY) * 1000) : Math.round((now + 365 * DAY) * 1000);
    if (expired) stats.expired++;
    return { fetchedAt, accessedAt, revalidatedAt, expire };
  };
  const bodyLen = () => 512 + Math.floor(rand() * 3585); // 0.5 .. 4 KiB
  const basePath = (hash) => {
    const { dirs, stem } = splitHash(hash, LAYOUT);
    return { dirs, stem };
  };

  let i = 0;
  let lastLog = t0;
  while (stats.entries < entries) {
    i++;
    const ext = i % 3 ? 'tar.xz' : 'tar.gz';
    const key = `${HOST}/gentoo-distfiles/distfiles/pkg-${i}.${ext}?`;
    const { dirs, stem } = basePath(hashKey(key));
    const base = join(root, ...dirs, stem);
    const r = rand();
    if (r < 0.025 && entries - stats.entries >= 2) {
      // A Vary group: format 5 index + two variants (~5% of all entries).
      const t = times();
      const varyDir = `${base}.header.vary`;
      let lastExpire = 0;
      for (const enc of ['gzip', 'identity']) {
        const vkey = variantKey(key, ['Accept-Encoding'], { 'Accept-Encoding': enc });
        const v = basePath(hashKey(vkey));
        const vdir = join(varyDir, ...v.dirs);
        mkdirSync(vdir, { recursive: true, mode: 0o700 });
        const vt = times();
        writePair(join(vdir, v.stem), key, { ...vt, bodyLen: bodyLen(), vary: enc });
        lastExpire = vt.expire;
        stats.variants++;
      }
      writeFile(`${base}.header`, encodeVaryIndex(lastExpire, ['Accept-Encoding']), t.fetchedAt, t.fetchedAt, false);
      stats.files++;
      stats.varyGroups++;
    } else if (r < 0.045) {
      // Header-only entry (empty body: no .data), ~2%.
      writePair(base, key, { ...times(), bodyLen: 0 });
      stats.headerOnly++;
    } else {
      writePair(base, key, { ...times(), bodyLen: bodyLen() });
      stats.plain++;
    }
    if ((stats.entries & 0x3fff) === 0 && performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  ${stats.entries}/${entries} entries, ${((lastLog - t0) / 1000).toFixed(0)} s`);
    }
  }
  stats.bytes = stats.headerBytes + stats.dataBytes;
  const genSeconds = (performance.now() - t0) / 1000;
  const marker = {
    version: GEN_VERSION, seed, entries, root, layout: LAYOUT,
    generatedAt: new Date(now).toISOString(), genSeconds: Math.round(genSeconds * 10) / 10,
    ...stats,
  };
  writeFileSync(join(dir, 'tree.json'), JSON.stringify(marker, null, 2) + '\n');
  log(`generated ${entries} entries (${stats.files} files, ${(stats.bytes / 2 ** 20).toFixed(0)} MiB apparent) in ${root} in ${genSeconds.toFixed(1)} s`);
  return marker;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string', default: '100000' },
      dir: { type: 'string' },
      force: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
    },
  });
  const entries = Number(values.entries);
  if (!Number.isInteger(entries) || entries < 1) throw new Error(`bad --entries ${values.entries}`);
  const m = ensureTree({ entries, dir: values.dir ?? defaultTreeDir(entries), force: values.force, seed: Number(values.seed) });
  process.stdout.write(JSON.stringify(m, null, 2) + '\n');
}
