import type { UnitTable } from '../table/table.js';
import type { FileStat } from '../scan/walkTypes.js';

/**
 * The one rule by which the index vouches for a row (native/verify.c, check_rows, applies
 * the same rule in C): each of the row's files (`header`: its header, else its body) is
 * still a regular file of the size and mtime the index saw, and its ctime has not moved
 * past the row's latest ctime. ctime moves on every write, rename, link, chmod, chown and
 * utime and cannot be set back, so a file that passes is the file whose header bytes were
 * read: a full scan would classify it the same way. Anything else and the directory is
 * read again.
 */
export function rowFileUnchanged(t: UnitTable, i: number, header: boolean, st: FileStat & { isFile(): boolean }): boolean {
  const v = t.f64;
  return st.isFile() && st.size === (header ? v.hdrSize : v.dataSize)[i] && st.mtimeMs === (header ? v.hdrMtime : v.dataMtime)[i] &&
    st.ctimeMs <= v.changed[i];
}
