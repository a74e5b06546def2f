// Small on purpose: the CLI's option definitions need these names at start-up, not the check.

/** The flag with which a user vouches for a tree that does not look like a cache (cacheShape.ts). */
export const OVERRIDE_FLAG = '--i-know-this-is-a-cache';
/** The same, for services and the htcacheclean front end (whose grammar has no such flag). */
export const OVERRIDE_ENV = 'CACHECTL_I_KNOW_THIS_IS_A_CACHE';
