import type { Snapshot } from '../scan/scan.js';
import { Kind } from '../table/table.js';
import type { RecencyOrder } from '../table/recency.js';
import { unitSize } from '../prune/plan.js';
import { protectedRows } from '../prune/protect.js';
import type { PruneGentoo, ReasonTally } from '../prune/types.js';
import { DistfileJudge } from './judge.js';
import type { ManifestSet } from './loadManifests.js';
import { DEFAULT_DISTFILES_MATCH, DEFAULT_RETIRED_GRACE, DistClass, type GentooOptions } from './types.js';

/** What the plan needs from --repo and --protect, and what the summary says about them. */
export interface PrunePasses {
  readonly classes?: Uint8Array;
  readonly protect?: Uint8Array;
  readonly evictRetired: boolean;
  readonly protected?: ReasonTally;
  readonly gentoo?: PruneGentoo;
}

export interface PassesInput {
  readonly manifests?: ManifestSet;
  readonly gentoo?: GentooOptions;
  readonly protect?: readonly string[];
  readonly now: number;
  readonly order: RecencyOrder;
  readonly usage: 'disk' | 'apparent';
  readonly round: number;
}

/** Judges every row once (classes, protection) and sums them in the run's size units. */
export function prunePasses(s: Snapshot, p: PassesInput): PrunePasses {
  const t = s.table;
  const size = (i: number) => unitSize(s, i, p.usage, p.round);
  const tally = (): ReasonTally => ({ entries: 0, bytes: 0 });
  const add = (x: ReasonTally, i: number) => { x.entries++; x.bytes += size(i); };

  let protect: Uint8Array | undefined, protectedTally: ReasonTally | undefined;
  if (p.protect?.length) {
    protect = protectedRows(t, p.protect);
    protectedTally = tally();
    for (let i = 0; i < t.length; i++) if (protect[i]) add(protectedTally, i);
  }
  if (!p.manifests || !p.gentoo) return { protect, protected: protectedTally, evictRetired: false };

  const distfilesMatch = p.gentoo.distfilesMatch ?? DEFAULT_DISTFILES_MATCH;
  const retiredGraceMs = p.gentoo.retiredGrace ?? DEFAULT_RETIRED_GRACE;
  const judge = new DistfileJudge({ sizes: p.manifests.sizes, distfilesMatch, retiredGrace: retiredGraceMs, now: p.now, order: p.order });
  const classes = judge.classify(t);
  const sums = { distfiles: tally(), mismatch: tally(), retired: tally(), unlisted: tally() };
  for (let i = 0; i < t.length; i++) {
    const c = classes[i];
    if (c === DistClass.None || t.kind[i] !== Kind.Entry) continue;
    add(sums.distfiles, i);
    if (c === DistClass.Mismatch) add(sums.mismatch, i);
    else if (c === DistClass.Retired) add(sums.retired, i);
    else if (c === DistClass.Unlisted) add(sums.unlisted, i);
  }
  const evictRetired = p.gentoo.evictRetired ?? false;
  return {
    classes, protect, protected: protectedTally, evictRetired,
    gentoo: { repos: p.manifests.repos, names: p.manifests.sizes.names, distfilesMatch, retiredGraceMs, evictRetired, ...sums },
  };
}
