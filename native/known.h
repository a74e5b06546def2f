// Headers the caller already knows (from its index): not read again while their size,
// mtime and ctime say they are the same file (readDir's `known` in addon.c).
#ifndef CACHECTL_KNOWN_H
#define CACHECTL_KNOWN_H
#include <stddef.h>
#include <sys/stat.h>

typedef struct {
  const char *name;
  size_t len;
  double size, mtime, changed;
} known_header;

/** Parses a request (layout in known.c), sorted for lookups; free() the result. */
known_header *parse_known(const char *req, size_t len, size_t *count);
/** Whether `name` is a known header and `st` says it is still that file. */
int unchanged(const known_header *k, size_t kn, const char *name, size_t len, const struct stat *st);
#endif
