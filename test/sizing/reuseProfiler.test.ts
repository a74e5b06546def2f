import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ReuseProfiler } from '../../src/core/sizing/reuseProfiler.js';
import type { ExactCurve } from '../../src/core/sizing/reuseCurve.js';
import { simulateInterned, simulateLru } from './lruSim.js';

type Trace = [string, number][];

/** 1 B .. 10 GB, log-uniform (a distfiles mirror serves 1 KB patches and 5 GB tarballs). */
const logSize = fc.integer({ min: 0, max: 1000 }).map((x) => Math.max(1, Math.round(10 ** (x / 100))));

/** How a request's body relates to the object's current size. */
const VARIANTS = ['same', 'same', 'same', 'same', 'same', 'same', 'smaller', 'larger', 'empty'] as const;

const traceArb = fc.record({
  sizes: fc.array(logSize, { minLength: 1, maxLength: 40 }),
  // 1: uniform popularity; 3: skewed (index = k * u^3 favours the first objects).
  skew: fc.constantFrom(1, 3),
  requests: fc.array(fc.record({ u: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), v: fc.constantFrom(...VARIANTS) }), { maxLength: 400 }),
  withQuery: fc.boolean(),
}).map(({ sizes, skew, requests, withQuery }) => {
  const cur = [...sizes];
  const trace: Trace = [];
  for (const { u, v } of requests) {
    const i = Math.floor(sizes.length * u ** skew);
    if (v === 'larger') cur[i] = cur[i] * 2 + 1;
    const bytes = v === 'smaller' ? Math.floor(cur[i] / 3) : v === 'empty' ? 0 : cur[i];
    trace.push([withQuery && i % 2 ? `/d/o${i}?v=${i}` : `/d/o${i}`, bytes]);
  }
  return trace;
});

function profile(trace: Trace, opts = {}) {
  const p = new ReuseProfiler(opts);
  for (const [k, b] of trace) p.add(k, b);
  return p.finish();
}

describe('byte-weighted reuse sizes = brute-force byte-capacity LRU', () => {
  test('exact mode equals the simulator at 20 capacities (random traces, size changes included)', () => {
    fc.assert(
      fc.property(traceArb, fc.array(fc.nat(), { minLength: 10, maxLength: 10 }), fc.array(logSize, { minLength: 8, maxLength: 8 }), (trace, picks, randomCaps) => {
        const curve = profile(trace, { exact: true }) as ExactCurve;
        const finite = [...curve.reuse].filter((d) => d !== Infinity);
        // Capacities right at, and one byte under, a request's reuse size test the <= edge.
        const atEdges = finite.length ? picks.slice(0, 5).flatMap((n) => [finite[n % finite.length], finite[n % finite.length] - 1]) : [];
        const caps = [0, 1, ...randomCaps.map((s) => s * 7), ...atEdges];
        while (caps.length < 20) caps.push(caps.length * 1e9);
        for (const c of caps) expect(curve.hitsAt(c), `capacity ${c}`).toEqual(simulateLru(trace, c));
      }),
      { numRuns: 300 },
    );
  });

  test('a hand-made case: sizes 3, 5, 2 under a 7-byte cache', () => {
    // a b c a: at 'a' again, b and c (7 bytes) came since, so it hits iff 3 + 7 <= C.
    const trace: Trace = [['a', 3], ['b', 5], ['c', 2], ['a', 3]];
    const curve = profile(trace, { exact: true }) as ExactCurve;
    expect([...curve.reuse]).toEqual([Infinity, Infinity, Infinity, 10]);
    expect(curve.hitsAt(9)).toEqual({ hits: 0, hitBytes: 0 });
    expect(curve.hitsAt(10)).toEqual({ hits: 1, hitBytes: 3 });
    expect(simulateLru(trace, 9).hits).toBe(0);
    expect(simulateLru(trace, 10).hits).toBe(1);
  });

  test('size changes: a smaller body is a request for the stored one, a larger one a new version', () => {
    const trace: Trace = [['a', 100], ['a', 40], ['a', 100], ['a', 150], ['a', 150], ['b', 0], ['b', 0]];
    const curve = profile(trace, { exact: true }) as ExactCurve;
    expect([...curve.reuse]).toEqual([Infinity, 100, 100, Infinity, 150, Infinity, Infinity]);
    expect(curve.hitsAt(1000)).toEqual({ hits: 3, hitBytes: 40 + 100 + 150 });
    expect(curve.objects).toBe(1);
    expect(curve.workingSet).toBe(150);
  });

  test('the 95% size is the smallest capacity that reaches the target', () => {
    fc.assert(
      fc.property(traceArb, (trace) => {
        const curve = profile(trace, { exact: true });
        const target = curve.ratiosAt(Infinity).byteHitRatio * 0.95;
        const c = curve.capacityFor(target);
        if (target === 0) {
          expect(c).toBe(0);
        } else {
          expect(curve.ratiosAt(c).byteHitRatio).toBeGreaterThanOrEqual(target);
          expect(curve.ratiosAt(c - 1).byteHitRatio).toBeLessThan(target);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('positions are renumbered when they run out (long trace, few objects)', () => {
    const trace: Trace = [];
    for (let i = 0; i < 200_000; i++) trace.push([`k${(i * 7919) % 1000}`, 1 + ((i * 7919) % 1000)]);
    const curve = profile(trace, { exact: true }) as ExactCurve;
    for (const c of [0, 1000, 100_000, 300_000, 500_500]) expect(curve.hitsAt(c)).toEqual(simulateLru(trace, c));
  });
});

/** A deterministic pseudo-random generator (mulberry32), so the 1M-request trace is fixed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SHARDS sampling', () => {
  test('1M requests over 300k objects: sampled within 0.02 of the simulator at 20 sizes', () => {
    const r = rng(18);
    const objects = 300_000, n = 1_000_000;
    // Sizes 1 B .. 10 GB log-uniform; popularity skewed (u^3) with a uniform third.
    const sizes = Array.from({ length: objects }, () => Math.round(10 ** (10 * r())));
    const keys = new Int32Array(n), bytes = new Float64Array(n);
    const sampled = new ReuseProfiler({ sample: true, maxSampledObjects: 16_384 });
    for (let i = 0; i < n; i++) {
      const u = r();
      const o = i % 3 === 0 ? Math.floor(objects * u) : Math.floor(objects * u ** 3);
      keys[i] = o;
      bytes[i] = sizes[o];
      sampled.add(`/distfiles/f${o}.tar.xz`, sizes[o]);
    }
    const s = sampled.finish();
    expect(s.method).toBe('sampled');
    expect(s.sampleRate).toBeLessThan(0.05);
    const seen = new Set(keys);
    let ws = 0, total = 0;
    for (const o of seen) ws += sizes[o];
    for (const b of bytes) total += b;
    let worst = 0;
    // 20 sizes from ws/5000 to 2 * ws, spaced by a factor of 1.6.
    for (let i = 0; i < 20; i++) {
      const c = 2 * ws * 2 ** (-0.7 * (19 - i));
      const sim = simulateInterned({ keys, bytes, objects }, c);
      const est = s.ratiosAt(c);
      worst = Math.max(worst, Math.abs(sim.hits / n - est.hitRatio), Math.abs(sim.hitBytes / total - est.byteHitRatio));
    }
    expect(worst).toBeLessThan(0.02);
    expect(Math.abs(s.workingSet / ws - 1)).toBeLessThan(0.1);
    expect(Math.abs(s.objects / seen.size - 1)).toBeLessThan(0.1);
  });

  test('past maxExactRequests or maxExactObjects the profiler switches to sampling by itself; exact never does', () => {
    const trace: Trace = Array.from({ length: 5000 }, (_, i) => [`k${i % 700}`, 100 + (i % 700)]);
    expect(profile(trace, { maxExactRequests: 1000, maxSampledObjects: 256 }).method).toBe('sampled');
    expect(profile(trace, { maxExactRequests: 1000, exact: true }).method).toBe('exact');
    expect(profile(trace, { maxExactObjects: 500, maxSampledObjects: 256 }).method).toBe('sampled');
    expect(profile(trace, { maxExactObjects: 500, exact: true }).method).toBe('exact');
  });
});
