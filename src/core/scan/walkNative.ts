import { constants } from 'node:os';
import type { NativeBinding } from '../native/load.js';
import { codeOf, decodeDir, forEachTreeDir, type DecodedDir } from '../native/decode.js';
import { markNoAtimeDenied, readHeader } from './readHeader.js';
import type { FileStat, WalkedDir, WalkedFile, WalkError } from './walkTypes.js';

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
  sink: NativeDirSink, done: () => void,
): void {
  const dev = dirStat ? dirStat.dev : -1;
  const ino = dirStat ? dirStat.ino : -1;
  if (!tree) {
    native.readDir(abs, dev, ino, readHeaders, (packed) => emit(decodeDir(packed), abs, rel, dirStat, sink, true, done));
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

/** A directory for readBatch: where it is, what the parent saw, and its index rows. */
export interface BatchDir { abs: string; rel: string; stat: FileStat }

/**
 * The batch request is written into one reused buffer (the addon copies it before it
 * returns): a fresh buffer per batch was new pages every time, at ~20 us a page on a VM.
 */
let scratch = Buffer.alloc(0);

/**
 * Several directories (changed ones of the index, each pinned to the inode just seen) in
 * one thread-pool job; each is then handled as readNative's single-directory read is.
 * Their index rows' files are read by the addon from `t`'s columns in place.
 */
export function readBatch(native: NativeBinding, dirs: readonly BatchDir[], readHeaders: boolean, sink: NativeDirSink, done: () => void): void {
  let size = 8;
  for (const x of dirs) size += (32 + Buffer.byteLength(x.abs) + 7) & ~7;
  if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 64 << 10));
  const req = scratch;
  req.writeUInt32LE(dirs.length, 0);
  req.writeUInt32LE(0, 4);
  let at = 8;
  for (const x of dirs) {
    const pl = req.write(x.abs, at + 32);
    req.writeDoubleLE(x.stat.dev, at);
    req.writeDoubleLE(x.stat.ino, at + 8);
    req.writeUInt32LE(pl, at + 16);
    req.fill(0, at + 20, at + 32);
    at = (at + 32 + pl + 7) & ~7;
  }
  native.readDirs(req.subarray(0, at), readHeaders, (packed) => {
    let waiting = 1;
    const settle = (): void => { if (--waiting === 0) done(); };
    let k = 0;
    forEachTreeDir(packed, (_sub, d) => {
      const x = dirs[k++];
      waiting++;
      emit(d, x.abs, x.rel, x.stat, sink, true, settle);
    });
    settle();
  });
}

function emit(d: DecodedDir, abs: string, rel: string, dirStat: FileStat | null, sink: NativeDirSink, queueSubdirs: boolean, done: () => void): void {
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
  const files = d.files;
  const slow = d.longHeaders;
  const finish = (): void => {
    sink.onDir({ rel, stat: d.stat ?? dirStat, files, subdirs, others: d.others });
    done();
  };
  if (slow.length === 0) return finish();
  // Keys longer than one 4 KiB read: rare, read those few the portable way.
  let waiting = slow.length;
  for (const i of slow) {
    const f = files[i];
    readHeader(prefix + f.name, (header) => {
      files[i] = { name: f.name, stat: f.stat, header } satisfies WalkedFile;
      if (--waiting === 0) finish();
    });
  }
}
