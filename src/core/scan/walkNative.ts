import { constants } from 'node:os';
import type { NativeBinding } from '../native/load.js';
import { codeOf, decodeDir, forEachTreeDir, type DecodedDir } from '../native/decode.js';
import { markNoAtimeDenied, readHeader, type HeaderReadResult } from './readHeader.js';
import type { FileStat, WalkedDir, WalkedFile, WalkError } from './walk.js';

/** Headers an index already holds: the request for the native side, and how to rebuild one. */
export interface KnownHeaders {
  readonly request: Buffer;
  /** The header of `name` as the index knows it, given the directory as read now; null = read it. */
  resolve(name: string, files: readonly WalkedFile[]): HeaderReadResult | null;
}

export interface NativeDirSink {
  onDir(dir: WalkedDir): void;
  onError(e: WalkError): void;
  onVanished(): void;
  /** A subdirectory still to walk (single-directory reads only; a tree read covers them). */
  onSubdir(rel: string, stat: FileStat): void;
}

/**
 * Reads through the native reader and hands the result on in the walker's shapes. The
 * native side pins each directory by descriptor and checks its dev/inode against the
 * parent's view, so no before/after lstat is needed here.
 *
 * `tree`: the directory and its whole subtree in one thread-pool job. A full scan uses it
 * below the root: one job per top-level directory instead of one per directory (a job
 * costs ~20 us of main-thread time, and vary groups make ~66k directories per 500k
 * entries). Index reuse needs a decision per directory, so it reads them one by one.
 */
export function readNative(
  native: NativeBinding, abs: string, rel: string, dirStat: FileStat | null, readHeaders: boolean, tree: boolean,
  sink: NativeDirSink, done: () => void, known?: KnownHeaders,
): void {
  const dev = dirStat ? dirStat.dev : -1;
  const ino = dirStat ? dirStat.ino : -1;
  if (!tree) {
    native.readDir(abs, dev, ino, readHeaders, (packed) => emit(decodeDir(packed), abs, rel, dirStat, sink, true, done, known), known?.request);
    return;
  }
  native.readTree(abs, dev, ino, readHeaders, (packed) => {
    let waiting = 1;
    const settle = (): void => { if (--waiting === 0) done(); };
    forEachTreeDir(packed, (sub, d) => {
      waiting++;
      const childRel = sub === '' ? rel : rel === '' ? sub : `${rel}/${sub}`;
      emit(d, sub === '' ? abs : `${abs}/${sub}`, childRel, sub === '' ? dirStat : null, sink, false, settle);
    });
    settle();
  });
}

function emit(d: DecodedDir, abs: string, rel: string, dirStat: FileStat | null, sink: NativeDirSink, queueSubdirs: boolean, done: () => void, known?: KnownHeaders): void {
  if (d.noatimeDenied) markNoAtimeDenied();
  if (d.status !== 0) {
    if (d.status === constants.errno.ENOENT) sink.onVanished();
    else sink.onError({ path: abs, code: codeOf(d.status) });
    return done();
  }
  for (let i = 0; i < d.vanished; i++) sink.onVanished();
  const prefix = abs.endsWith('/') ? abs : `${abs}/`;
  for (const e of d.errors) sink.onError({ path: prefix + e.name, code: e.code });
  const subdirs: string[] = [];
  for (const s of d.subdirs) {
    subdirs.push(s.name);
    if (queueSubdirs) sink.onSubdir(rel === '' ? s.name : `${rel}/${s.name}`, s.stat);
  }
  const finish = (): void => {
    sink.onDir({ rel, stat: d.stat ?? dirStat, files: d.files, subdirs, others: d.others });
    done();
  };
  const slow = [...d.longHeaders];
  for (const i of d.knownHeaders) {
    const f = d.files[i];
    const header = known?.resolve(f.name, d.files) ?? null;
    if (header) d.files[i] = { name: f.name, stat: f.stat, header };
    else slow.push(i);
  }
  if (slow.length === 0) return finish();
  // Keys longer than one 4 KiB read, headers the index could not vouch for: rare, read
  // those few the portable way.
  let waiting = slow.length;
  for (const i of slow) {
    const f = d.files[i];
    readHeader(prefix + f.name, (header) => {
      d.files[i] = { name: f.name, stat: f.stat, header } satisfies WalkedFile;
      if (--waiting === 0) finish();
    });
  }
}
