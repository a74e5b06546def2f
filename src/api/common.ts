/**
 * What a front end needs before it knows which command runs: errors, units, option
 * defaults and the installed package. Light on purpose: the CLI imports it at start-up,
 * so it loads no scanner, index or command code (those are the other entry modules,
 * which each command loads when it runs).
 */

// Errors: every refusal is a CachectlError with the exit status it maps to.
/** A failure the user can act on; `exitCode` is the status a CLI should exit with. */
export { CachectlError, UsageError, CacheRootError, LockHeldError } from '../core/errors.js';

// Units: sizes and ages as people write them (50G, 10%, 30d) and as they are shown.
/** Parses and formats sizes (`50G`), shares of a filesystem (`10%`), ages (`30d`) and counts. */
export { parseSize, parseSizeOrPercent, parseAge, formatSize, formatCount, formatAge, type SizeOrPercent } from '../core/units.js';

/** Where the library's warnings go (`log` in every options object). */
export type { Log } from '../core/log.js';
/** Who holds a cache's lock, as written into `ROOT/.cachectl.lock`. */
export type { LockOwner } from '../core/lock.js';

// Option defaults and checks a front end applies before loading a command.
/** Where root keeps indexes and run logs when no state dir is given. */
export { DEFAULT_STATE_DIR } from '../core/index/stateDir.js';
/** The flag and variable that let a command act on a tree that does not look like a cache. */
export { OVERRIDE_FLAG, OVERRIDE_ENV } from '../core/safety/override.js';
/** Throws a UsageError unless a prune has a target (limit, max entries or free space). */
export { requireTarget } from '../core/prune/target.js';
/** `--repo` defaults: which URLs are distfiles, and how long an unlisted one stays. */
export { DEFAULT_DISTFILES_MATCH, DEFAULT_RETIRED_GRACE, type GentooOptions } from '../core/gentoo/types.js';
/** Past these counts the sizing replay samples instead of counting every request. */
export { MAX_EXACT_OBJECTS, MAX_EXACT_REQUESTS } from '../core/sizing/reuseProfiler.js';

// The installed package.
/** The directory holding cachectl's package.json (bin/, the native build). */
export { packageRoot } from '../core/package/root.js';
/** Which directory reader scans use (native or portable, and why); `disableNative` forces portable. */
export { nativeState, disableNative, type NativeState } from '../core/native/load.js';
/** The `htcacheclean` symlink to cachectl's front end: place, remove, and find what a PATH runs. */
export { COMPAT_NAME, findOnPath, installCompatLink, uninstallCompatLink, type OnPath } from '../core/package/compatLink.js';
