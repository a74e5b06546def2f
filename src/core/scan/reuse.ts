import { lstat, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { FileStat } from './walk.js';
import { childrenOf, type DirRecord } from '../index/format.js';
import type { LoadedIndex } from '../index/store.js';
import { Flag, type UnitTable } from './table.js';

export type Refresh = 'lstat' | 'none';

export interface Reuser {
  /** The portable walker's per-directory hook (the native reuser walks by itself). */
  tryReuse?(rel: string, stat: FileStat, cb: (subdirs: string[] | null) => void): void;
  reusedDirs: number;
  refreshed: number;
}

/**
 * Whether row i's recency file (the body, or the header when there is none) is still the
 * file the index saw: same size, nothing written or renamed into place since (ctime/mtime).
 */
export function recencyFileUnchanged(t: UnitTable, i: number, size: number, wroteMs: number): boolean {
  return size === ((t.flags[i] & Flag.HasData) !== 0 ? t.f64.dataSize[i] : t.f64.hdrSize[i]) && wroteMs <= t.f64.changed[i];
}

/** Row i's new access time, on its recency file's column (the body's, or the header's when there is none). */
export function setRecencyAtime(t: UnitTable, i: number, atimeMs: number): void {
  if (t.flags[i] & Flag.HasData) t.f64.dataAtime[i] = atimeMs; else t.f64.hdrAtime[i] = atimeMs;
}

/**
 * Decides, per directory, whether the index still describes it. httpd only ever renames
 * files into place and unlinks them, so any store or removal changes the directory's
 * mtime/ctime: an unchanged directory has the same names. With `refresh: 'lstat'`, the
 * file that carries each entry's recency (the body; the header if there is none) is
 * lstat-ed to pick up new access times; a file rewritten in place (ctime/size moved) or
 * gone sends the directory back to a full read. With 'none' (recency from the access
 * log) nothing below the directory is touched.
 */
export function makeReuser(root: string, prev: LoadedIndex, refresh: Refresh, onDir: (d: DirRecord) => void): Reuser {
  const t: UnitTable = prev.table;
  const byRel = new Map(prev.meta.dirs.map((d) => [d.rel, d]));
  const children = childrenOf(prev.meta.dirs);
  const r: Reuser = { reusedDirs: 0, refreshed: 0, tryReuse };

  function accept(d: DirRecord, cb: (subdirs: string[]) => void): void {
    r.reusedDirs++;
    onDir(d);
    cb(children.get(d.rel) ?? []);
  }

  function tryReuse(rel: string, stat: FileStat, cb: (subdirs: string[] | null) => void): void {
    const d = byRel.get(rel);
    if (!d || d.mtimeMs !== stat.mtimeMs || d.ctimeMs !== stat.ctimeMs || d.ino !== stat.ino) return cb(null);
    if (refresh === 'none' || d.rowCount === 0) return accept(d, cb);
    let waiting = d.rowCount;
    let stale = false;
    const fresh: [number, Stats][] = [];
    for (let i = d.rowStart; i < d.rowStart + d.rowCount; i++) {
      const files = t.files(i);
      const file = join(root, files[files.length - 1]);
      lstat(file, (e, st) => {
        if (e || !recencyFileUnchanged(t, i, st.size, Math.max(st.ctimeMs, st.mtimeMs))) stale = true;
        else fresh.push([i, st]);
        if (--waiting > 0) return;
        if (stale) return cb(null);
        for (const [row, s] of fresh) setRecencyAtime(t, row, s.atimeMs);
        r.refreshed += fresh.length;
        accept(d, cb);
      });
    }
  }
  return r;
}
