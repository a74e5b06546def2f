import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { join } from 'node:path';
import fg, { type Options as GlobOptions } from 'fast-glob';
import { UsageError } from '../errors.js';
import { noopLog, type Log } from '../log.js';
import { DistfileSizes } from './distSizes.js';
import { parseManifest } from './manifest.js';
import { readCopy, writeCopy, type RepoCopy } from './manifestCache.js';
import { directoriesStamp, stampPaths, timestampStamp, type RepoStamp } from './repoStamp.js';
import type { RepoInfo } from './types.js';

/**
 * Reads the live distfile names and sizes of ebuild repositories: every `Manifest`
 * below each root, or the copy kept in the state dir while the repository has not
 * changed (repoStamp.ts).
 */
export interface LoadManifestsOptions {
  readonly repos: readonly string[];
  /** Where the copies live (the index's state dir); none: read the Manifests every time. */
  readonly stateDir?: string;
  readonly log?: Log;
}

export interface ManifestSet {
  readonly sizes: DistfileSizes;
  readonly repos: RepoInfo[];
}

/**
 * `category/package/Manifest` in a repository, `kits/<kit>/category/package/Manifest` in
 * a Funtoo meta-repo: five levels reach both. What cannot hold package Manifests is not
 * walked (metadata/ has the tree's own Manifest.gz files; files/ holds patches).
 */
const SEARCH: GlobOptions = {
  deep: 5, onlyFiles: true, followSymbolicLinks: false, dot: false, suppressErrors: false,
  ignore: ['**/metadata/**', '**/profiles/**', '**/files/**', '**/eclass/**', '**/licenses/**'],
};
/** Manifests read between two yields to the event loop (signals, timers). */
const BATCH = 512;
/** Malformed lines named in the warning (the count covers all). */
const NAMED = 5;

export async function loadManifests(o: LoadManifestsOptions): Promise<ManifestSet> {
  const log = o.log ?? noopLog;
  const sizes = new DistfileSizes();
  const repos: RepoInfo[] = [];
  const malformed: string[] = [];
  for (const given of o.repos) {
    const { path, dev, ino } = await repoRoot(given);
    if (repos.some((r) => r.path === path)) continue;
    const { copy, cached } = await repoCopy(given, path, dev, ino, o.stateDir, log);
    for (let i = 0; i < copy.dist.length; i += 2) sizes.add(copy.dist[i] as string, copy.dist[i + 1] as number);
    for (const m of copy.malformed) malformed.push(join(path, m));
    repos.push({ path, manifests: copy.manifests, distLines: copy.dist.length / 2, malformedLines: copy.malformed.length, cached, stamp: copy.stamp.kind });
  }
  if (malformed.length) {
    const named = malformed.slice(0, NAMED).join(', ');
    log.warn(`${malformed.length} malformed DIST line${malformed.length > 1 ? 's' : ''} ignored (the rest of each Manifest is used): ${named}${malformed.length > NAMED ? `, and ${malformed.length - NAMED} more` : ''}`);
  }
  return { sizes, repos };
}

/** The repository's real path, or a usage error in one sentence (the CLI checks early with it). */
export async function repoRoot(given: string): Promise<{ path: string; dev: number; ino: number }> {
  let path: string;
  try {
    path = await realpath(given);
  } catch (e) {
    throw readError(`--repo ${given}`, e);
  }
  const st = await stat(path).catch((e: unknown) => { throw readError(`--repo ${given}`, e); });
  if (!st.isDirectory()) throw new UsageError(`--repo ${given} is not a directory (give an ebuild repository, e.g. /var/db/repos/gentoo)`);
  return { path, dev: st.dev, ino: st.ino };
}

/** `what` names the path as the user knows it (`--repo DIR`, or a Manifest's path). */
function readError(what: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UsageError(`${what} does not exist`);
  if (code === 'EACCES') return new UsageError(`${what} cannot be read (permission denied; as root, cachectl reads it as the cache's owner)`);
  return new UsageError(`${what} cannot be read (${code ?? (e as Error).message})`);
}

/** The saved copy while it is current, else the Manifests read again (and the copy saved). */
async function repoCopy(given: string, repo: string, dev: number, ino: number, stateDir: string | undefined, log: Log): Promise<{ copy: RepoCopy; cached: boolean }> {
  const chk = await timestampStamp(repo);
  const saved = stateDir ? await readCopy(stateDir, repo) : null;
  if (saved && saved.dev === dev && saved.ino === ino && (await stillCurrent(repo, saved.stamp, chk))) return { copy: saved, cached: true };

  let manifests: string[];
  try {
    // The synchronous search: for ~20k small directories a thread-pool round trip per
    // directory costs several times the reads themselves.
    manifests = fg.sync('**/Manifest', { ...SEARCH, cwd: repo }).sort();
  } catch (e) {
    // The error's path is the directory that could not be read.
    const where = (e as NodeJS.ErrnoException).path;
    throw readError(where ? `--repo ${given}: ${where}` : `--repo ${given}`, e);
  }
  if (manifests.length === 0) throw new UsageError(`--repo ${given} holds no Manifest (give an ebuild repository, e.g. /var/db/repos/gentoo)`);
  // Stamped before reading: a sync that lands meanwhile makes the next run read again.
  const stamp = chk ?? await directoriesStamp(repo, stampPaths(manifests));
  const { dist, malformed, vanished } = await readManifests(repo, manifests);
  const copy: RepoCopy = { repo, dev, ino, stamp, manifests: manifests.length - vanished, malformed, dist };
  // A Manifest that vanished between the search and the read: a sync is under way, so
  // this reading is not one to keep.
  if (stateDir && vanished === 0) {
    await writeCopy(stateDir, copy).catch((e: unknown) => log.warn(`could not save the Manifests of ${repo} in ${stateDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): every run reads them again`));
  }
  return { copy, cached: false };
}

async function stillCurrent(repo: string, saved: RepoStamp, chk: RepoStamp | null): Promise<boolean> {
  if (saved.kind === 'timestamp.chk') return chk !== null && chk.value === saved.value;
  if (chk !== null) return false;
  return (await directoriesStamp(repo, saved.paths)).value === saved.value;
}

async function readManifests(repo: string, manifests: readonly string[]): Promise<{ dist: (string | number)[]; malformed: string[]; vanished: number }> {
  const dist: (string | number)[] = [];
  const malformed: string[] = [];
  let vanished = 0;
  const sink = (name: string, size: number) => void dist.push(name, size);
  // Read synchronously, in batches: a small file is one open/fstat/read/close, and four
  // thread-pool round trips would cost more than the reads.
  for (let i = 0; i < manifests.length; i++) {
    if (i > 0 && i % BATCH === 0) await yieldToLoop();
    const text = readText(join(repo, manifests[i]));
    if (text === null) { vanished++; continue; }
    for (const line of parseManifest(text, sink)) malformed.push(`${manifests[i]}:${line}`);
  }
  return { dist, malformed, vanished };
}

/** A Manifest's text (never through a symlink); null when it vanished. */
function readText(path: string): string | null {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw readError(path, e);
  }
  try {
    const buf = Buffer.allocUnsafe(fstatSync(fd).size);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, n)) > 0;) n += got;
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
