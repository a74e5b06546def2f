// Building the buffers of abi.h in growing memory: a directory's pack, and segments of
// packs (readDirs). Allocation failure aborts: a scan cannot go on without memory.
#ifndef CACHECTL_PACK_H
#define CACHECTL_PACK_H
#include <stddef.h>
#include <sys/stat.h>
#include "abi.h"

typedef struct {
  char *buf;
  size_t len, cap;
} blob;

typedef struct {
  blob entries; // abi_dir_head, then the entries
  blob headers; // the header bytes area
} pack;

/** Room for `need` bytes in all. */
void blob_reserve(blob *b, size_t need);
void blob_append(blob *b, const void *data, size_t len);

/** A directory's pack: listed (status 0, its stat `dir`), or not (status: the errno). */
void pack_init(pack *p, int status, const struct stat *dir);
abi_dir_head *pack_head(pack *p);
/** Appends an entry (ENTRY_ERROR: with its errno, no stat); returns its offset (for pack_header_result). */
size_t pack_entry(pack *p, int type, const char *name, size_t len, const struct stat *st, int err);
void pack_header_result(pack *p, size_t entry, int err, const char *bytes, size_t n);
/** Appends the finished pack to `out` as one segment (see abi.h) and frees it; returns
 *  where the pack is in `out`. */
size_t pack_segment(pack *p, const char *rel, blob *out);
#endif
