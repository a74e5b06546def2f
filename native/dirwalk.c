#define _GNU_SOURCE
#include "dirwalk.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

double cachectl_ms(struct timespec t) { return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6; }

void dir_cache_close(dir_cache *c) {
  if (c->fd >= 0 && c->fd != c->root) close(c->fd);
  c->fd = -1;
  c->rel[0] = 0;
}

// Kept while consecutive calls share the directory (callers sort by directory),
// re-walked from the root otherwise.
int open_rel(dir_cache *c, const char *rel, size_t len) {
  if (c->fd >= 0 && strlen(c->rel) == len && memcmp(c->rel, rel, len) == 0) return c->fd;
  dir_cache_close(c);
  if (len >= MAX_PATH) { errno = ENAMETOOLONG; return -1; }
  int fd = c->root;
  size_t at = 0;
  while (at < len) {
    size_t end = at;
    while (end < len && rel[end] != '/') end++;
    char part[256];
    size_t pl = end - at;
    if (pl == 0 || pl >= sizeof part) { if (fd != c->root) close(fd); errno = EINVAL; return -1; }
    memcpy(part, rel + at, pl);
    part[pl] = 0;
    if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) { if (fd != c->root) close(fd); errno = EINVAL; return -1; }
    int next = openat(fd, part, CACHECTL_DIR_FLAGS);
    int e = errno;
    if (fd != c->root) close(fd);
    if (next < 0) { errno = e; return -1; }
    fd = next;
    at = end + 1;
  }
  c->fd = fd;
  memcpy(c->rel, rel, len);
  c->rel[len] = 0;
  return fd;
}

