import { UsageError } from '../errors.js';
import type { PruneOptions } from './types.js';

/**
 * A prune without a target would have nothing to stop at: every front end (prune,
 * schedule, the library) refuses it with the same sentence, `subject` naming the asker.
 */
export function requireTarget(o: Pick<PruneOptions, 'limit' | 'maxEntries' | 'minFree'>, subject = 'prune needs'): void {
  if (o.limit === undefined && o.maxEntries === undefined && o.minFree === undefined) {
    throw new UsageError(`${subject} a target: --limit SIZE, --max-entries N or --min-free SIZE|PCT%`);
  }
}
