// A batch of eviction steps in one thread-pool job (src/core/prune/evictNative.ts): each
// file costs its two syscalls (fstatat, unlinkat) and nothing else.
//
// Safety is the same as src/core/safety/tree.ts, done directly: the root is opened
// O_DIRECTORY|O_NOFOLLOW and must still be the scanned inode; every directory below it is
// opened component by component relative to its parent with O_NOFOLLOW, so a directory
// swapped for a symlink after the scan fails (ELOOP/ENOTDIR) instead of leading outside.
// Each file is re-checked right before its unlink: still a regular file, not changed
// (ctime) since the scan, its body not read (atime) since the scan.
// Items and answers: abi.h, evict.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dirwalk.h"
#include "jobs.h"

static abi_evict_result result(int outcome, int removed, int gone, int failed, int err) {
  return (abi_evict_result){ (uint8_t)outcome, (uint8_t)removed, (uint8_t)gone, (uint8_t)failed, err };
}

// Re-checks and unlinks one unit's files in the open directory `dfd`.
static abi_evict_result evict_unit(int dfd, const abi_evict_item *u, const char *stem, int dry_run) {
  row_file files[2];
  int n = row_files(u->flags, files);
  char name[2][256];
  for (int f = 0; f < n; f++) {
    size_t sl = strlen(files[f].suffix), len = u->stem_len + sl;
    if (len == 0 || len >= sizeof name[f]) return result(EVICT_ERROR, 0, 0, f, EINVAL);
    memcpy(name[f], stem, u->stem_len);
    memcpy(name[f] + u->stem_len, files[f].suffix, sl + 1);
    struct stat st;
    if (fstatat(dfd, name[f], &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) return result(EVICT_ERROR, 0, 0, f, errno);
      continue;
    }
    // A body read since the scan was used: spared (src/core/prune/evict.ts, by name too).
    // ctime, not mtime: mtime may lie in the future (a restore, a clock set back) and
    // would then spare the entry forever; any change moves ctime.
    int body = len > 5 && memcmp(name[f] + len - 5, ".data", 5) == 0;
    if (!S_ISREG(st.st_mode) || (body && abi_ms(st.st_atim) > u->atime) || abi_ms(st.st_ctim) > u->changed) {
      return result(EVICT_CHANGED, 0, 0, 0, 0);
    }
  }
  // Header first, then body (row_files' order): httpd then sees a clean miss, never a
  // header without its body.
  int removed = 0, gone = 0;
  for (int f = 0; f < n; f++) {
    if (dry_run || unlinkat(dfd, name[f], 0) == 0) removed++;
    else if (errno == ENOENT) gone++;
    else return result(EVICT_ERROR, removed, gone, f, errno);
  }
  return result(EVICT_DONE, removed, gone, 0, 0);
}

int cachectl_evict(const char *root, double root_ino, const char *req, size_t req_len, int dry_run, abi_evict_result *out) {
  dir_cache c;
  int err = dir_cache_open_root(&c, root, root_ino);
  if (err) return err;
  size_t at = sizeof(abi_request);
  for (uint32_t u = 0, n = abi_count(req); u < n && at + sizeof(abi_evict_item) <= req_len; u++) {
    abi_evict_item item;
    memcpy(&item, req + at, sizeof item);
    const char *dir = req + at + sizeof item;
    // Never read past the request, whatever its lengths say.
    if (at + sizeof item + item.dir_len + item.stem_len > req_len) break;
    at += ABI_ALIGN(sizeof item + item.dir_len + item.stem_len);
    int dfd = open_rel(&c, dir, item.dir_len);
    out[u] = dfd < 0 ? result(errno == ENOENT ? EVICT_DIR_GONE : EVICT_ERROR, 0, 0, EVICT_FAILED_DIR, errno)
                     : evict_unit(dfd, &item, dir + item.dir_len, dry_run);
  }
  dir_cache_release(&c);
  return 0;
}
