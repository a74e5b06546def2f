// A directory and everything below it in one job (readTree): see pack.h, "tree".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "readdir.h"

extern int cachectl_noatime_denied;

// Deeper than any real layout (CacheDirLevels <= 20, plus a vary subtree of the same).
#define MAX_TREE_DEPTH 128

typedef struct { char *name; double dev, ino; } subdir;

// Subdirectories recorded in a pack (REC_DIR records), before the pack is handed on.
static subdir *subdirs_of(pack *p, size_t *count) {
  subdir *out = NULL;
  size_t n = 0, cap = 0;
  uint32_t records;
  memcpy(&records, p->buf + 12, 4);
  size_t at = PACK_HEAD;
  for (uint32_t r = 0; r < records; r++) {
    uint16_t len;
    memcpy(&len, p->buf + at + 2, 2);
    if (p->buf[at] == REC_DIR) {
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        out = realloc(out, cap * sizeof *out);
        if (!out) abort();
      }
      out[n].name = strndup(p->buf + at + REC_HEAD, len);
      if (!out[n].name) abort();
      memcpy(&out[n].ino, p->buf + at + 16 + 5 * 8, 8);
      memcpy(&out[n].dev, p->buf + at + 16 + 6 * 8, 8);
      n++;
    }
    at += (REC_HEAD + len + 7) & ~(size_t)7;
  }
  *count = n;
  return out;
}

// One directory and everything below it, depth first, each directory's pack appended to
// `out` after its path relative to the subtree's top (see pack.h, "tree").
static void tree_at(blob *out, int at, const char *name, const char *rel, double dev, double ino, int read_headers, int depth) {
  pack p;
  pack_init(&p);
  struct stat dst;
  int dfd = depth > MAX_TREE_DEPTH ? (errno = ELOOP, -1) : open_pinned(at, name, dev, ino, &dst);
  size_t nsub = 0;
  subdir *subs = NULL;
  if (dfd < 0) {
    pack_set_status(&p, errno);
  } else {
    pack_set_dir(&p, &dst);
    list_fd(&p, dfd, read_headers);
    subs = subdirs_of(&p, &nsub);
  }
  pack_set_noatime_denied(&p, __atomic_load_n(&cachectl_noatime_denied, __ATOMIC_RELAXED));
  size_t len;
  char *packed = pack_finish(&p, &len);
  blob_segment(out, rel, packed, len);
  free(packed);
  for (size_t i = 0; i < nsub; i++) {
    size_t rl = strlen(rel), nl = strlen(subs[i].name);
    char *child = malloc(rl + nl + 2);
    if (!child) abort();
    if (rl) {
      memcpy(child, rel, rl);
      child[rl] = '/';
      memcpy(child + rl + 1, subs[i].name, nl + 1);
    } else {
      memcpy(child, subs[i].name, nl + 1);
    }
    tree_at(out, dfd, subs[i].name, child, subs[i].dev, subs[i].ino, read_headers, depth + 1);
    free(child);
    free(subs[i].name);
  }
  free(subs);
  if (dfd >= 0) close(dfd);
}

void cachectl_read_tree(blob *out, const char *path, double expect_dev, double expect_ino, int read_headers) {
  tree_at(out, AT_FDCWD, path, "", expect_dev, expect_ino, read_headers, 0);
}
