/**
 * Where root keeps its indexes: next to, never inside, the cache (its own module: the CLI
 * needs it before loading the index code).
 */
export const DEFAULT_STATE_DIR = '/var/lib/cachectl';
