import { grow } from './recencyStack.js';
import { BUCKETS, bucketOf, ExactCurve, SampledCurve, type ReuseCurve } from './reuseCurve.js';

/**
 * The reuse sizes a profile collects (reuseProfiler.ts computes them): every one, with the
 * bytes its request sent, while the profile is exact; once it samples, a histogram of
 * weighted ones (Horvitz-Thompson weights), so memory no longer grows with the log.
 */
export class ReuseTally {
  private reuse = new Float64Array(1 << 16);
  private bytes = new Float64Array(1 << 16);
  private n = 0;
  /** null while exact. */
  private weight: Float64Array | null = null;
  private weightBytes = new Float64Array(0);
  private total = 0;
  private totalBytes = 0;

  get sampled(): boolean {
    return this.weight !== null;
  }

  /** Reuse sizes kept one by one (0 once sampled). */
  get exactCount(): number {
    return this.n;
  }

  /** One request: its reuse size (Infinity: a miss at every size), the bytes sent, its weight. */
  add(reuse: number, bytes: number, w: number): void {
    if (this.weight) return this.histAdd(this.weight, reuse, bytes, w);
    if (this.n === this.reuse.length) {
      this.reuse = grow(this.reuse, this.n * 2);
      this.bytes = grow(this.bytes, this.n * 2);
    }
    this.reuse[this.n] = reuse;
    this.bytes[this.n] = bytes;
    this.n++;
  }

  /** From exact to sampled: the reuse sizes so far go into the histogram with weight 1. */
  toHistogram(): void {
    if (this.weight) return;
    const weight = (this.weight = new Float64Array(BUCKETS));
    this.weightBytes = new Float64Array(BUCKETS);
    for (let i = 0; i < this.n; i++) this.histAdd(weight, this.reuse[i], this.bytes[i], 1);
    this.reuse = new Float64Array(0);
    this.bytes = new Float64Array(0);
    this.n = 0;
  }

  /** The curve; `rate` is SHARDS' R when sampled. */
  curve(rate: number, objects: number, workingSet: number): ReuseCurve {
    if (this.weight) return new SampledCurve(this.weight, this.weightBytes, this.total, this.totalBytes, rate, objects, workingSet);
    // Views, not copies: the profile is done with them (a copy doubled the peak at 4M requests).
    return new ExactCurve(this.reuse.subarray(0, this.n), this.bytes.subarray(0, this.n), objects, workingSet);
  }

  private histAdd(weight: Float64Array, reuse: number, bytes: number, w: number): void {
    this.total += w;
    this.totalBytes += bytes * w;
    if (reuse === Infinity) return;
    const b = bucketOf(reuse);
    weight[b] += w;
    this.weightBytes[b] += bytes * w;
  }
}
