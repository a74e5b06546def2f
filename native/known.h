// Files the caller already knows (its index rows' headers and bodies): while their size,
// mtime and ctime say they are the same file, they get no record, only their slot's
// stat, and a header is not read again (readDirs' row columns in addon.c).
#ifndef CACHECTL_KNOWN_H
#define CACHECTL_KNOWN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "pack.h"

typedef struct {
  const char *name;
  size_t len;
  double size, mtime, changed;
  uint32_t slot;
} known_header;

/**
 * The known files of table rows [first, first + count), read from the columns in place
 * (`n` with its size, mtime and changed columns), sorted for lookups. Their names are
 * built in one block (*names: free() it, and the result). *slots: how many slot numbers
 * the rows take (see known.c).
 */
known_header *known_from_rows(const name_cols *n, uint32_t first, uint32_t count, char **names, size_t *kn, uint32_t *slots);
/** The known file `name`, if `st` says it is still that file; else NULL. */
const known_header *unchanged(const known_header *k, size_t kn, const char *name, size_t len, const struct stat *st);
/**
 * A file of the directory is new or changed: every known file with the same stem (the name
 * up to its first '.', as src/core/scan/knownFiles.ts stemOf) gets its slot touched, so
 * its row is classified again rather than kept (a body stored beside a header-only
 * orphan changes what the row is).
 */
void touch_stem(pack *p, const known_header *k, size_t kn, const char *name, size_t len);
#endif
