/**
 * The gate before any work on a cache: the real path of the root, a refusal of system
 * directories and swappable ancestors, and of trees that are not caches. prune and
 * deleteUrls check again themselves; a front end calls these to refuse early, in one line.
 */

/** The root's real path; throws a CacheRootError when it is missing or not a directory. */
export { resolveRoot, statRoot } from '../core/scan/root.js';
/** Refuses `/`, system directories and roots another user could swap; returns the root's owner. */
export { checkCacheRoot, type RootOwner } from '../core/safety/rootPolicy.js';
/** Refuses a tree that is not a cache in the format asked for (reads a sample of it). */
export { checkCacheShape, type ShapeCheck } from '../core/safety/cacheShape.js';
