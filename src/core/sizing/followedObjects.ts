import { grow } from './recencyStack.js';

/**
 * The objects the reuse profiler follows: each key gets an id into per-object columns
 * (its size, its hash/2^32, its request count), and a dropped key's id is given out
 * again, so the columns stay as large as the most keys followed at once.
 */
export class FollowedObjects {
  private readonly ids = new Map<string, number>();
  /** Per object: its size (largest body) and hash/2^32. */
  size = new Float64Array(1024);
  u = new Float64Array(1024);
  /** Requests per object (the profiler's use of it: reuseProfiler.ts). */
  count = new Int32Array(1024);
  private readonly freeIds: number[] = [];
  private nextId = 0;

  /** `reserve(n)`: ids below n are in use from now on (the recency stack sizes itself to them). */
  constructor(private readonly reserve: (ids: number) => void) {}

  get length(): number {
    return this.ids.size;
  }

  idOf(key: string): number | undefined {
    return this.ids.get(key);
  }

  /** Follows `key` from now on: its id. */
  add(key: string, size: number, u: number): number {
    const id = this.newId();
    this.ids.set(ownCopy(key), id);
    this.size[id] = size;
    this.u[id] = u;
    this.count[id] = 1;
    return id;
  }

  drop(key: string, id: number): void {
    this.ids.delete(key);
    this.freeIds.push(id);
  }

  /** [key, id] of every object followed. */
  entries(): IterableIterator<[string, number]> {
    return this.ids.entries();
  }

  idList(): IterableIterator<number> {
    return this.ids.values();
  }

  private newId(): number {
    const free = this.freeIds.pop();
    if (free !== undefined) return free;
    const id = this.nextId++;
    if (id === this.size.length) {
      this.size = grow(this.size, id * 2);
      this.u = grow(this.u, id * 2);
      this.count = grow(this.count, id * 2);
    }
    this.reserve(id + 1);
    return id;
  }
}

/**
 * A key cut out of a log line can be a V8 slice of the whole 1 MiB chunk the line came
 * from; kept as a Map key it would keep that chunk alive (the log was held in memory:
 * 330 MiB peak on 1M lines). A copy holds only its own characters.
 */
function ownCopy(key: string): string {
  // Concatenation then slice makes V8 flatten the pair into a new string (characters kept exactly).
  return (' ' + key).slice(1);
}
