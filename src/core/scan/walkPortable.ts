import { readdir, lstat, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { readHeader } from './readHeader.js';
import { drain } from './drain.js';
import type { DirToRead, FileStat, WalkedFile, WalkError, WalkOptions } from './walkTypes.js';
import { escapeBytes, notUtf8 } from '../native/decode.js';

/**
 * A name that is not valid UTF-8 comes back from readdir with U+FFFD and could not be
 * named again (it would "vanish"): such names are read once more as bytes, reported as
 * EILSEQ and left alone. Only directories holding a U+FFFD pay for the second readdir.
 */
function withoutBadNames(abs: string, dirents: Dirent[], onError: (e: WalkError) => void, cb: (ok: Dirent[]) => void): void {
  readdir(abs, { encoding: 'buffer' }, (err, raw: Buffer[]) => {
    if (err) return cb(dirents);
    const valid = new Set<string>();
    const prefix = abs.endsWith('/') ? abs : `${abs}/`;
    for (const b of raw) {
      const name = b.toString('utf8');
      if (notUtf8(b, name)) onError({ path: prefix + escapeBytes(b), code: 'EILSEQ' });
      else valid.add(name);
    }
    cb(dirents.filter((d) => !d.name.includes('\ufffd') || valid.has(d.name)));
  });
}

/**
 * Whether `abs` is still the very directory `st` describes (same dev/inode, reached
 * without following a symlink): checked before and after a directory is read.
 */
function stillSame(abs: string, st: FileStat, cb: (ok: boolean, code: string) => void): void {
  lstat(abs, (e, now) => {
    if (e) return cb(false, e.code ?? 'EIO');
    cb(now.isDirectory() && now.ino === st.ino && now.dev === st.dev, 'ELOOP');
  });
}

/**
 * The index's hook into the portable walk (index/reuse.ts): called before a directory is
 * read. Answering with the directory's subdirectory names means "unchanged, its rows
 * taken from the index": the walker then skips readdir and only lstats those
 * subdirectories. `null` = read it.
 */
export type TryReuse = (rel: string, stat: FileStat, cb: (subdirs: string[] | null) => void) => void;

/**
 * The portable walker: node's fs, a few directories in flight, every entry of a directory
 * lstat-ed in parallel. Never follows symlinks; ENOENT anywhere means the file is gone
 * (counted, not an error); any other error is reported with its path and the walk goes
 * on (htcacheclean aborts the whole run on one unreadable directory).
 */
export function walkPortable(o: WalkOptions, tryReuse?: TryReuse): Promise<boolean> {
  const pending: DirToRead[] = [{ rel: '', stat: o.rootStat }];
  /** A path that could not be read: gone is counted, anything else reported. */
  const lost = (path: string, code = 'EIO'): void => (code === 'ENOENT' ? o.onVanished() : o.onError({ path, code }));

  const readDir = ({ rel, stat }: DirToRead, done: () => void): void => {
    if (!tryReuse) return listDir(rel, stat, done);
    tryReuse(rel, stat, (subdirs) => (subdirs ? queueKnownSubdirs(rel, subdirs, done) : listDir(rel, stat, done)));
  };

  const queueKnownSubdirs = (rel: string, subdirs: string[], done: () => void): void => {
    let waiting = subdirs.length + 1;
    const settle = () => { if (--waiting === 0) done(); };
    for (const name of subdirs) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const childAbs = join(o.root, childRel);
      lstat(childAbs, (e, st) => {
        if (e) lost(childAbs, e.code);
        else if (st.isDirectory()) pending.push({ rel: childRel, stat: st });
        settle();
      });
    }
    settle();
  };

  const listDir = (rel: string, dirStat: FileStat, done: () => void): void => {
    const abs = join(o.root, rel);
    // The tree's writer may swap this directory for a symlink after the parent's lstat.
    // Pin it: what we list must be the directory we lstat-ed, before and after (below).
    stillSame(abs, dirStat, (ok, code) => {
      if (!ok) { lost(abs, code); return done(); }
      readdir(abs, { withFileTypes: true }, (err, all: Dirent[]) => {
        if (err) { lost(abs, err.code); return done(); }
        const next = (dirents: Dirent[]): void => listed(rel, abs, dirStat, dirents, done);
        if (all.some((d) => d.name.includes('\ufffd'))) withoutBadNames(abs, all, o.onError, next);
        else next(all);
      });
    });
  };

  const listed = (rel: string, abs: string, dirStat: FileStat, dirents: Dirent[], done: () => void): void => {
    const files: WalkedFile[] = [];
    const subdirs: string[] = [];
    // abs is resolved and absolute and a dirent name has no '/': no path.join per file.
    const prefix = abs.endsWith('/') ? abs : `${abs}/`;
    let others = 0;
    let waiting = 1;
    const settle = (): void => {
      if (--waiting > 0) return;
      // Swapped while we read it? Then the names and stats came from elsewhere: drop them.
      stillSame(abs, dirStat, (ok, code) => {
        if (ok) o.onDir({ rel, stat: dirStat, files, subdirs, others });
        else o.onError({ path: abs, code: code === 'ENOENT' ? 'ENOENT' : 'ELOOP' });
        done();
      });
    };
    for (const d of dirents) {
      if (!d.isFile() && !d.isDirectory()) { others++; continue; }
      const childAbs = prefix + d.name;
      waiting++;
      lstat(childAbs, (e, st) => {
        if (e) lost(childAbs, e.code);
        else if (st.isDirectory()) {
          subdirs.push(d.name);
          pending.push({ rel: rel === '' ? d.name : `${rel}/${d.name}`, stat: st });
        } else if (!st.isFile()) others++; // a file swapped for a symlink after readdir: skipped
        else if (o.readHeaders && d.name.toLowerCase().endsWith('.header')) {
          // mod_cache_disk's header files (htcacheclean matches the suffix case-insensitively too).
          return readHeader(childAbs, (header) => {
            files.push({ name: d.name, stat: st, header });
            settle();
          });
        } else files.push({ name: d.name, stat: st });
        settle();
      });
    }
    settle();
  };

  return drain(pending, o.concurrency ?? 4, o.signal, readDir);
}
