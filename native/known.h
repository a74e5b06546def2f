// Files the caller already knows (its index rows' headers and bodies): while their size,
// mtime and ctime say they are the same file, they get no record, only their slot's
// stat, and a header is not read again (readDir's `known` in addon.c).
#ifndef CACHECTL_KNOWN_H
#define CACHECTL_KNOWN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

typedef struct {
  const char *name;
  size_t len;
  double size, mtime, changed;
  uint32_t slot;
} known_header;

/** Parses a request (layout in known.c), sorted for lookups; free() the result. */
known_header *parse_known(const char *req, size_t len, size_t *count);
/** The known file `name`, if `st` says it is still that file; else NULL. */
const known_header *unchanged(const known_header *k, size_t kn, const char *name, size_t len, const struct stat *st);
#endif
