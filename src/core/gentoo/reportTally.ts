import { lastUse } from '../table/recency.js';
import { Kind, type UnitTable } from '../table/table.js';
import type { LargestEntry, Tally } from '../reportTypes.js';
import { LargestList } from '../largestList.js';
import { DistfileJudge } from './judge.js';
import type { ManifestSet } from './loadManifests.js';
import { DEFAULT_DISTFILES_MATCH, DEFAULT_RETIRED_GRACE, DistClass, type GentooOptions, type RepoInfo } from './types.js';

/** A class as the report shows it: its sums and its largest entries. */
export type ClassReport = Tally & { largest: LargestEntry[] };

/** The report's Gentoo figures (report --json: `retired`, `mismatch`, `duplicates`, `gentoo`). */
export interface GentooReport {
  retired: ClassReport;
  mismatch: ClassReport;
  /** Copies of a distfile name under another URL than the one kept (the most recently used): what keeping one copy each would save. */
  duplicates: ClassReport;
  gentoo: {
    repos: RepoInfo[];
    /** Distinct names the Manifests list. */
    names: number;
    distfilesMatch: string;
    retiredGraceMs: number;
    /** Entries whose URL path matches --distfiles-match. */
    distfiles: Tally;
    live: Tally;
    /** Named by no Manifest, used within the grace. */
    unlisted: Tally;
  };
}

/** One copy of a distfile, as the duplicates and the largest lists need it once its row is gone. */
interface Copy { key: string; path: string; bytes: number; diskBytes: number; used: number }

const offerCopy = (l: LargestList, c: Copy): void => l.offer(c.key, c.path, c.bytes, c.diskBytes, () => c.used);

const tally = (): Tally => ({ count: 0, bytes: 0, diskBytes: 0 });

/**
 * Sums the Gentoo classes over rows, table by table like the report's own tally (the
 * whole snapshot, or one directory at a time when streaming). Sizes are apparent bytes
 * (`bytes`) and blocks (`diskBytes`), as in the report's other classes.
 */
export class GentooReportTally {
  private readonly sums = { distfiles: tally(), live: tally(), unlisted: tally(), retired: tally(), mismatch: tally(), duplicates: tally() };
  private readonly largest: Record<'retired' | 'mismatch' | 'duplicates', LargestList>;
  /** Per name, the copy kept so far: the most recently used (equal: the smaller URL). */
  private readonly kept = new Map<string, Copy>();

  constructor(private readonly judge: DistfileJudge, private readonly manifests: ManifestSet, top: number) {
    this.largest = { retired: new LargestList(top), mismatch: new LargestList(top), duplicates: new LargestList(top) };
  }

  add(t: UnitTable): void {
    const add = (x: Tally, b: number, d: number) => { x.count++; x.bytes += b; x.diskBytes += d; };
    for (let i = 0; i < t.length; i++) {
      if (t.kind[i] !== Kind.Entry) continue;
      const name = this.judge.nameOf(t, i);
      if (name === null) continue;
      const c = this.judge.classOf(t, i, name);
      const bytes = t.size(i, 'apparent'), disk = t.size(i, 'disk');
      const copy = (): Copy => ({ key: t.key.get(i), path: t.files(i).at(-1)!, bytes, diskBytes: disk, used: lastUse(t, i, this.judge.input.order) });
      add(this.sums.distfiles, bytes, disk);
      if (c === DistClass.Live) add(this.sums.live, bytes, disk);
      else if (c === DistClass.Unlisted) add(this.sums.unlisted, bytes, disk);
      else if (c === DistClass.Retired) { add(this.sums.retired, bytes, disk); offerCopy(this.largest.retired, copy()); }
      else if (c === DistClass.Mismatch) { add(this.sums.mismatch, bytes, disk); offerCopy(this.largest.mismatch, copy()); }
      this.duplicate(name, copy());
    }
  }

  /** A copy under the kept copy's URL is a variant of it, not a duplicate. */
  private duplicate(name: string, c: Copy): void {
    const k = this.kept.get(name);
    if (k === undefined) { this.kept.set(name, c); return; }
    if (k.key === c.key) return;
    const newer = c.used > k.used || (c.used === k.used && c.key < k.key);
    const extra = newer ? k : c;
    if (newer) this.kept.set(name, c);
    const d = this.sums.duplicates;
    d.count++; d.bytes += extra.bytes; d.diskBytes += extra.diskBytes;
    offerCopy(this.largest.duplicates, extra);
  }

  totals(): GentooReport {
    const { sums, largest } = this;
    return {
      retired: { ...sums.retired, largest: largest.retired.list },
      mismatch: { ...sums.mismatch, largest: largest.mismatch.list },
      duplicates: { ...sums.duplicates, largest: largest.duplicates.list },
      gentoo: {
        repos: this.manifests.repos, names: this.manifests.sizes.names,
        distfilesMatch: this.judge.input.distfilesMatch, retiredGraceMs: this.judge.input.retiredGrace,
        distfiles: sums.distfiles, live: sums.live, unlisted: sums.unlisted,
      },
    };
  }
}

/** The report's tally for these Manifests and options; recency as the report's ages (atime). */
export function gentooReportTally(manifests: ManifestSet, o: Omit<GentooOptions, 'repos'>, now: number, top: number): GentooReportTally {
  const judge = new DistfileJudge({
    sizes: manifests.sizes, distfilesMatch: o.distfilesMatch ?? DEFAULT_DISTFILES_MATCH,
    retiredGrace: o.retiredGrace ?? DEFAULT_RETIRED_GRACE, now, order: 'atime',
  });
  return new GentooReportTally(judge, manifests, top);
}
