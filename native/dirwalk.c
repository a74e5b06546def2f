#define _GNU_SOURCE
#include "dirwalk.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void pop_to(dir_cache *c, int depth) {
  while (c->depth > depth) close(c->fd[--c->depth]);
}

int open_dir(int at, const char *name, struct stat *st) {
  int fd = openat(at, name, CACHECTL_DIR_FLAGS);
  if (fd >= 0 && fstat(fd, st) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int dir_cache_open_root(dir_cache *c, const char *root, double root_ino) {
  struct stat st;
  int rfd = open_dir(AT_FDCWD, root, &st);
  if (rfd < 0) return errno;
  if ((double)st.st_ino != root_ino) {
    close(rfd);
    return ENOENT; // replaced since the scan: nothing below it may be touched
  }
  c->root = rfd;
  c->depth = 0;
  return 0;
}

void dir_cache_release(dir_cache *c) {
  pop_to(c, 0);
  close(c->root);
}

int open_rel(dir_cache *c, const char *rel, size_t len) {
  if (len >= MAX_PATH) { errno = ENAMETOOLONG; return -1; }
  // Keep the open ancestors that `rel` shares with the last path (whole components only).
  int keep = 0;
  while (keep < c->depth) {
    size_t e = c->end[keep];
    if (e > len || memcmp(c->rel, rel, e) != 0 || (e < len && rel[e] != '/')) break;
    keep++;
  }
  pop_to(c, keep);
  size_t at = keep ? c->end[keep - 1] + 1 : 0;
  while (at < len) {
    size_t end = at;
    while (end < len && rel[end] != '/') end++;
    char part[256];
    size_t pl = end - at;
    if (pl == 0 || pl >= sizeof part || c->depth == MAX_DEPTH) { errno = pl == 0 ? EINVAL : ENAMETOOLONG; return -1; }
    memcpy(part, rel + at, pl);
    part[pl] = 0;
    if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) { errno = EINVAL; return -1; }
    int parent = c->depth ? c->fd[c->depth - 1] : c->root;
    int next = openat(parent, part, CACHECTL_DIR_FLAGS);
    if (next < 0) return -1;
    memcpy(c->rel, rel, end);
    c->fd[c->depth] = next;
    c->end[c->depth] = end;
    c->depth++;
    at = end + 1;
  }
  return c->depth ? c->fd[c->depth - 1] : c->root;
}
