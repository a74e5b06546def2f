import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { relative } from 'node:path';
// CommonJS, no types of its own: path() is all we use (see node-gyp-build.d.ts beside this file).
import nodeGypBuild from 'node-gyp-build';
import { packageRoot } from '../package/root.js';
import { layoutDiff, type Layout } from './abi.js';

/** A table's row columns as verify reads them (native/jobs.h); the access time columns are written. */
export interface VerifyRows {
  nameBytes: Uint8Array; nameStart: Uint32Array; nameLen: Uint32Array; flags: Uint8Array;
  dataSize: Float64Array; hdrSize: Float64Array; changed: Float64Array; dataAtime: Float64Array; hdrAtime: Float64Array;
  dataMtime: Float64Array; hdrMtime: Float64Array;
}

/** The functions of native/addon.c. Requests and answers: native/abi.h, read and written by ./abi.ts. */
export interface NativeBinding {
  /**
   * Several directories, each pinned to its dev/inode, in one thread-pool job, in order: one
   * segment each, followed with `subtree` by one per directory below it, depth first.
   */
  readDirs(request: Buffer, readHeaders: boolean, subtree: boolean, cb: (segments: Buffer) => void): void;
  /** Checks a batch of indexed directories (native/verify.c); status 0 or the root's errno. */
  verify(root: string, rootIno: number, request: Buffer, rows: VerifyRows, cb: (status: number, results: Buffer) => void): void;
  /** Re-checks and unlinks a batch of units below `root` (native/evict.c); status 0 or the root's errno. */
  evict(root: string, rootIno: number, request: Buffer, dryRun: boolean, cb: (status: number, results: Buffer) => void): void;
  /** The sizes, offsets and values of native/abi.h this binary was built with (./abi.ts, LAYOUT). */
  layout(): Layout;
}

export interface NativeState {
  /** null when the addon is not built, failed to load, or was turned off. */
  readonly binding: NativeBinding | null;
  /** Why it is null (for `report --json` and the CI check), or 'loaded'. */
  readonly reason: string;
  /** Which binary was loaded (or failed to), shipped in the package or compiled on this machine: for `cachectl version --verbose`. */
  readonly source?: 'prebuilt' | 'local build';
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
 */
function loadNative(root = packageRoot()): NativeState {
  let path: string;
  try {
    path = nodeGypBuild.path(root);
  } catch {
    return { binding: null, reason: `not built (no local build, and no prebuilt binary for ${platform()}-${arch()})` };
  }
  const source = relative(root, path).startsWith('prebuilds') ? 'prebuilt' : 'local build';
  try {
    const binding = createRequire(import.meta.url)(path) as NativeBinding;
    // A build of another native/abi.h (an old build/ after a pull) would misread every buffer.
    const diff = typeof binding.layout === 'function' ? layoutDiff(binding.layout()) : ['no layout()'];
    if (diff.length > 0) return { binding: null, reason: `not loadable (${source}: built from another native/abi.h: ${diff[0]}; rebuild it)`, source, path };
    return { binding, reason: 'loaded', source, path };
  } catch (e) {
    // A prebuilt binary for another C library (musl), or a build for another Node-API
    // version. dlopen's message names the file.
    const why = (e as Error).message.split('\n')[0];
    return { binding: null, reason: `not loadable (${source}: ${why})`, source, path };
  }
}

let current: NativeState | undefined;

/** The process-wide reader choice: the CLI turns it off for CACHECTL_NATIVE=0 (core never reads the environment). */
export function disableNative(): void {
  current = { binding: null, reason: 'turned off' };
}

/** Loaded once per process. */
export function nativeState(): NativeState {
  current ??= loadNative();
  return current;
}
