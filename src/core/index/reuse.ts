import { lstat } from 'node:fs';
import { join } from 'node:path';
import { walkPortable, type TryReuse } from '../scan/walkPortable.js';
import type { Walk, WalkOptions } from '../scan/walkTypes.js';
import { childrenOf } from './format.js';
import type { LoadedIndex } from './store.js';
import { rowFiles } from '../table/table.js';
import { rowFileUnchanged } from './rowCheck.js';

/** A walk that starts from the index, and what it took from it. */
export interface Reuse {
  readonly walk: Walk;
  /** Directories taken from the index. */
  reusedDirs: number;
}

/**
 * The portable walker, deciding per directory whether the index still describes it.
 * httpd only ever renames files into place and unlinks them, so any store or removal
 * changes the directory's mtime/ctime: an unchanged directory has the same names. Every
 * file of its rows is then lstat-ed and checked by the rule of rowCheck.ts; the new
 * access times are taken only when all pass. One file that fails sends the whole
 * directory back to a full read.
 */
export function reusePortable(prev: LoadedIndex): Reuse {
  const t = prev.table;
  const byRel = new Map(prev.meta.dirs.map((d) => [d.rel, d]));
  const children = childrenOf(prev.meta.dirs);
  const r: Reuse = { reusedDirs: 0, walk: (o) => walkPortable(o, tryReuse(o)) };

  const tryReuse = (o: WalkOptions): TryReuse => (rel, stat, cb) => {
    const d = byRel.get(rel);
    if (!d || d.mtimeMs !== stat.mtimeMs || d.ctimeMs !== stat.ctimeMs || d.ino !== stat.ino) return cb(null);
    const files: { row: number; header: boolean; name: string }[] = [];
    for (let i = d.rowStart; i < d.rowStart + d.rowCount; i++) {
      for (const f of rowFiles(t.flags[i])) files.push({ row: i, header: f.header, name: t.name.get(i) + f.suffix });
    }
    const atimes = new Float64Array(files.length);
    let stale = false;
    let waiting = files.length + 1;
    const settle = (): void => {
      if (--waiting > 0) return;
      if (stale) return cb(null);
      files.forEach((f, k) => { (f.header ? t.f64.hdrAtime : t.f64.dataAtime)[f.row] = atimes[k]; });
      r.reusedDirs++;
      o.onReused([d]);
      cb(children.get(d.rel) ?? []);
    };
    files.forEach((f, k) => lstat(join(o.root, rel, f.name), (e, st) => {
      if (e || !rowFileUnchanged(t, f.row, f.header, st)) stale = true;
      else atimes[k] = st.atimeMs;
      settle();
    }));
    settle();
  };
  return r;
}
