/** List a cache's entries, and delete entries by URL. */

/** The entries httpd can serve (what `htcacheclean -a` prints), optionally filtered and sorted. */
export { listEntries, type ListedEntry, type ListOptions } from '../core/list/list.js';
/** One entry as `htcacheclean -A` prints it, byte for byte (`formatJson`: as one JSON line). */
export { formatLong, formatJson } from '../core/list/format.js';
/** A URL glob (`*` spans `/`) matched against every form a cache key takes. */
export { urlMatcher, type Matcher } from '../core/match.js';
/** Deletes cache keys (exact, or globs matched in one scan) with all their variants. */
export { deleteUrls, type DeleteOptions, type DeleteResult } from '../core/delete/delete.js';
