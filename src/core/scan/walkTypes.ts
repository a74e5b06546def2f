import type { HeaderReadResult } from './readHeader.js';

/** The walkers' shapes, shared by the portable walker and the native one, and the index's reusing walks. */

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
  readonly stat: FileStat;
  readonly files: WalkedFile[];
  /** Subdirectory names (already queued for walking). */
  readonly subdirs: string[];
  /** Symlinks, sockets, fifos, devices: never followed, never touched. */
  readonly others: number;
}

/** A directory to read: where it is below the root, and the stat its parent saw (it is pinned to that dev/inode). */
export interface DirToRead { readonly rel: string; readonly stat: FileStat }

export interface WalkError {
  readonly path: string;
  readonly code: string;
}

/** What a directory looked like when it was read, and where its rows are. */
export interface DirRecord {
  rel: string;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  rowStart: number;
  rowCount: number;
  /**
   * Subdirectory names, as read. Records loaded from the index do not carry them (an
   * array per directory, for nothing on a native re-run); they keep only `extraSubdirs`,
   * the children without a record of their own (unreadable ones), and the portable
   * reuser derives the rest from the records' paths (index/format.ts, childrenOf).
   */
  subdirs?: string[];
  extraSubdirs?: string[];
  /** Totals of the directory's own files (all of them, and those that have no row). */
  files: number;
  bytes: number;
  dirDisk: number;
  foreignFiles: number;
  foreignBytes: number;
  foreignDisk: number;
  foreignSamples: string[];
  others: number;
}

export interface WalkOptions {
  /** Resolved and absolute, and the lstat of it that the scan started from. */
  readonly root: string;
  readonly rootStat: FileStat;
  /** Read the start of every `*.header` file (mod_cache_disk mode). */
  readonly readHeaders: boolean;
  readonly onDir: (dir: WalkedDir) => void;
  readonly onError: (e: WalkError) => void;
  /** A file or directory that vanished between readdir and lstat (httpd renames and deletes). */
  readonly onVanished: () => void;
  /** Directories of the index found unchanged, taken with their rows (only a walk that starts from the index). */
  readonly onReused: (records: readonly DirRecord[]) => void;
  readonly signal?: AbortSignal;
  /** Directories (or subtrees) read at once. 4 matches libuv's thread pool. */
  readonly concurrency?: number;
}

/**
 * One strategy of walking a tree (walkPortable.ts, walkNative.ts, and the index's reusing
 * walks built on them): every directory below the root reaches onDir (or onReused)
 * once. Resolves false if the signal aborted the walk.
 */
export type Walk = (o: WalkOptions) => Promise<boolean>;
