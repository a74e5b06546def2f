/** A sample cache: to try the library (or `cachectl demo`) on without a real one. */

/** Writes a small mod_cache_disk tree with the dead weight httpd leaves (temp files, orphans, a stale inode). */
export { writeSampleCache, type SampleOptions } from '../core/sample/sampleCache.js';
