// A directory, and everything below it when asked (readTree; readDirs reads one): one
// segment per directory, depth first, each named by its path below the top (abi.h).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "readdir.h"

// Deeper than any real layout (CacheDirLevels <= 20, plus a vary subtree of the same).
#define MAX_TREE_DEPTH 128

typedef struct { char *name; double dev, ino; } subdir;

// The subdirectories listed in a pack, copied out before the pack is handed on.
static subdir *subdirs_of(pack *p, size_t *count) {
  subdir *out = NULL;
  size_t n = 0, cap = 0, at = sizeof(abi_dir_head);
  for (uint32_t r = 0; r < pack_head(p)->entries; r++) {
    const abi_entry *e = (const abi_entry *)(p->entries.buf + at);
    if (e->type == ENTRY_DIR) {
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        out = realloc(out, cap * sizeof *out);
        if (!out) abort();
      }
      out[n].name = strndup((const char *)(e + 1), e->name_len);
      if (!out[n].name) abort();
      out[n].dev = e->stat.dev;
      out[n].ino = e->stat.ino;
      n++;
    }
    at += ABI_ALIGN(sizeof *e + e->name_len);
  }
  *count = n;
  return out;
}

static void tree_at(blob *out, int at, const char *name, const char *rel, double dev, double ino, int read_headers, int subtree, int depth) {
  pack p;
  pack_init(&p);
  struct stat dst;
  int dfd = depth > MAX_TREE_DEPTH ? (errno = ELOOP, -1) : open_pinned(at, name, dev, ino, &dst);
  size_t nsub = 0;
  subdir *subs = NULL;
  if (dfd < 0) {
    pack_head(&p)->status = errno;
  } else {
    pack_set_dir(&p, &dst);
    list_fd(&p, dfd, read_headers);
    if (subtree) subs = subdirs_of(&p, &nsub);
  }
  pack_segment(&p, rel, __atomic_load_n(&cachectl_noatime_denied, __ATOMIC_RELAXED), out);
  size_t rl = strlen(rel);
  for (size_t i = 0; i < nsub; i++) {
    size_t nl = strlen(subs[i].name);
    char *child = malloc(rl + nl + 2);
    if (!child) abort();
    if (rl) memcpy(child, rel, rl), child[rl] = '/';
    memcpy(child + (rl ? rl + 1 : 0), subs[i].name, nl + 1);
    tree_at(out, dfd, subs[i].name, child, subs[i].dev, subs[i].ino, read_headers, 1, depth + 1);
    free(child);
    free(subs[i].name);
  }
  free(subs);
  if (dfd >= 0) close(dfd);
}

void cachectl_read_tree(blob *out, const char *path, double expect_dev, double expect_ino, int read_headers, int subtree) {
  tree_at(out, AT_FDCWD, path, "", expect_dev, expect_ino, read_headers, subtree, 0);
}
