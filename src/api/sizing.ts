/** How big the cache should be: replay access logs through an LRU cache of every size. */

/** Replays logs into reuse distances (`replayLogs`), then the hit-ratio curve (`summarise`). */
export { sizing, replayLogs, summarise, TARGET_SHARE, type SizingOptions, type SizingResult, type CurvePoint, type Replay } from '../core/sizing/sizing.js';
/** The eviction journal: entries pruned earlier, which the sizing replay reads beside the logs. */
export { readGhosts, type Ghost } from '../core/sizing/ghosts.js';
