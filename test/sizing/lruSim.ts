/**
 * Brute-force byte-capacity LRU, one capacity at a time: the reference the reuse
 * profiler must equal. A doubly linked list of the cached objects (most recent at the
 * head), over interned key numbers so that a 1M-request trace replays in well under a
 * second. Same object rules as core/sizing/reuseProfiler.ts: an object's size is the
 * largest body seen for its key; a smaller body is a request for it; a larger one
 * replaces it (a miss); an empty body for an unknown key stores nothing.
 */
export function simulateLru(trace: readonly (readonly [string, number])[], capacity: number): { hits: number; hitBytes: number } {
  return simulateInterned(intern(trace), capacity);
}

export interface InternedTrace { keys: Int32Array; bytes: Float64Array; objects: number }

/** Key strings -> numbers, once for many capacities. */
export function intern(trace: readonly (readonly [string, number])[]): InternedTrace {
  const ids = new Map<string, number>();
  const keys = new Int32Array(trace.length), bytes = new Float64Array(trace.length);
  trace.forEach(([k, b], j) => {
    let i = ids.get(k);
    if (i === undefined) ids.set(k, (i = ids.size));
    keys[j] = i;
    bytes[j] = b;
  });
  return { keys, bytes, objects: ids.size };
}

export function simulateInterned(t: InternedTrace, capacity: number): { hits: number; hitBytes: number } {
  const n = t.objects;
  const largest = new Float64Array(n); // 0 = never stored
  const cached = new Uint8Array(n);
  const prev = new Int32Array(n).fill(-1), next = new Int32Array(n).fill(-1);
  let head = -1, tail = -1, total = 0, hits = 0, hitBytes = 0;

  const unlink = (i: number) => {
    if (prev[i] >= 0) next[prev[i]] = next[i]; else head = next[i];
    if (next[i] >= 0) prev[next[i]] = prev[i]; else tail = prev[i];
    prev[i] = next[i] = -1;
    cached[i] = 0;
    total -= largest[i];
  };
  const pushHead = (i: number) => {
    prev[i] = -1;
    next[i] = head;
    if (head >= 0) prev[head] = i; else tail = i;
    head = i;
    cached[i] = 1;
    total += largest[i];
  };
  /** On top, then evict from the bottom until it fits (the new object last of all). */
  const insert = (i: number) => {
    pushHead(i);
    while (total > capacity) unlink(tail);
  };

  for (let j = 0; j < t.keys.length; j++) {
    const i = t.keys[j], bytes = t.bytes[j];
    if (largest[i] > 0 && bytes <= largest[i]) {
      if (cached[i]) {
        hits++;
        hitBytes += bytes;
        unlink(i);
        pushHead(i);
      } else {
        insert(i);
      }
      continue;
    }
    if (cached[i]) unlink(i);
    if (bytes === 0) continue;
    largest[i] = bytes;
    insert(i);
  }
  return { hits, hitBytes };
}
