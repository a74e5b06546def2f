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

static void tree_at(blob *out, int at, const char *name, const char *rel, double dev, double ino, int read_headers, int subtree, int depth) {
  pack p;
  pack_init(&p);
  struct stat dst;
  int dfd = depth > MAX_TREE_DEPTH ? (errno = ELOOP, -1) : open_pinned(at, name, dev, ino, &dst);
  if (dfd < 0) {
    pack_head(&p)->status = errno;
  } else {
    pack_set_dir(&p, &dst);
    list_fd(&p, dfd, read_headers);
  }
  size_t pos = pack_segment(&p, rel, __atomic_load_n(&cachectl_noatime_denied, __ATOMIC_RELAXED), out);
  if (dfd < 0) return;
  // The subdirectories, from the pack's copy in `out`, by offset: reading them grows (and
  // moves) `out`.
  uint32_t entries = subtree ? ((const abi_dir_head *)(out->buf + pos))->entries : 0;
  size_t rl = strlen(rel), at_entry = pos + sizeof(abi_dir_head);
  for (uint32_t r = 0; r < entries; r++) {
    abi_entry e;
    memcpy(&e, out->buf + at_entry, sizeof e);
    if (e.type == ENTRY_DIR) {
      // Its path below the top; its name is the last component.
      char *child = malloc(rl + e.name_len + 2), *child_name = child + (rl ? rl + 1 : 0);
      if (!child) abort();
      if (rl) memcpy(child, rel, rl), child[rl] = '/';
      memcpy(child_name, out->buf + at_entry + sizeof e, e.name_len);
      child_name[e.name_len] = 0;
      tree_at(out, dfd, child_name, child, e.stat.dev, e.stat.ino, read_headers, 1, depth + 1);
      free(child);
    }
    at_entry += ABI_ALIGN(sizeof e + e.name_len);
  }
  close(dfd);
}

void cachectl_read_tree(blob *out, const char *path, double expect_dev, double expect_ino, int read_headers, int subtree) {
  tree_at(out, AT_FDCWD, path, "", expect_dev, expect_ino, read_headers, subtree, 0);
}
