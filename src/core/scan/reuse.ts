import { lstat, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { FileStat } from './walk.js';
import { childrenOf, type DirRecord } from '../index/format.js';
import type { LoadedIndex } from '../index/store.js';
import { checkRowFile, rowFiles, setAtime } from '../index/rowCheck.js';
import type { UnitTable } from './table.js';

export interface Reuser {
  /** The portable walker's per-directory hook (the native reuser walks by itself). */
  tryReuse?(rel: string, stat: FileStat, cb: (subdirs: string[] | null) => void): void;
  reusedDirs: number;
  refreshed: number;
}

/**
 * Decides, per directory, whether the index still describes it. httpd only ever renames
 * files into place and unlinks them, so any store or removal changes the directory's
 * mtime/ctime: an unchanged directory has the same names. Every file of its rows is then
 * lstat-ed and checked by the rule of index/rowCheck.ts; the new access times are taken
 * only when all pass. One file that fails sends the whole directory back to a full read.
 */
export function makeReuser(root: string, prev: LoadedIndex, onDir: (d: DirRecord) => void): Reuser {
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
    const files: { row: number; header: boolean; name: string }[] = [];
    for (let i = d.rowStart; i < d.rowStart + d.rowCount; i++) for (const f of rowFiles(t, i)) files.push({ row: i, ...f });
    if (files.length === 0) return accept(d, cb);
    let waiting = files.length;
    let stale = false;
    const atimes = new Float64Array(files.length);
    files.forEach((f, k) => {
      lstat(join(root, rel, f.name), (e, st: Stats) => {
        if (e || !checkRowFile(t, f.row, f.header, st)) stale = true;
        else atimes[k] = st.atimeMs;
        if (--waiting > 0) return;
        if (stale) return cb(null);
        files.forEach((g, j) => setAtime(t, g.row, g.header, atimes[j]));
        r.refreshed += d.rowCount;
        accept(d, cb);
      });
    });
  }
  return r;
}
