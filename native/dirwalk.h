// Directories below a cache root, reached one component at a time with O_NOFOLLOW from
// the root's descriptor (openat), so no symlink anywhere on the way is followed.
#ifndef CACHECTL_DIRWALK_H
#define CACHECTL_DIRWALK_H
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include "abi.h"

#define CACHECTL_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define MAX_PATH 4096
#define MAX_DEPTH 64

// The chain of open directories from the root to the last one asked for: the next
// directory reuses the common ancestors (callers sort by path), so a sorted batch costs
// about one openat per directory instead of one per path component.
typedef struct {
  int root;
  int depth;
  int fd[MAX_DEPTH];
  size_t end[MAX_DEPTH]; // rel[0..end[i]) is the path of fd[i]
  char rel[MAX_PATH];
} dir_cache;

/** Opens the directory `name` below `at` (no symlink) and fstat-s it: -1 + errno on error. */
int open_dir(int at, const char *name, struct stat *st);
/** Opens the cache root (no symlink) and checks it is still the scanned inode: 0 or an errno. */
int dir_cache_open_root(dir_cache *c, const char *root, double root_ino);
/** Closes the chain and the root. */
void dir_cache_release(dir_cache *c);
/** The directory `rel` (len bytes, '' = the root). -1 + errno on error. */
int open_rel(dir_cache *c, const char *rel, size_t len);
#endif
