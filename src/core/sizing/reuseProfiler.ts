import { RecencyStack } from './recencyStack.js';
import { FollowedObjects } from './followedObjects.js';
import { ReuseTally } from './reuseTally.js';
import { keyHash } from './keyHash.js';
import type { ReuseCurve } from './reuseCurve.js';

/**
 * Byte-weighted reuse distances (Mattson's stack algorithm) for a byte-capacity LRU.
 *
 * The LRU: on a miss the object goes on top and objects are evicted from the bottom until
 * the total is <= C (the object itself last, when it alone is larger than C). Its content
 * is then always the longest top part of the recency stack that fits in C, so a request
 * for x hits at C iff size(x) + the sizes of the distinct objects requested since x's
 * last request <= C. That sum (x's "reuse size") is computed once per request, and the
 * hit count at every C follows from the list of reuse sizes.
 *
 * The sum: recencyStack.ts (a Fenwick tree over last-request positions, O(log n) per
 * request).
 *
 * Objects whose size changes. An object is a key (path + query); its size is the
 * largest body seen for that key so far:
 * - a smaller body (a client that went away mid-transfer, logged 200 with the bytes sent)
 *   is a request for the stored object: a hit if it is cached, counted with the bytes
 *   actually sent;
 * - a larger body is a new version: a miss at every size, replacing the old one in place
 *   (mod_cache replaces the entry on a refetch). Because sizes only grow, the replacement
 *   never frees room that an older eviction should have filled, so the stack rule above
 *   stays exact (a shrinking replacement would break it);
 * - an empty body for an unknown key is a miss that stores nothing (mod_cache_disk stores
 *   no empty body with CacheMinFileSize 1).
 * test/sizing/lruSim.ts is the brute-force LRU with these rules; the property tests hold
 * the two equal.
 *
 * Sampling (SHARDS, fixed-size, with two changes): after `maxExactRequests` requests or
 * `maxExactObjects` keys (unless `exact`), or from the start with `sample`, at most
 * `maxSampledObjects` keys are followed (all of them until there are more). Plain SHARDS
 * follows a key when hash(key)/2^32 < R. On 1M requests of 1 B..10 GB objects with skewed
 * popularity and 16K keys (test/sizing/reuseProfiler.test.ts), that missed the byte hit
 * ratio by up to 0.05 (a few large objects carry most bytes); size-aware odds alone then
 * missed the request hit ratio by up to 0.03 (a few keys carry many requests). So:
 * - size-aware odds: a key is followed when hash/2^32 < R * (1 + size/s0), s0 being the
 *   mean object size when keys are first dropped; its inclusion probability is
 *   π = min(1, R * (1 + size/s0)), and objects larger than s0 * (1/R - 1) are all kept;
 * - the most requested keys at that moment are pinned (π = 1), see pinTopKeys.
 * Each followed object stands for 1/π objects (Horvitz-Thompson): the tree holds size/π,
 * so the sum above x estimates the bytes of all distinct objects since x's last request,
 * and each followed request counts with weight 1/π. Past the budget, R is lowered to keep
 * the 3/4 of the unpinned keys with the lowest hash/(1 + size/s0); the others are dropped
 * and the tree is rebuilt at the new odds. Worst error on that test: 0.013 over 5 seeds.
 * Reuse sizes then go into a histogram, so memory no longer grows with the log (reuseTally.ts).
 */
export interface ProfilerOptions {
  exact?: boolean;
  sample?: boolean;
  maxExactRequests?: number;
  /** Distinct keys followed before switching to sampling (each costs ~150 B in exact mode). */
  maxExactObjects?: number;
  maxSampledObjects?: number;
}

/** 4M requests keep 64 MiB of reuse and body sizes; past that the log is sampled. */
export const MAX_EXACT_REQUESTS = 4_000_000;
/** 1M keys is ~150 MiB of key strings and map: past that the log is sampled too. */
export const MAX_EXACT_OBJECTS = 1_000_000;
/** SHARDS' fixed-size bound: 64K keys cost ~10 MiB; the test stays within 0.02 with 16K. */
export const MAX_SAMPLED_OBJECTS = 65_536;
const PINNED = -1;

export class ReuseProfiler {
  private readonly stack = new RecencyStack(() => this.objs.length);
  /** The followed objects; their `count` is requests until sampling first drops keys, from then on PINNED marks the pinned ones. */
  private readonly objs = new FollowedObjects((n) => this.stack.reserve(n));
  private pinned = 0;

  private readonly tally = new ReuseTally();

  /** SHARDS' rate R (1 until sampling first drops keys) and the size that doubles a key's odds. */
  private rate = 1;
  private s0 = 0;

  private objects = 0;
  private workingSet = 0;

  private readonly maxExact: number;
  private readonly maxObjects: number;

  constructor(private readonly opts: ProfilerOptions = {}) {
    this.maxExact = opts.maxExactRequests ?? MAX_EXACT_REQUESTS;
    this.maxObjects = opts.maxSampledObjects ?? MAX_SAMPLED_OBJECTS;
    if (opts.sample && !opts.exact) this.startSampling();
  }

  /** One full-body response: `bytes` of `key`'s body. */
  add(key: string, bytes: number): void {
    const known = this.objs.idOf(key);
    if (known !== undefined) return this.again(known, bytes);
    let u = 0, pi = 1;
    if (this.tally.sampled) {
      u = keyHash(key) / 2 ** 32;
      pi = this.inclusion(-1, bytes);
      if (u >= pi) return;
    }
    if (bytes === 0) return this.record(Infinity, 0, 1 / pi);
    const id = this.objs.add(key, bytes, u);
    this.objects += 1 / pi;
    this.workingSet += bytes / pi;
    this.record(Infinity, bytes, 1 / pi);
    this.place(id, pi);
    if (this.tally.sampled && this.objs.length - this.pinned > this.maxObjects) this.lowerRate();
    else if (!this.tally.sampled && !this.opts.exact && this.objs.length > (this.opts.maxExactObjects ?? MAX_EXACT_OBJECTS)) this.startSampling();
  }

  /** A request for a followed object. */
  private again(id: number, bytes: number): void {
    const { size, count } = this.objs;
    const s = size[id];
    // Bytes of the distinct objects requested since x's last request (all of them sit
    // above it; estimated from the followed ones when sampled).
    const above = this.stack.above(id);
    this.stack.remove(id);
    if (this.s0 === 0) count[id]++;
    if (bytes > s) {
      // A new version: this request would have been followed at its own size's odds.
      const pi = this.inclusion(id, bytes);
      this.workingSet += (bytes - s) / pi;
      size[id] = bytes;
      this.record(Infinity, bytes, 1 / pi);
      return this.place(id, pi);
    }
    const pi = this.inclusion(id, s);
    this.record(above + s, bytes, 1 / pi);
    this.place(id, pi);
  }

  finish(): ReuseCurve {
    return this.tally.curve(this.rate, this.objects, this.workingSet);
  }

  /** π: the probability that object `id` (-1: a new key) of `size` bytes is followed (1 when exact or pinned). */
  private inclusion(id: number, size: number): number {
    if (this.rate >= 1 || (id >= 0 && this.objs.count[id] === PINNED)) return 1;
    return Math.min(1, this.rate * (1 + size / this.s0));
  }

  private record(reuse: number, bytes: number, w: number): void {
    this.tally.add(reuse, bytes, w);
    if (!this.tally.sampled && this.tally.exactCount > this.maxExact && !this.opts.exact) this.startSampling();
  }

  /** From exact to sampled: the reuse sizes so far become a histogram; every key gets its hash. */
  private startSampling(): void {
    this.tally.toHistogram();
    for (const [key, id] of this.objs.entries()) this.objs.u[id] = keyHash(key) / 2 ** 32;
    if (this.objs.length > this.maxObjects) this.lowerRate();
  }

  /**
   * At the first drop: the most requested keys so far (1/16 of the budget) are followed
   * from then on whatever their hash. A few keys can carry a large share of the requests
   * (the top one 1% in the test's trace); sampled by hash, whether they happen to be in
   * the sample swung the request hit ratio by 0.01-0.05. Chosen by past counts, not by
   * hash, so the estimates stay unbiased.
   */
  private pinTopKeys(): void {
    const { count } = this.objs;
    const n = Math.min(this.objs.length, Math.floor(this.maxObjects / 16));
    if (n === 0) return;
    const counts = new Int32Array(this.objs.length);
    let i = 0;
    for (const id of this.objs.idList()) counts[i++] = count[id];
    counts.sort();
    const min = Math.max(2, counts[counts.length - n]);
    for (const id of this.objs.idList()) {
      if (count[id] >= min && this.pinned < n) {
        count[id] = PINNED;
        this.pinned++;
      } else {
        count[id] = 0;
      }
    }
  }

  /** Keeps the 3/4 * maxObjects keys of lowest hash/(1 + size/s0); the tree is rebuilt at the new odds. */
  private lowerRate(): void {
    // Fixed at the first drop: the keys' order must not change afterwards.
    if (this.s0 === 0) {
      this.s0 = Math.max(1, this.workingSet / this.objects);
      this.pinTopKeys();
    }
    const { size, u, count } = this.objs;
    const priority = (id: number) => (count[id] === PINNED ? -1 : u[id] / (1 + size[id] / this.s0));
    const ps = new Float64Array(this.objs.length - this.pinned);
    let i = 0;
    for (const id of this.objs.idList()) if (count[id] !== PINNED) ps[i++] = priority(id);
    ps.sort();
    this.rate = Math.max(Number.MIN_VALUE, ps[Math.floor(this.maxObjects * 0.75)]);
    // Dropping a key while iterating the Map is safe: a deleted entry is not visited again.
    for (const [key, id] of this.objs.entries()) {
      if (priority(id) < this.rate) {
        this.stack.restate(id, size[id] / this.inclusion(id, size[id]));
        continue;
      }
      this.stack.restate(id, null);
      this.objs.drop(key, id);
    }
    this.stack.compact();
  }

  private place(id: number, pi: number): void {
    this.stack.push(id, this.objs.size[id] / pi);
  }
}
