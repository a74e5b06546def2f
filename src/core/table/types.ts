/** The table's vocabulary: unit kinds, flags, reasons and numeric columns (table.ts holds the rows). */
export const enum Kind {
  /** A servable entry: header (+ body); variants carry Flag.Variant. */
  Entry = 0,
  /** A format 5 vary index with its `.header.vary/` directory. */
  VaryIndex = 1,
  /** Body without header, header whose body is missing, stray body, index without variants. */
  Orphan = 2,
  /** httpd will never serve it: body inode/device mismatch, unknown format, corrupt header. */
  Unusable = 3,
  /** In-flight temp file (mod_cache_disk `aptmpXXXXXX`; partial downloads in files mode). */
  Temp = 4,
}

export const KIND_NAMES = ['entry', 'vary-index', 'orphan', 'unusable', 'temp'] as const;

export const enum Flag {
  HasHeader = 1,
  HasData = 2,
  /** A variant below some `X.header.vary/` directory. */
  Variant = 4,
  /** has_body bit of the header. */
  HasBody = 8,
  /** header_only bit (a cached HEAD response). */
  HeaderOnly = 16,
  /** `name` is a whole file name (temp files, files mode), not a stem + .header/.data. */
  RawName = 32,
}

/** One of a row's files: the suffix of the row's name that names it, and whether it is the header. */
export interface RowFile { readonly suffix: string; readonly header: boolean }
const ROW_FILES = Array.from({ length: 64 }, (_, f): readonly RowFile[] => {
  if (f & Flag.RawName) return [{ suffix: '', header: false }];
  return [...(f & Flag.HasHeader ? [{ suffix: '.header', header: true }] : []), ...(f & Flag.HasData ? [{ suffix: '.data', header: false }] : [])];
});

/**
 * Which files a row stands for (native/abi.h, row_files, states the same rule): its name
 * alone (RawName), else <name>.header and <name>.data as its flags say, header first:
 * the order they are unlinked, so httpd sees a clean miss, never a header without its body.
 */
export const rowFiles = (flags: number): readonly RowFile[] => ROW_FILES[flags & 63];

export const REASONS = [
  '',
  'data-without-header',
  'header-without-data',
  'stray-data',
  'vary-without-variants',
  'inode-mismatch',
  'unknown-format',
  'corrupt-header',
] as const;
export type Reason = (typeof REASONS)[number];

export const F64_COLUMNS = [
  'hdrSize', 'hdrDisk', 'dataSize', 'dataDisk',
  /** File times in ms since the epoch (lstat). */
  'hdrMtime', 'hdrAtime', 'dataMtime', 'dataAtime',
  /** Latest ctime of the unit's files: any write, rename, link, chmod or utime moves it. */
  'changed',
  /** apr_time_t fields of the header, in µs since the epoch (0 when absent). */
  'expire', 'date', 'requestTime', 'responseTime',
] as const;
export type F64Column = (typeof F64_COLUMNS)[number];

/** A table's row columns, as the index file stores them (views, in place). */
export interface RowColumns {
  f64: Record<F64Column, Float64Array>;
  dir: Uint32Array;
  status: Uint16Array;
  kind: Uint8Array;
  reason: Uint8Array;
  flags: Uint8Array;
}
