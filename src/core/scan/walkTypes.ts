import type { HeaderReadResult } from './readHeader.js';
import type { NativeBinding } from '../native/load.js';

/** The walker's shapes, shared by the portable walker (walk.ts) and the native one (walkNative.ts). */

/** The stat fields cachectl uses: node's Stats has them, and so does the native reader's. */
export interface FileStat {
  readonly size: number;
  readonly blocks: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
}

export interface WalkedFile {
  readonly name: string;
  readonly stat: FileStat;
  /** Present for `*.header` files when the walk reads headers. */
  readonly header?: HeaderReadResult;
}

export interface WalkedDir {
  /** Path relative to the root, '' for the root, '/'-separated. */
  readonly rel: string;
  readonly stat: FileStat | null;
  readonly files: WalkedFile[];
  /** Subdirectory names (already queued for walking). */
  readonly subdirs: string[];
  /** Symlinks, sockets, fifos, devices: never followed, never touched. */
  readonly others: number;
}

export interface WalkError {
  readonly path: string;
  readonly code: string;
}

export interface WalkOptions {
  readonly root: string;
  /** Read the start of every `*.header` file (mod_cache_disk mode). */
  readonly readHeaders: boolean;
  /** The native directory reader; null/absent = the portable fs walker below. */
  readonly native?: NativeBinding | null;
  readonly onDir: (dir: WalkedDir) => void;
  readonly onError: (e: WalkError) => void;
  /** A file or directory that vanished between readdir and lstat (httpd renames and deletes). */
  readonly onVanished: () => void;
  readonly signal?: AbortSignal;
  /** Directories read at once. 4 matches libuv's thread pool; measured in bench/. */
  readonly concurrency?: number;
  /** lstat of the root, so `tryReuse` can judge the root directory too. */
  readonly rootStat?: FileStat;
  /**
   * Persisted-index hook: called before a directory is read. Answering with the
   * directory's subdirectory names means "unchanged, rows taken from the index": the
   * walker then skips readdir and only lstats those subdirectories. `null` = read it.
   */
  readonly tryReuse?: (rel: string, stat: FileStat, cb: (subdirs: string[] | null) => void) => void;
}

