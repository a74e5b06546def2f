import { Flag, type UnitTable } from './table.js';

/**
 * `atime`: last use = latest of body atime (a hit reads the body), body mtime and
 * header mtime (a revalidation rewrites the header). `mtime`: writes and
 * revalidations only, for `noatime` mounts. Header-only entries have no body: httpd
 * reads the header on every hit, so its atime stands in for the body's.
 */
export type RecencyOrder = 'atime' | 'mtime';

export function lastUse(t: UnitTable, i: number, order: RecencyOrder = 'atime'): number {
  const v = t.f64;
  if (t.flags[i] & Flag.HasData) {
    const written = Math.max(v.dataMtime[i], v.hdrMtime[i]);
    return order === 'atime' ? Math.max(written, v.dataAtime[i]) : written;
  }
  return order === 'atime' ? Math.max(v.hdrMtime[i], v.hdrAtime[i]) : v.hdrMtime[i];
}
