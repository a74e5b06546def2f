// Checks a batch of the persisted index's directories in one thread-pool job
// (src/core/index/reuseNative.ts): is each directory still the one the index describes
// (same inode, mtime and ctime: httpd renames into place and unlinks, so any store or
// removal changes them), and is every file of its rows still the file the index saw?
// Items and answers: abi.h, verify. File names come from the table's name column, read in
// place (building them as strings in JS, per file, cost more than the checks).
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dirwalk.h"
#include "jobs.h"

#define COL(cols, k, T) ((T *)(cols)->c[k].data)

static void put_dir(blob *b, int state, int err, const struct stat *st) {
  abi_verify_result r = { state, err, st ? (double)st->st_dev : 0, st ? (double)st->st_ino : 0 };
  blob_append(b, &r, sizeof r);
}

// One file of a row: still the one the index saw? A regular file of the same size and
// mtime, neither written nor chmod-ed, chown-ed, linked or renamed since (its ctime is not
// past the row's latest change). Its access time goes to *atime.
static int file_unchanged(int dfd, const char *name, double size, double mtime, double changed, double *atime) {
  struct stat fs;
  if (fstatat(dfd, name, &fs, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(fs.st_mode)) return 0;
  if ((double)fs.st_size != size || abi_ms(fs.st_mtim) != mtime || abi_ms(fs.st_ctim) > changed) return 0;
  *atime = abi_ms(fs.st_atim);
  return 1;
}

// Is every file of every row of the directory still the one the index saw (the rule of
// src/core/index/rowCheck.ts)? A file can change in place without its directory changing
// (chmod, utime, a header rewritten in place), and the header's bytes decide the row's
// class: so every file is checked, the header as well as the body. If all are unchanged,
// their access times go into the table's columns and 1 is returned; else nothing is
// written and the directory is read again.
static int check_rows(verify_cols *cols, int dfd, uint32_t first, uint32_t rows, blob *scratch) {
  const char *bytes = COL(cols, V_NAME_BYTES, const char);
  const uint32_t *start = COL(cols, V_NAME_START, const uint32_t), *len = COL(cols, V_NAME_LEN, const uint32_t);
  const uint8_t *flags = COL(cols, V_FLAGS, const uint8_t);
  double *atime[2] = { COL(cols, V_DATA_ATIME, double), COL(cols, V_HDR_ATIME, double) };
  const double *size[2] = { COL(cols, V_DATA_SIZE, const double), COL(cols, V_HDR_SIZE, const double) };
  const double *mtime[2] = { COL(cols, V_DATA_MTIME, const double), COL(cols, V_HDR_MTIME, const double) };
  const double *changed = COL(cols, V_CHANGED, const double);
  blob_reserve(scratch, 2 * (size_t)rows * sizeof(double));
  double *at = (double *)scratch->buf; // per row: data atime, header atime
  for (uint32_t k = 0; k < rows; k++) {
    uint32_t r = first + k;
    if (r >= cols->rows || start[r] > cols->c[V_NAME_BYTES].len || len[r] > cols->c[V_NAME_BYTES].len - start[r]) return 0;
    at[2 * k] = atime[0][r];
    at[2 * k + 1] = atime[1][r];
    row_file files[2];
    for (int f = 0, n = row_files(flags[r], files); f < n; f++) {
      char name[512];
      int h = files[f].header;
      size_t sl = strlen(files[f].suffix);
      if (len[r] + sl + 1 > sizeof name) return 0;
      memcpy(name, bytes + start[r], len[r]);
      memcpy(name + len[r], files[f].suffix, sl + 1);
      if (!file_unchanged(dfd, name, size[h][r], mtime[h][r], changed[r], &at[2 * k + h])) return 0;
    }
  }
  for (uint32_t k = 0; k < rows; k++) {
    for (int h = 0; h < 2; h++) atime[h][first + k] = at[2 * k + h];
  }
  return 1;
}

int cachectl_verify(const char *root, double root_ino, const char *req, size_t req_len, verify_cols *cols, blob *out) {
  dir_cache c;
  int err = dir_cache_open_root(&c, root, root_ino);
  if (err) return err;
  blob scratch = { 0 };
  size_t at = sizeof(abi_request);
  for (uint32_t d = 0, n = abi_count(req); d < n && at + sizeof(abi_verify_item) <= req_len; d++) {
    abi_verify_item v;
    memcpy(&v, req + at, sizeof v);
    const char *rel = req + at + sizeof v;
    // Never read past the request, whatever its lengths say.
    if (at + sizeof v + v.path_len > req_len) break;
    at += ABI_ALIGN(sizeof v + v.path_len);
    struct stat st;
    int dfd = open_rel(&c, rel, v.path_len);
    if (dfd < 0 || fstat(dfd, &st) != 0) {
      // Not a directory any more (a file or a symlink in its place, which the full walk
      // counts without following): gone as a directory, as when it was removed. Its
      // parent changed too, and is read again.
      put_dir(out, errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? VERIFY_GONE : VERIFY_ERROR, errno, NULL);
      continue;
    }
    if ((double)st.st_ino != v.ino || abi_ms(st.st_mtim) != v.mtime || abi_ms(st.st_ctim) != v.ctime) {
      put_dir(out, VERIFY_CHANGED, 0, &st);
      continue;
    }
    put_dir(out, check_rows(cols, dfd, v.first_row, v.rows, &scratch) ? VERIFY_SAME : VERIFY_CHANGED, 0, &st);
  }
  dir_cache_release(&c);
  free(scratch.buf);
  return 0;
}
