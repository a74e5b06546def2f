import { appendGhosts, requestKey, type Ghost } from '../sizing/ghosts.js';
import { Kind } from '../table/table.js';
import type { Snapshot } from '../scan/scan.js';
import type { PlanStep } from './plan.js';
import type { Log } from '../log.js';

/** Evictions of entries that were worth keeping: not dead weight, which nobody requests. */
const JOURNALED = new Set(['lru', 'expired', 'future']);

/**
 * After a real prune: the entries it evicted go to the eviction journal (core/sizing/
 * ghosts.ts) so that `sizing` can count later requests for them. Never fails the prune:
 * a journal that cannot be written is a warning.
 */
export async function journalEvictions(stateDir: string | undefined, snap: Snapshot, done: readonly PlanStep[], now: number, log: Log): Promise<void> {
  if (!stateDir) return;
  const t = snap.table;
  const ghosts: Ghost[] = [];
  for (const s of done) {
    if (t.kind[s.row] !== Kind.Entry || !JOURNALED.has(s.reason)) continue;
    ghosts.push({ key: requestKey(t.key.get(s.row) || t.files(s.row)[0]), bytes: s.bytes, time: now });
  }
  try {
    await appendGhosts(stateDir, snap.root, ghosts);
  } catch (e) {
    log.warn(`could not write the eviction journal in ${stateDir}: ${(e as Error).message}`);
  }
}
