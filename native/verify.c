// Checks a batch of the persisted index's directories in one thread-pool job
// (src/core/scan/reuseNative.ts): is each directory still the one the index describes
// (same inode, mtime and ctime: httpd renames into place and unlinks, so any store or
// removal changes them), and, if so, what do its entries' recency files look like now
// (one fstatat each: new access times from hits, a body rewritten in place).
//
// Request (little-endian, 8-aligned records): u32 dirs, u32 pad, then per directory:
//   f64 mtimeMs, f64 ctimeMs, f64 ino, u16 rel length, u16 pad, u32 names, rel bytes,
//   then per name u16 length + bytes; padded to 8.
// Result, per directory in request order: i32 state (0 unchanged, 1 changed, 2 gone,
//   3 error), i32 errno, f64 dev, f64 ino (the directory now, for re-reading it pinned),
//   then for an unchanged directory per name: f64 size, atimeMs, mtimeMs, ctimeMs,
//   i32 errno (0, or why it could not be stat-ed), i32 regular file (1/0).
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dirwalk.h"
#include "pack.h"

enum { V_SAME = 0, V_CHANGED = 1, V_GONE = 2, V_ERROR = 3 };

static void put_dir(blob *b, int state, int err, const struct stat *st) {
  char rec[24] = { 0 };
  int32_t s = state, e = err;
  memcpy(rec, &s, 4);
  memcpy(rec + 4, &e, 4);
  if (st) {
    double dev = (double)st->st_dev, ino = (double)st->st_ino;
    memcpy(rec + 8, &dev, 8);
    memcpy(rec + 16, &ino, 8);
  }
  blob_append(b, rec, sizeof rec);
}

// Returns 0, or the root's errno (nothing checked).
int cachectl_verify(const char *root, double root_ino, const char *req, size_t req_len, blob *out) {
  dir_cache c;
  int err = dir_cache_open_root(&c, root, root_ino);
  if (err) return err;
  uint32_t dirs;
  memcpy(&dirs, req, 4);
  size_t at = 8;
  for (uint32_t d = 0; d < dirs && at + 32 <= req_len; d++) {
    double mtime, ctime, ino;
    uint16_t rl;
    uint32_t names;
    memcpy(&mtime, req + at, 8);
    memcpy(&ctime, req + at + 8, 8);
    memcpy(&ino, req + at + 16, 8);
    memcpy(&rl, req + at + 24, 2);
    memcpy(&names, req + at + 28, 4);
    const char *rel = req + at + 32;
    size_t p = at + 32 + rl;
    const char *first = req + p;
    // Never read past the request, whatever its counts say (it is ours, but it is memory).
    int bad = p > req_len;
    for (uint32_t n = 0; n < names && !bad; n++) {
      uint16_t nl;
      if (p + 2 > req_len) { bad = 1; break; }
      memcpy(&nl, req + p, 2);
      p += 2 + nl;
      bad = p > req_len;
    }
    if (bad) break;
    at = (p + 7) & ~(size_t)7;
    int dfd = open_rel(&c, rel, rl);
    struct stat st;
    if (dfd < 0 || fstat(dfd, &st) != 0) {
      put_dir(out, errno == ENOENT ? V_GONE : V_ERROR, errno, NULL);
      continue;
    }
    if ((double)st.st_ino != ino || cachectl_ms(st.st_mtim) != mtime || cachectl_ms(st.st_ctim) != ctime) {
      put_dir(out, V_CHANGED, 0, &st);
      continue;
    }
    put_dir(out, V_SAME, 0, &st);
    p = (size_t)(first - req);
    for (uint32_t n = 0; n < names; n++) {
      uint16_t nl;
      memcpy(&nl, req + p, 2);
      char name[256];
      size_t len = nl < sizeof name ? nl : sizeof name - 1;
      memcpy(name, req + p + 2, len);
      name[len] = 0;
      p += 2 + nl;
      char rec[40] = { 0 };
      struct stat fs;
      int32_t err = 0, reg = 0;
      if (fstatat(dfd, name, &fs, AT_SYMLINK_NOFOLLOW) != 0) {
        err = errno;
      } else {
        double v[4] = { (double)fs.st_size, cachectl_ms(fs.st_atim), cachectl_ms(fs.st_mtim), cachectl_ms(fs.st_ctim) };
        memcpy(rec, v, sizeof v);
        reg = S_ISREG(fs.st_mode) ? 1 : 0;
      }
      memcpy(rec + 32, &err, 4);
      memcpy(rec + 36, &reg, 4);
      blob_append(out, rec, sizeof rec);
    }
  }
  dir_cache_release(&c);
  return 0;
}
