// Directories below a cache root, reached one component at a time with O_NOFOLLOW from
// the root's descriptor (openat), so no symlink anywhere on the way is followed.
#ifndef CACHECTL_DIRWALK_H
#define CACHECTL_DIRWALK_H
#include <fcntl.h>
#include <stddef.h>
#include <time.h>

#define CACHECTL_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define MAX_PATH 4096

typedef struct {
  int root;
  int fd;
  char rel[MAX_PATH];
} dir_cache;

/** The directory `rel` (len bytes, '' = the root); cached while consecutive calls share it. -1 + errno on error. */
int open_rel(dir_cache *c, const char *rel, size_t len);
void dir_cache_close(dir_cache *c);
/** Milliseconds exactly as node computes Stats#mtimeMs. */
double cachectl_ms(struct timespec t);
#endif
