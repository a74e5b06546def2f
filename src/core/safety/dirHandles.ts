import type { FileHandle } from 'node:fs/promises';

export interface DirEntry {
  readonly fh: FileHandle;
  refs: number;
  /** Dropped from the cache while in use: closed when the last user gives it back. */
  stale: boolean;
}

/**
 * Open directory handles, by path relative to the root, shared by concurrent users and
 * kept (least recently used first out) for the next unit in the same hash directory.
 * Only directories *above* the one a unit's files are in are kept (SafeTree): the top
 * hash levels are few and hit by every unit, the last level is nearly random.
 */
export class DirHandles {
  private readonly map = new Map<string, DirEntry>();

  constructor(private readonly capacity: number) {}

  /** The handle for `rel`, opened with `openIt` on a miss. Give every taken entry back. */
  async take(rel: string, openIt: () => Promise<FileHandle>): Promise<DirEntry> {
    const hit = this.map.get(rel);
    if (hit) {
      hit.refs++;
      this.map.delete(rel);
      this.map.set(rel, hit); // most recently used last
      return hit;
    }
    const fh = await openIt();
    const raced = this.map.get(rel);
    if (raced) {
      // Another user opened it meanwhile: keep one handle.
      await fh.close().catch(() => {});
      raced.refs++;
      return raced;
    }
    const e: DirEntry = { fh, refs: 1, stale: false };
    this.map.set(rel, e);
    this.trim();
    return e;
  }

  give(e: DirEntry): void {
    e.refs--;
    if (e.stale && e.refs === 0) void e.fh.close().catch(() => {});
    this.trim();
  }

  /** Forgets `rel` (its directory was removed or replaced): the next take opens it anew. */
  drop(rel: string): void {
    const e = this.map.get(rel);
    if (!e) return;
    this.map.delete(rel);
    e.stale = true;
    if (e.refs === 0) void e.fh.close().catch(() => {});
  }

  async closeAll(): Promise<void> {
    const all = [...this.map.values()];
    this.map.clear();
    await Promise.all(all.map((e) => e.fh.close().catch(() => {})));
  }

  private trim(): void {
    if (this.map.size <= this.capacity) return;
    for (const [rel, e] of this.map) {
      if (this.map.size <= this.capacity) break;
      if (e.refs === 0) {
        this.map.delete(rel);
        void e.fh.close().catch(() => {});
      }
    }
  }
}
