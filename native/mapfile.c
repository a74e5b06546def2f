// mapFile(path): a whole file as an ArrayBuffer over a private, writable mapping, for
// the persisted index (src/core/index/decode.ts). Measured on the 2-vCPU VM: reading a
// 129 MB index into fresh memory took 660-740 ms, nearly all of it first-touch page
// faults of the new anonymous pages; mapping the same file (already in the page cache)
// and touching every page took 3 ms. The columns are used in place as typed-array views.
//
// MAP_PRIVATE: a write to a view (access times refreshed, rows moved) copies that page
// and never reaches the file. The index is only ever replaced by rename, never
// truncated in place, so the mapped inode cannot shrink under us (no SIGBUS).
// Returns the ArrayBuffer, or a negative errno.
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

static napi_value fail(napi_env env, int err) {
  napi_value v;
  napi_create_int32(env, -err, &v);
  return v;
}

napi_value cachectl_map_file(napi_env env, napi_callback_info info) {
  size_t argc = 1, len = 0;
  napi_value argv[1], out;
  char path[4096];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok || len >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "mapFile(path)");
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(env, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) { int e = errno; close(fd); return fail(env, e); }
  if (!S_ISREG(st.st_mode)) { close(fd); return fail(env, EINVAL); }
  size_t size = (size_t)st.st_size;
  if (size == 0) {
    close(fd);
    void *data;
    napi_create_arraybuffer(env, 0, &data, &out);
    return out;
  }
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  int e = errno;
  close(fd);
  if (p == MAP_FAILED) return fail(env, e);
  if (napi_create_external_arraybuffer(env, p, size, unmap, (void *)(uintptr_t)size, &out) != napi_ok) {
    munmap(p, size);
    return fail(env, ENOMEM);
  }
  return out;
}

// dropPages(arrayBuffer, offset, length): MADV_DONTNEED on the whole pages of a mapFile
// mapping inside [offset, offset + length). Only for pages not written yet: a private
// mapping's clean pages are just unmapped (the next touch maps them from the page cache
// again), but a written page's copy would be lost. decode.ts checks the index's CRC-32 in
// chunks and drops each one: the check touches all 102 MB at 500k entries, of which a
// quiet re-run uses ~60%; the rest no longer counts in its RSS.
napi_value cachectl_drop_pages(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  void *data = NULL;
  size_t size = 0;
  double off = 0, len = 0;
  bool is = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_is_arraybuffer(env, argv[0], &is) != napi_ok || !is ||
      napi_get_arraybuffer_info(env, argv[0], &data, &size) != napi_ok ||
      napi_get_value_double(env, argv[1], &off) != napi_ok || napi_get_value_double(env, argv[2], &len) != napi_ok ||
      !(off >= 0) || !(len >= 0) || off + len > (double)size) {
    napi_throw_type_error(env, NULL, "dropPages(arrayBuffer, offset, length)");
    return NULL;
  }
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t base = (uintptr_t)data;
  uintptr_t from = (base + (uintptr_t)off + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  uintptr_t to = (base + (uintptr_t)(off + len)) & ~((uintptr_t)page - 1);
  if (to > from) madvise((void *)from, to - from, MADV_DONTNEED);
  return NULL;
}
