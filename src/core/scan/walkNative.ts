import { constants } from 'node:os';
import { join } from 'node:path';
import type { NativeBinding } from '../native/load.js';
import { encodeReadDirs, forEachSegment } from '../native/abi.js';
import { codeOf, decodeDir, type DecodedDir } from '../native/decode.js';
import { readHeader } from './readHeader.js';
import { drain } from './drain.js';
import type { DirToRead, Walk, WalkOptions, WalkedFile } from './walkTypes.js';

/**
 * The native walker: the root alone, then a whole subtree per thread-pool job below it
 * (the root spreads them over the pool; a job per directory would cost a round trip to
 * the main thread each, and vary groups make many small directories). The native side
 * pins each directory by descriptor and checks its dev/inode against the parent's view.
 */
export function nativeWalk(native: NativeBinding): Walk {
  return async (o) => {
    if (o.signal?.aborted) return false;
    const subtrees: DirToRead[] = [];
    await new Promise<void>((done) => readDirs(native, o, [{ rel: '', stat: o.rootStat }], done, (d) => subtrees.push(d)));
    return drain(subtrees, o.concurrency ?? 4, o.signal, (d, done) => readDirs(native, o, [d], done));
  };
}

/**
 * Several directories in one job: each alone, its subdirectories handed to `onSubdir`,
 * or without `onSubdir` each with its whole subtree.
 */
export function readDirs(native: NativeBinding, o: WalkOptions, dirs: readonly DirToRead[], done: () => void, onSubdir?: (d: DirToRead) => void): void {
  const request = encodeReadDirs(dirs.map((d) => ({ abs: join(o.root, d.rel), dev: d.stat.dev, ino: d.stat.ino })));
  native.readDirs(request, o.readHeaders, !onSubdir, (segments) => {
    let waiting = 1, k = 0, top = '';
    const settle = (): void => { if (--waiting === 0) done(); };
    // A segment named '' is the next directory asked for; the others are below it.
    forEachSegment(segments, (sub, pack) => {
      waiting++;
      const rel = sub === '' ? (top = dirs[k++].rel) : top === '' ? sub : `${top}/${sub}`;
      emit(o, decodeDir(pack), rel, onSubdir, settle);
    });
    settle();
  });
}

/** Hands one decoded directory on in the walker's shapes, then calls `done`. */
function emit(o: WalkOptions, d: DecodedDir, rel: string, onSubdir: ((d: DirToRead) => void) | undefined, done: () => void): void {
  const abs = join(o.root, rel);
  if (d.status !== 0) {
    if (d.status === constants.errno.ENOENT) o.onVanished();
    else o.onError({ path: abs, code: codeOf(d.status) });
    return done();
  }
  for (let i = 0; i < d.vanished; i++) o.onVanished();
  const prefix = abs.endsWith('/') ? abs : `${abs}/`;
  for (const e of d.errors) o.onError({ path: prefix + e.name, code: e.code });
  const subdirs = d.subdirs.map((s) => s.name);
  if (onSubdir) for (const s of d.subdirs) onSubdir({ rel: rel === '' ? s.name : `${rel}/${s.name}`, stat: s.stat });
  const { files, longHeaders } = d;
  const finish = (): void => {
    o.onDir({ rel, stat: d.stat, files, subdirs, others: d.others });
    done();
  };
  if (longHeaders.length === 0) return finish();
  // Keys longer than one read: rare, read those few the portable way.
  let waiting = longHeaders.length;
  for (const i of longHeaders) {
    const f = files[i];
    readHeader(prefix + f.name, (header) => {
      files[i] = { name: f.name, stat: f.stat, header } satisfies WalkedFile;
      if (--waiting === 0) finish();
    });
  }
}
