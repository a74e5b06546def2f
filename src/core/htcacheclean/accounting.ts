import type { Snapshot } from '../scan/scan.js';
import { Kind, REASONS } from '../table/table.js';
import { ENTRY_STRUCT_SIZE } from '../format/header.js';

/** htcacheclean's MAXDEVIATION: lone files this close to "now" may be in flight. */
const DEVIATION_MS = 3600e3;

/**
 * The figures htcacheclean's walk would arrive at for this snapshot (process_dir and
 * the start of purge), so `-v` prints the same "was" numbers as the real tool:
 *   - entries: every format 6 header whose 120-byte struct reads, whether or not httpd
 *     could serve it (body missing, inode mismatch, cut-off key);
 *   - size: each entry's header + body (st_size), every file rounded up by -R, with a
 *     stray body next to a body-less header counted (htcacheclean's doubled-path bug
 *     keeps it);
 *   - inodes: every directory entry below the root, minus the files the walk deletes
 *     (old lone files, unknown formats, vary indexes without a .vary directory or whose
 *     stored expiry has passed - Bugzilla 53767).
 */
export interface HtcAccounting {
  readonly size: number;
  readonly entries: number;
  readonly inodes: number;
  /** Every directory entry below the root, before any deletion. */
  readonly allNodes: number;
  /** Bytes of lone files the walk deletes ("unsolicited size"). */
  readonly unsolicited: number;
  /** Files (1 or 2) belonging to entries: with `inodes` it converts -L into an entry count. */
  readonly entryFiles: number;
  /** Entries httpd can serve: what prune's entry count (and so -L's target) counts. */
  readonly servable: number;
  /** Relative file path -> rounded bytes it adds to `size` (entry headers carry the entry). */
  readonly sizeOf: Map<string, { bytes: number; entry: boolean }>;
}

export function htcAccounting(snap: Snapshot, o: { now: number; round: number; realclean: boolean }): HtcAccounting {
  const t = snap.table;
  const up = (n: number) => (o.round > 1 && n > 0 ? Math.ceil(n / o.round) * o.round : n);
  const far = (ms: number) => o.realclean || Math.abs(ms - o.now) > DEVIATION_MS;
  const stemOf = (i: number) => `${t.dirs[t.dir[i]]}/${t.name.get(i)}`;
  const reason = (i: number) => REASONS[t.reason[i]];
  const isStray = (i: number) => t.kind[i] === Kind.Orphan && reason(i) === 'stray-data';

  // A stray body is a unit of its own; htcacheclean pairs it with its header by name.
  const strayAt = new Map<string, number>();
  for (let i = 0; i < t.length; i++) if (isStray(i)) strayAt.set(stemOf(i), i);

  let size = 0, entries = 0, deleted = 0, unsolicited = 0, entryFiles = 0, servable = 0;
  const sizeOf = new Map<string, { bytes: number; entry: boolean }>();
  const entry = (i: number) => {
    const files = t.files(i);
    const bytes = up(t.f64.hdrSize[i]) + up(t.f64.dataSize[i]);
    size += bytes;
    entries++;
    entryFiles += files.length;
    sizeOf.set(files[0], { bytes, entry: true });
    const stray = strayAt.get(stemOf(i));
    if (stray !== undefined) {
      const b = up(t.f64.dataSize[stray]);
      size += b;
      entryFiles++;
      sizeOf.set(t.files(stray)[0], { bytes: b, entry: false });
    }
  };
  const walkDeletes = (i: number, bytes?: number) => {
    deleted += t.files(i).length;
    if (bytes !== undefined) unsolicited += bytes;
  };

  for (let i = 0; i < t.length; i++) {
    const kind = t.kind[i];
    const r = reason(i);
    const v = t.f64;
    if (kind === Kind.Entry) { entry(i); servable++; }
    else if (kind === Kind.Temp) { if (o.realclean) walkDeletes(i, v.dataSize[i]); }
    else if (kind === Kind.VaryIndex) {
      // With a stray body next to it, the HEADERDATA branch never looks at the expiry.
      if (!strayAt.has(stemOf(i)) && v.expire[i] < o.now * 1000) walkDeletes(i);
    } else if (kind === Kind.Orphan) {
      if (r === 'header-without-data') entry(i);
      else if (r === 'data-without-header') { if (far(v.dataMtime[i])) walkDeletes(i, v.dataSize[i]); }
      else if (r === 'vary-without-variants') {
        walkDeletes(i);
        const stray = strayAt.get(stemOf(i));
        if (stray !== undefined) walkDeletes(stray);
      }
    } else if (kind === Kind.Unusable) {
      if (r === 'inode-mismatch') entry(i);
      else if (r === 'unknown-format') walkDeletes(i);
      else if (v.hdrSize[i] >= ENTRY_STRUCT_SIZE) entry(i); // the struct reads: an entry to it
      else if (far(v.hdrMtime[i])) walkDeletes(i, v.hdrSize[i] + v.dataSize[i]);
    }
  }
  const allNodes = snap.files + snap.directories + snap.others;
  return { size, entries, inodes: allNodes - deleted, allNodes, unsolicited, entryFiles, servable, sizeOf };
}
