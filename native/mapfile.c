// mapFile(path): a whole file as an ArrayBuffer over a private, writable mapping, for
// the persisted index (src/core/index/decode.ts): reading it into fresh memory would pay
// a first-touch page fault per page, where a mapping of a file in the page cache shares
// its pages. The columns are used in place as typed-array views.
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
