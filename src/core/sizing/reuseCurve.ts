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

  capacityFor(byteHitRatio: number): number {
    if (byteHitRatio <= 0) return 0;
    const finite = this.reuse.filter((d) => d !== Infinity).sort();
    // The byte hit ratio only changes at reuse sizes: binary-search the smallest that reaches the target.
    let lo = 0, hi = finite.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ratiosAt(finite[mid]).byteHitRatio >= byteHitRatio) hi = mid;
      else lo = mid + 1;
    }
    return lo < finite.length ? finite[lo] : Infinity;
  }
}

/** Histogram resolution of sampled mode: 64 buckets per doubling, i.e. sizes within 1.1%. */
export const BUCKETS_PER_OCTAVE = 64;
export const BUCKETS = 64 * BUCKETS_PER_OCTAVE;

/** The bucket of a reuse size d >= 1: every d in bucket b is <= 2^(b/64). */
export const bucketOf = (d: number): number => Math.min(BUCKETS - 1, Math.max(0, Math.ceil(Math.log2(d) * BUCKETS_PER_OCTAVE)));
const bucketTop = (b: number): number => 2 ** (b / BUCKETS_PER_OCTAVE);

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
