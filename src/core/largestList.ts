import type { LargestEntry } from './reportTypes.js';

/**
 * The N largest entries, kept sorted (N is small: insertion is cheaper than a sort of n).
 * Equal sizes go by URL, then path (variants share a URL): directories are read in no
 * fixed order, and the report must not depend on it.
 */
export class LargestList {
  readonly list: LargestEntry[] = [];
  constructor(private readonly top: number) {}

  /** Whether an entry of `bytes` may get in: a cheap test before its URL and path are built. */
  admits(bytes: number): boolean {
    return this.list.length < this.top || bytes >= this.list[this.list.length - 1].bytes;
  }

  /** `used` (ms) is asked for only when the entry gets in. */
  offer(url: string, path: string, bytes: number, diskBytes: number, used: () => number): void {
    const l = this.list;
    if (!this.admits(bytes)) return;
    const first = (x: LargestEntry) => x.bytes < bytes || (x.bytes === bytes && (x.url > url || (x.url === url && x.path > path)));
    let at = l.findIndex(first);
    if (at < 0) at = l.length;
    if (at >= this.top) return;
    l.splice(at, 0, { url, bytes, diskBytes, lastAccess: new Date(used()).toISOString(), path });
    if (l.length > this.top) l.pop();
  }
}
