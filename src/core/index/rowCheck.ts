import { rowFiles, type UnitTable } from '../table/table.js';
import type { FileStat } from '../scan/walkTypes.js';

/**
 * The one rule by which the index vouches for a row (native/verify.c, check_rows, applies
 * the same rule in C): each of the row's files is still a regular file of the size and
 * mtime the index saw, and its ctime has not moved past the row's latest ctime. ctime
 * moves on every write, rename, link, chmod, chown and utime and cannot be set back, so a
 * file that passes is the file whose header bytes were read: a full scan would classify
 * it the same way. Anything else and the directory is read again.
 */
export function fileUnchanged(st: FileStat & { isFile(): boolean }, size: number, mtimeMs: number, changedMs: number): boolean {
  return st.isFile() && st.size === size && st.mtimeMs === mtimeMs && st.ctimeMs <= changedMs;
}

/** Row i's files, by the name they have in its directory (rowFiles), and which is the header. */
export function rowFilesOf(t: UnitTable, i: number): { name: string; header: boolean }[] {
  const stem = t.name.get(i);
  return rowFiles(t.flags[i]).map((f) => ({ name: stem + f.suffix, header: f.header }));
}

/** Checks one of row i's files against the index and, if unchanged, takes its access time. */
export function checkRowFile(t: UnitTable, i: number, header: boolean, st: FileStat & { isFile(): boolean }): boolean {
  const v = t.f64;
  return header
    ? fileUnchanged(st, v.hdrSize[i], v.hdrMtime[i], v.changed[i])
    : fileUnchanged(st, v.dataSize[i], v.dataMtime[i], v.changed[i]);
}

/** Row i's new access time for one of its files (after every file of its directory passed). */
export function setAtime(t: UnitTable, i: number, header: boolean, atimeMs: number): void {
  if (header) t.f64.hdrAtime[i] = atimeMs; else t.f64.dataAtime[i] = atimeMs;
}
