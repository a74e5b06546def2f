import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { relative } from 'node:path';
// CommonJS, no types of its own: path() is all we use (see node-gyp-build.d.ts beside this file).
import nodeGypBuild from 'node-gyp-build';
import { packageRoot } from '../package/root.js';

/** The C functions of native/addon.c (see native/pack.h for the buffer they return). */
export interface NativeBinding {
  readDir(path: string, dev: number, ino: number, readHeaders: boolean, cb: (packed: Buffer) => void): void;
  /** The directory and its whole subtree in one thread-pool job (see pack.h, "tree"). */
  readTree(path: string, dev: number, ino: number, readHeaders: boolean, cb: (packed: Buffer) => void): void;
  /** Re-check and unlink a batch of units below `root` (native/evict.c); status 0 or the root's errno. */
  evict(root: string, rootIno: number, request: Buffer, dryRun: boolean, cb: (status: number, result: Buffer) => void): void;
  /** Check a batch of indexed directories (native/verify.c); status 0 or the root's errno. */
  /**
   * Check a batch of indexed directories (native/verify.c): every file of every row is
   * compared with the columns; access times are written in place; the result holds
   * directory states only. Records name a directory path by id in the paths block.
   */
  verify(root: string, rootIno: number, request: Buffer, nameBytes: Uint8Array, nameStart: Uint32Array, nameLen: Uint32Array, flags: Uint8Array,
    cb: (status: number, result: Buffer) => void,
    dataSize: Float64Array, hdrSize: Float64Array, changed: Float64Array, dataAtime: Float64Array, hdrAtime: Float64Array,
    dataMtime: Float64Array, hdrMtime: Float64Array, pathBytes: Uint8Array, pathStart: Uint32Array, pathLen: Uint32Array): void;
  /** Several directories in one thread-pool job (addon.c, read_batch_dirs): one tree segment each, in order. */
  readDirs(request: Buffer, readHeaders: boolean, cb: (packed: Buffer) => void): void;
  /** The file as an ArrayBuffer over a private writable mapping (native/mapfile.c), or -errno. */
  mapFile(path: string): ArrayBuffer | number;
  /** Unmaps the whole pages of a mapFile buffer in [offset, offset + length) (madvise DONTNEED): not yet written ones only. */
  dropPages(mapping: ArrayBuffer, offset: number, length: number): void;
  readDirSync(path: string, dev: number, ino: number, readHeaders: boolean): Buffer;
  /** Tests only: make the next matching call fail (op 1 dir open, 2 fstatat, 3 header open; errno 0 on 2 = unlink first). */
  _fault(op: number, name: string, errno: number): void;
}

/** Where the loaded addon came from: shipped in the package, or compiled on this machine. */
export type NativeSource = 'prebuilt' | 'local build';

export interface NativeState {
  /** null when the addon is not built, failed to load, or was turned off. */
  readonly binding: NativeBinding | null;
  /** Why it is null (for `report --json` and the CI check), or 'loaded'. */
  readonly reason: string;
  /** Which binary was loaded (or failed to): for `cachectl version --verbose`. */
  readonly source?: NativeSource;
  readonly path?: string;
}

/**
 * Loads the optional native directory reader. node-gyp-build picks the binary: a local
 * build (build/Release, made by `npm ci` in a checkout, or on purpose, as Gentoo's
 * USE=native does) if there is one, else the prebuilt one the package ships for this
 * platform (prebuilds/linux-x64/cachectl.glibc.node, made by `npm pack`). The install
 * script compiles only when no prebuilt one loads, so in an installed package the order
 * is: prebuilt, else a local build, else none.
 * Without it everything still works through the portable walker, only slower; the
 * caller decides whether that is acceptable (CI requires the native build).
 * `disabled` comes from the caller (the CLI maps CACHECTL_NATIVE=0 to it): core never reads the environment.
 */
export function loadNative(disabled = false, root = packageRoot()): NativeState {
  if (disabled) return { binding: null, reason: 'turned off' };
  let path: string;
  try {
    path = nodeGypBuild.path(root);
  } catch {
    return { binding: null, reason: `not built (no local build, and no prebuilt binary for ${platform()}-${arch()})` };
  }
  const source: NativeSource = relative(root, path).startsWith('prebuilds') ? 'prebuilt' : 'local build';
  try {
    return { binding: createRequire(import.meta.url)(path) as NativeBinding, reason: 'loaded', source, path };
  } catch (e) {
    // A prebuilt binary for another C library (musl), or a build for another Node-API
    // version. dlopen's message names the file.
    const why = (e as Error).message.split('\n')[0];
    return { binding: null, reason: `not loadable (${source}: ${why})`, source, path };
  }
}

let current: NativeState | undefined;
let off = false;

/** The process-wide reader choice: the CLI turns it off for CACHECTL_NATIVE=0. */
export function disableNative(): void {
  off = true;
  current = undefined;
}

/** Loaded once per process. */
export function nativeState(): NativeState {
  current ??= loadNative(off);
  return current;
}
