import { Option } from 'commander';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliContext } from './context.js';
import { dropPrivileges } from './privileges.js';
import { defaultStateDir, type IndexCliOptions } from './indexOptions.js';

/**
 * Root is about to become the cache owner, who cannot write root's /var/lib/cachectl:
 * give the owner a subdirectory of its own there first (`uid-N`, 0700), and use it.
 */
async function prepareStateDir(ctx: CliContext, o: IndexCliOptions, owner: { uid: number; gid: number }, keep: boolean): Promise<IndexPlace> {
  if (o.index === false || keep || process.geteuid?.() !== 0 || owner.uid === 0) return {};
  const parent = o.stateDir ?? defaultStateDir(ctx.env);
  const dir = join(parent, `uid-${owner.uid}`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // The owner must be able to pass through the parent (x only: it still cannot list it).
    const p = await stat(parent);
    if ((p.mode & 0o001) === 0) await chmod(parent, (p.mode & 0o7777) | 0o111);
    await chown(dir, owner.uid, owner.gid);
    return { stateDir: dir };
  } catch (e) {
    ctx.err(`cachectl: cannot prepare the index directory ${dir} (${(e as NodeJS.ErrnoException).code}); scanning without an index\n`);
    return { index: false };
  }
}

/** Where the guard put the index: STATE/uid-N, off (when that could not be made), or unchanged. */
export type IndexPlace = Pick<IndexCliOptions, 'stateDir' | 'index'>;

export interface PreparedRoot<T> {
  /** The root's real path: the command uses it from then on. */
  readonly root: string;
  /** The command's options with the guard's IndexPlace applied (the given object is not changed). */
  readonly o: T;
  readonly place: IndexPlace;
}

/** `--no-drop-privileges`, for every command that reads or changes the tree. */
export const dropPrivilegesOption = () =>
  new Option('--no-drop-privileges', 'when started as root, stay root instead of becoming the owner of the cache directory')
    .env('CACHECTL_NO_DROP_PRIVILEGES');

export interface RootGuardOptions {
  /** false with --no-drop-privileges (commander's negated flag). */
  readonly dropPrivileges?: boolean;
}

/** How a command will use the tree, for the shape check (core/safety/cacheShape.ts). */
export interface RootUse {
  readonly format: 'auto' | 'apache' | 'files';
  /** It deletes files: a tree that looks like something else is refused too. */
  readonly changes: boolean;
  /** The user vouches for the tree (options.ts vouchesForTree: the flag or its variable). */
  readonly iKnowThisIsACache?: boolean;
}

/**
 * The one gate every command passes before it touches a cache: resolves DIR to its
 * real path, refuses `/`, system directories and roots whose ancestors another user
 * could swap (core/safety/rootPolicy.ts), and trees that are not caches in the format
 * asked for or look like something else (core/safety/cacheShape.ts; the core's prune
 * and delete check again, for library users), then, as root, becomes the root's owner.
 * All refusals come before anything is written or privileges change, so they are the
 * one line on stderr. Returns the real path, which the command uses from then on (so a
 * symlink in DIR swapped later changes nothing), and the options as the guard left them.
 * `say` receives the one log line (default: stderr).
 */
export async function prepareRoot<T extends object>(ctx: CliContext, dir: string, opts: T, use: RootUse, say?: (line: string) => void): Promise<PreparedRoot<T>> {
  const o = opts as RootGuardOptions;
  // Loaded here, not at start-up: the shape check reads headers (the scanner's modules).
  const { resolveRoot, checkCacheRoot, checkCacheShape } = await import('../api/safety.js');
  const root = await resolveRoot(dir);
  const owner = await checkCacheRoot(root);
  await checkCacheShape(root, use);
  const place = await prepareStateDir(ctx, opts as IndexCliOptions, owner, o.dropPrivileges === false);
  const r = dropPrivileges(owner, o.dropPrivileges === false);
  const log = say ?? ((line: string) => ctx.err(`cachectl: ${line}\n`));
  if (r.action === 'dropped') log(`running as uid ${r.uid}, gid ${r.gid} (the owner of ${root}) instead of root; --no-drop-privileges to stay root`);
  if (r.action === 'kept') log(`staying root on ${root}, owned by uid ${owner.uid} (--no-drop-privileges)`);
  return { root, o: { ...opts, ...place }, place };
}
