/** htcacheclean's semantics on top of prune: one cleaning run as Apache's tool does it. */

/** One htcacheclean run (-l, -L, -t, -n ...): prune with its accounting; returns its statistics. */
export { cleanOnce, type HtcCleanOptions, type CleanOutcome, type HtcStats } from '../core/htcacheclean/clean.js';
