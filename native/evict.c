// A batch of eviction steps in one thread-pool job (src/core/prune/evictNative.ts).
//
// Why: a prune of half of 500k entries re-checks and unlinks ~500k files. Through node's
// async fs, with the openat walk emulated via /proc/self/fd, that took minutes; here each
// file costs its two syscalls (fstatat, unlinkat) and nothing else.
//
// Safety is the same as src/core/safety/tree.ts, done directly: the root is opened
// O_DIRECTORY|O_NOFOLLOW and must still be the scanned inode; every directory below it is
// opened component by component relative to its parent with O_NOFOLLOW, so a directory
// swapped for a symlink after the scan fails (ELOOP/ENOTDIR) instead of leading outside.
// Each file is re-checked right before its unlink: still a regular file, not changed
// (ctime) since the scan, its body not read (atime) since the scan.
//
// Request (little-endian, 8-aligned records):
//   u32 units, u32 pad, then per unit:
//   f64 data atime seen by the scan, f64 latest ctime seen, u16 dir length,
//   u8 files (1-2), u8 pad, u16 name length x2, u16 pad, then dir, names, padded to 8.
// Result: per unit, 8 bytes: u8 outcome, u8 removed, u8 gone, u8 failed file, i32 errno.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dirwalk.h"

enum { OUT_DONE = 0, OUT_CHANGED = 1, OUT_ERROR = 2, OUT_DIR_GONE = 3 };


static void put(char *out, int outcome, int removed, int gone, int failed, int err) {
  out[0] = (char)outcome;
  out[1] = (char)removed;
  out[2] = (char)gone;
  out[3] = (char)failed;
  int32_t e = err;
  memcpy(out + 4, &e, 4);
}

// Returns 0, or an errno for the root itself (then nothing was touched).
int cachectl_evict(const char *root, double root_ino, const char *req, size_t req_len, int dry_run, char *out) {
  dir_cache c;
  int err = dir_cache_open_root(&c, root, root_ino);
  if (err) return err;
  uint32_t units;
  memcpy(&units, req, 4);
  size_t at = 8;
  for (uint32_t u = 0; u < units && at + 32 <= req_len; u++) {
    double atime, changed;
    uint16_t dlen, nlen[2];
    memcpy(&atime, req + at, 8);
    memcpy(&changed, req + at + 8, 8);
    memcpy(&dlen, req + at + 16, 2);
    int files = (unsigned char)req[at + 18];
    memcpy(nlen, req + at + 20, 4);
    // Never read past the request, whatever its lengths say.
    if (files > 2 || at + 32 + (size_t)dlen + nlen[0] + nlen[1] > req_len) break;
    const char *dir = req + at + 32;
    const char *names[2] = { dir + dlen, dir + dlen + nlen[0] };
    at += (32 + dlen + nlen[0] + nlen[1] + 7) & ~(size_t)7;
    char *o = out + (size_t)u * 8;
    int dfd = open_rel(&c, dir, dlen);
    if (dfd < 0) {
      put(o, errno == ENOENT ? OUT_DIR_GONE : OUT_ERROR, 0, 0, 255, errno); // 255: the directory itself
      continue;
    }
    char name[2][256];
    int outcome = OUT_DONE, failed = 0;
    err = 0;
    for (int f = 0; f < files && outcome == OUT_DONE; f++) {
      if (nlen[f] == 0 || nlen[f] >= 256) { outcome = OUT_ERROR; failed = f; err = EINVAL; break; }
      memcpy(name[f], names[f], nlen[f]);
      name[f][nlen[f]] = 0;
      struct stat st;
      if (fstatat(dfd, name[f], &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT) { outcome = OUT_ERROR; failed = f; err = errno; }
        continue;
      }
      int is_data = nlen[f] > 5 && memcmp(name[f] + nlen[f] - 5, ".data", 5) == 0;
      // ctime, not mtime: mtime may lie in the future (a restore, a clock set back) and
      // would then spare the entry forever; any change moves ctime.
      if (!S_ISREG(st.st_mode) || (is_data && cachectl_ms(st.st_atim) > atime) || cachectl_ms(st.st_ctim) > changed) outcome = OUT_CHANGED;
    }
    if (outcome != OUT_DONE) {
      put(o, outcome, 0, 0, failed, err);
      continue;
    }
    // Header first, then body: httpd then sees a clean miss, never a header without its body.
    int removed = 0, gone = 0;
    for (int f = 0; f < files; f++) {
      if (dry_run) { removed++; continue; }
      if (unlinkat(dfd, name[f], 0) == 0) removed++;
      else if (errno == ENOENT) gone++;
      else { outcome = OUT_ERROR; failed = f; err = errno; break; }
    }
    put(o, outcome, removed, gone, failed, err);
  }
  dir_cache_release(&c);
  return 0;
}
