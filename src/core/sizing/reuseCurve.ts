/**
 * What a replay through the reuse profiler yields: for every capacity at once, the share
 * of requests and of bytes a byte-capacity LRU of that size would have served. A
 * request's "reuse size" is the smallest capacity at which it hits (Infinity for a
 * first reference); see reuseProfiler.ts for how it is computed.
 */
export interface ReuseCurve {
  readonly method: 'exact' | 'sampled';
  /** SHARDS sampling rate at the end of the replay (sampled mode only). */
  readonly sampleRate?: number;
  /** Distinct objects (keys with a non-empty body); an estimate when sampled. */
  readonly objects: number;
  /** Sum of every object's largest body: what an unlimited cache would hold; an estimate when sampled. */
  readonly workingSet: number;
  ratiosAt(capacity: number): { hitRatio: number; byteHitRatio: number };
  /** Smallest capacity whose byte hit ratio reaches `byteHitRatio` (Infinity when none does). */
  capacityFor(byteHitRatio: number): number;
}

/** Exact mode: one reuse size and one body size per replayed request. */
export class ExactCurve implements ReuseCurve {
  readonly method = 'exact';
  private readonly totalBytes: number;

  /** `reuse`: one reuse size per replayed request, in log order (Infinity: a miss at every size). */
  constructor(readonly reuse: Float64Array, private readonly bytes: Float64Array, readonly objects: number, readonly workingSet: number) {
    let t = 0;
    for (let i = 0; i < bytes.length; i++) t += bytes[i];
    this.totalBytes = t;
  }

  /** Hit count and hit bytes at `capacity`: what tests compare with a simulator. */
  hitsAt(capacity: number): { hits: number; hitBytes: number } {
    const { reuse, bytes } = this;
    // A first request (reuse size Infinity) misses even in an unlimited cache.
    const c = Math.min(capacity, Number.MAX_VALUE);
    let hits = 0, hitBytes = 0;
    for (let i = 0; i < reuse.length; i++) {
      if (reuse[i] <= c) {
        hits++;
        hitBytes += bytes[i];
      }
    }
    return { hits, hitBytes };
  }

  ratiosAt(capacity: number) {
    const { hits, hitBytes } = this.hitsAt(capacity);
    return { hitRatio: this.reuse.length ? hits / this.reuse.length : 0, byteHitRatio: this.totalBytes ? hitBytes / this.totalBytes : 0 };
  }

  /**
   * The byte hit ratio only changes at reuse sizes. Bytes per histogram bucket find the
   * bucket where the target is crossed; the reuse sizes in that bucket alone are sorted.
   * Sums of whole bytes are exact in any order (below 2^53), so this agrees with ratiosAt.
   */
  capacityFor(byteHitRatio: number): number {
    if (byteHitRatio <= 0) return 0;
    const { reuse, bytes, totalBytes } = this;
    const inBucket = new Float64Array(BUCKETS);
    for (let i = 0; i < reuse.length; i++) if (reuse[i] !== Infinity) inBucket[bucketOf(reuse[i])] += bytes[i];
    let below = 0, b = 0;
    for (; b < BUCKETS; b++) {
      if ((below + inBucket[b]) / totalBytes >= byteHitRatio) break;
      below += inBucket[b];
    }
    if (b === BUCKETS) return Infinity;
    const here: [number, number][] = [];
    for (let i = 0; i < reuse.length; i++) if (reuse[i] !== Infinity && bucketOf(reuse[i]) === b) here.push([reuse[i], bytes[i]]);
    here.sort((x, y) => x[0] - y[0]);
    let hit = below;
    for (let j = 0; j < here.length; j++) {
      hit += here[j][1];
      // Every request with the same reuse size hits at once.
      if ((j + 1 === here.length || here[j + 1][0] !== here[j][0]) && hit / totalBytes >= byteHitRatio) return here[j][0];
    }
    return Infinity;
  }
}

/** Histogram resolution of sampled mode: 64 buckets per doubling, i.e. sizes within 1.1%. */
export const BUCKETS_PER_OCTAVE = 64;
export const BUCKETS = 64 * BUCKETS_PER_OCTAVE;

const TOPS = Float64Array.from({ length: BUCKETS }, (_, b) => 2 ** (b / BUCKETS_PER_OCTAVE));
const bucketTop = (b: number): number => TOPS[b];

/**
 * The bucket of a reuse size d >= 1: the first b with 2^(b/64) >= d (the last bucket
 * takes anything larger). Math.log2 guesses, the table decides, so the buckets are in
 * the order of d even where log2 rounds.
 */
export function bucketOf(d: number): number {
  let b = Math.min(BUCKETS - 1, Math.max(0, Math.ceil(Math.log2(d) * BUCKETS_PER_OCTAVE)));
  while (b < BUCKETS - 1 && TOPS[b] < d) b++;
  while (b > 0 && TOPS[b - 1] >= d) b--;
  return b;
}

/**
 * Sampled mode: weighted counts per reuse-size bucket. A bucket counts as a hit at C when
 * its upper edge is <= C, so the curve errs low by at most one bucket (1.1% of C).
 * Ratios divide by the sampled totals (weights 1/rate), which corrects for a sample that
 * drew more or fewer requests than its expected share (SHARDS_adj's aim).
 */
export class SampledCurve implements ReuseCurve {
  readonly method = 'sampled';
  constructor(
    readonly weight: Float64Array, private readonly weightBytes: Float64Array,
    readonly total: number, private readonly totalBytes: number,
    readonly sampleRate: number, readonly objects: number, readonly workingSet: number,
  ) {}

  ratiosAt(capacity: number) {
    let hits = 0, hitBytes = 0;
    for (let b = 0; b < BUCKETS && bucketTop(b) <= capacity; b++) {
      hits += this.weight[b];
      hitBytes += this.weightBytes[b];
    }
    return { hitRatio: this.total ? hits / this.total : 0, byteHitRatio: this.totalBytes ? hitBytes / this.totalBytes : 0 };
  }

  capacityFor(byteHitRatio: number): number {
    if (byteHitRatio <= 0) return 0;
    let hitBytes = 0;
    for (let b = 0; b < BUCKETS; b++) {
      hitBytes += this.weightBytes[b];
      if (this.totalBytes && hitBytes / this.totalBytes >= byteHitRatio) return Math.ceil(bucketTop(b));
    }
    return Infinity;
  }
}
