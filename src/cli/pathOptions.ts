import { constants, lstatSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { UsageError } from '../api/common.js';
import type { CliContext } from './context.js';
import { escapeControlChars } from './output/style.js';
import { prepareRoot, type PreparedRoot, type RootUse } from './rootGuard.js';

/**
 * The files and directories options name, checked before any work: a typo in
 * --prom-file must not surface as a crash after an hour of pruning, and a missing
 * --access-log must not silently turn exact LRU into a guess.
 */
export interface PathOptions {
  /** Only when given (--state-dir, CACHECTL_STATE_DIR): the default is made on demand. */
  readonly stateDir?: string;
  /** false with --no-index. */
  readonly index?: boolean;
  readonly accessLog?: readonly string[];
  /** Only when it will be written (not on --dry-run). */
  readonly promFile?: string;
  /** --html FILE (never `-`, stdout), when it will be written. */
  readonly html?: string;
}

/**
 * `shape`: what is true for any user (exists, is a directory or a file), for
 * `schedule --check` and before root gives up its rights. `access`: can the user who
 * does the work (after the root guard, the cache's owner) read or write it.
 */
export type CheckLevel = 'shape' | 'access';

/** A rotated log (access_log.1, access.log.2.gz, access_log-20250101) may not exist yet. */
const ROTATED = /[.-]\d+(\.gz)?$/;

const whoAmI = () => `uid ${process.geteuid?.() ?? '?'}`;

/** stat, or null when there is nothing there; `label` names the option in errors. */
async function statOrNull(p: string, label: string): Promise<Stats | null> {
  try {
    return await stat(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a file where a directory should be, which the caller finds walking up.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EACCES') throw new UsageError(`${label}: ${p} cannot be reached by ${whoAmI()} (permission denied)`);
    throw new UsageError(`${label}: ${p} cannot be checked (${code})`);
  }
}

async function can(p: string, mode: number): Promise<boolean> {
  return access(p, mode).then(() => true, () => false);
}

/** The directory a missing path would be made in: its nearest existing ancestor. */
async function nearestExisting(p: string, label: string): Promise<{ path: string; st: Stats }> {
  for (let dir = resolve(p); ; dir = dirname(dir)) {
    const st = await statOrNull(dir, label);
    if (st) return { path: dir, st };
    if (dir === dirname(dir)) throw new UsageError(`${label}: no part of this path exists`);
  }
}

async function checkStateDir(dir: string, level: CheckLevel): Promise<void> {
  const label = `--state-dir ${dir}`;
  const st = await statOrNull(dir, label);
  if (st && !st.isDirectory()) throw new UsageError(`${label} is not a directory`);
  const parent = st ? { path: dir, st } : await nearestExisting(dir, label);
  if (!parent.st.isDirectory()) throw new UsageError(`--state-dir ${dir} cannot be made: ${parent.path} is not a directory`);
  if (level === 'access' && !(await can(parent.path, constants.W_OK | constants.X_OK))) {
    throw new UsageError(st
      ? `--state-dir ${dir} is not writable by ${whoAmI()}`
      : `--state-dir ${dir} cannot be made: ${parent.path} is not writable by ${whoAmI()}`);
  }
}

async function checkAccessLog(file: string, level: CheckLevel): Promise<void> {
  const st = await statOrNull(file, `--access-log ${file}`);
  if (!st) {
    // Named on purpose, so it must be there; a rotated sibling may simply not exist yet.
    if (ROTATED.test(basename(file))) return;
    // From an EnvironmentFile= or conf.d, nothing expanded a pattern: say so.
    const glob = /[*?[]/.test(file) ? ' (patterns are not expanded: name the files, e.g. access.log access.log.1)' : '';
    throw new UsageError(`--access-log ${file} does not exist${glob}`);
  }
  if (!st.isFile()) throw new UsageError(`--access-log ${file} is not a regular file`);
  if (level === 'access' && !(await can(file, constants.R_OK))) {
    throw new UsageError(`--access-log ${file} is not readable by ${whoAmI()} (as root, cachectl runs as the cache's owner)`);
  }
}

/** A file written after the run (--prom-file, --html): `option` names it in errors. */
async function checkOutputFile(option: string, file: string, level: CheckLevel): Promise<void> {
  const label = `${option} ${file}`;
  const st = await statOrNull(file, label);
  if (st?.isDirectory()) throw new UsageError(`${label} is a directory`);
  const dir = dirname(resolve(file));
  const d = await statOrNull(dir, label);
  if (!d) throw new UsageError(`${label}: directory ${dir} does not exist`);
  if (!d.isDirectory()) throw new UsageError(`${label}: ${dir} is not a directory`);
  // The file is written next to itself, then renamed: the directory must be writable.
  if (level === 'access' && !(await can(dir, constants.W_OK | constants.X_OK))) {
    throw new UsageError(`${label}: directory ${dir} is not writable by ${whoAmI()}`);
  }
}

/** Throws a UsageError (exit 2) naming the first path that cannot be used. */
export async function checkPathOptions(o: PathOptions, level: CheckLevel): Promise<void> {
  const logs = o.accessLog ?? [];
  // At 'shape' only: after the guard, index is false also when STATE/uid-N could not be made.
  if (level === 'shape' && o.index === false && logs.length > 0) {
    throw new UsageError('--access-log needs the index (its read positions are kept there): drop --no-index');
  }
  if (o.index !== false && o.stateDir !== undefined) await checkStateDir(o.stateDir, level);
  for (const f of logs) await checkAccessLog(f, level);
  if (o.promFile !== undefined) await checkOutputFile('--prom-file', o.promFile, level);
  if (o.html !== undefined) await checkOutputFile('--html', o.html, level);
}

/**
 * The root guard (core of every command), with the option paths checked around it:
 * their shape before (a bad command line is reported as such, whatever the user), then
 * access, as the user the guard left us (root has given way to the cache's owner).
 */
export async function prepareRootAndPaths<T extends PathOptions & object>(ctx: CliContext, dir: string, o: T, use: RootUse, extra: Pick<PathOptions, 'promFile' | 'html'> = {}): Promise<PreparedRoot<T>> {
  await checkPathOptions({ ...o, ...extra }, 'shape');
  const prepared = await prepareRoot(ctx, dir, o, use);
  // The guard's options: as root, it may have moved the index to STATE/uid-N.
  await checkPathOptions({ ...prepared.o, ...extra }, 'access');
  return prepared;
}

const isDirectory = (p: string): boolean => { try { return lstatSync(p).isDirectory(); } catch { return false; } };
const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * "SUBJECT needs a cache directory (…)". A list option (--access-log FILE...) takes every
 * name after it, so in `report --access-log access.log /var/cache/x` the list took the
 * cache directory: when a list ends in a directory, the sentence says so and how to fix it.
 */
export function missingDirError(subject: string, o: object, orElse = ''): UsageError {
  const taken = Object.entries(o).find(([, v]) => Array.isArray(v) && typeof v.at(-1) === 'string' && isDirectory(v.at(-1) as string));
  const hint = taken
    ? `; ${flagOf(taken[0])} took ${escapeControlChars(String((taken[1] as string[]).at(-1)))} as one of its values: put the directory before ${flagOf(taken[0])}, or end its list with --`
    : '';
  return new UsageError(`${subject} needs a cache directory${orElse ? ` (${orElse})` : ''}${hint}`);
}
