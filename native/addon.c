// N-API glue: each entry point checks its arguments, copies what the job needs and queues
// it on libuv's thread pool; the callback gets the result on the main thread. Every
// buffer's layout is in abi.h; src/core/native/load.ts types these functions.
#include <node_api.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "jobs.h"
#include "readdir.h"

napi_value cachectl_map_file(napi_env env, napi_callback_info info);

// Up to `want` arguments (missing ones are undefined, and fail their type checks).
static napi_value *args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok ? argv : NULL;
}

static char *get_string(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) abort();
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

// A copy of a Buffer's bytes (the job outlives the call, and the caller reuses its buffer).
static char *copy_buffer(napi_env env, napi_value v, size_t *len) {
  void *data;
  bool is = false;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is || napi_get_buffer_info(env, v, &data, len) != napi_ok) return NULL;
  char *copy = malloc(*len ? *len : 1);
  if (!copy) abort();
  memcpy(copy, data, *len);
  return copy;
}

static int get_bool(napi_env env, napi_value v, int *out) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) return 0;
  *out = b;
  return 1;
}

static int is_function(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_function;
}

// What every job has: its callback, the work, and a result.
typedef struct {
  napi_async_work work;
  napi_ref cb;
  blob out;
  int status;
} job;

static int queue(napi_env env, napi_value cb, const char *name, napi_async_execute_callback exec, napi_async_complete_callback done, job *j) {
  napi_value label;
  return napi_create_reference(env, cb, 1, &j->cb) == napi_ok &&
         napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &label) == napi_ok &&
         napi_create_async_work(env, NULL, label, exec, done, j, &j->work) == napi_ok &&
         napi_queue_async_work(env, j->work) == napi_ok;
}

static void finish(napi_env env, job *j) {
  napi_delete_reference(env, j->cb);
  napi_delete_async_work(env, j->work);
  free(j->out.buf);
}

// readTree(path, dev, ino, readHeaders, cb(segments)) and readDirs(request, readHeaders,
// cb(segments)): a subtree, or a batch of single directories, in one job.
typedef struct {
  job base;
  char *path, *request; // readTree: the top; readDirs: the request (abi.h, read item)
  size_t request_len;
  double dev, ino;
  int headers;
} read_job;

static void exec_read_tree(napi_env env, void *data) {
  read_job *j = data;
  cachectl_read_tree(&j->base.out, j->path, j->dev, j->ino, j->headers);
  // A subtree's packs are built in this pool thread's malloc arena; without a trim the
  // arenas keep that memory after the job.
  malloc_trim(0);
}

static void exec_read_dirs(napi_env env, void *data) {
  read_job *j = data;
  abi_request head;
  memcpy(&head, j->request, sizeof head);
  size_t at = sizeof head;
  for (uint32_t i = 0; i < head.count && at + sizeof(abi_read_item) <= j->request_len; i++) {
    abi_read_item item;
    memcpy(&item, j->request + at, sizeof item);
    if (at + sizeof item + item.path_len > j->request_len) break;
    char *path = strndup(j->request + at + sizeof item, item.path_len);
    if (!path) abort();
    pack p;
    pack_init(&p);
    cachectl_read_dir(&p, path, item.dev, item.ino, j->headers);
    pack_segment(&p, "", __atomic_load_n(&cachectl_noatime_denied, __ATOMIC_RELAXED), &j->base.out);
    free(path);
    at += ABI_ALIGN(sizeof item + item.path_len);
  }
}

static void free_blob(napi_env env, void *data, void *hint) { free(data); }

// The result is handed over as an external buffer, not copied (a subtree's is megabytes),
// and detached once the callback returns: it decodes the segments at once and keeps no
// view of them, and V8 would otherwise free the memory only at some later GC.
static void done_read(napi_env env, napi_status status, void *data) {
  read_job *j = data;
  napi_value cb, undef, buf;
  napi_get_undefined(env, &undef);
  buf = undef;
  if (status == napi_ok && napi_create_external_buffer(env, j->base.out.len, j->base.out.buf ? j->base.out.buf : malloc(1), free_blob, NULL, &buf) == napi_ok) {
    j->base.out.buf = NULL;
  }
  napi_get_reference_value(env, j->base.cb, &cb);
  napi_call_function(env, undef, cb, 1, &buf, NULL);
  napi_value ab;
  if (buf != undef && napi_get_typedarray_info(env, buf, NULL, NULL, NULL, &ab, NULL) == napi_ok) napi_detach_arraybuffer(env, ab);
  finish(env, &j->base);
  free(j->path);
  free(j->request);
  free(j);
}

static napi_value read_tree(napi_env env, napi_callback_info info) {
  napi_value argv[5], *a = args(env, info, 5, argv);
  read_job *j = calloc(1, sizeof *j);
  if (!j) abort();
  if (!a || !(j->path = get_string(env, a[0])) || napi_get_value_double(env, a[1], &j->dev) != napi_ok ||
      napi_get_value_double(env, a[2], &j->ino) != napi_ok || !get_bool(env, a[3], &j->headers) || !is_function(env, a[4])) {
    free(j->path);
    free(j);
    napi_throw_type_error(env, NULL, "readTree(path, dev, ino, readHeaders, cb)");
  } else if (!queue(env, a[4], "cachectl.readTree", exec_read_tree, done_read, &j->base)) {
    napi_throw_error(env, NULL, "cannot queue readTree");
  }
  return NULL;
}

static napi_value read_dirs(napi_env env, napi_callback_info info) {
  napi_value argv[3], *a = args(env, info, 3, argv);
  read_job *j = calloc(1, sizeof *j);
  if (!j) abort();
  if (!a || !(j->request = copy_buffer(env, a[0], &j->request_len)) || j->request_len < sizeof(abi_request) ||
      !get_bool(env, a[1], &j->headers) || !is_function(env, a[2])) {
    free(j->request);
    free(j);
    napi_throw_type_error(env, NULL, "readDirs(request, readHeaders, cb)");
  } else if (!queue(env, a[2], "cachectl.readDirs", exec_read_dirs, done_read, &j->base)) {
    napi_throw_error(env, NULL, "cannot queue readDirs");
  }
  return NULL;
}

// verify(root, rootIno, request, rows, paths, cb(status, results)) and evict(root, rootIno,
// request, dryRun, cb(status, results)): jobs below the root (jobs.h).
typedef struct {
  job base;
  char *root, *request;
  size_t request_len;
  double root_ino;
  int dry_run;
  verify_cols cols;
  napi_ref refs[V_COLUMNS];
} root_job;

static void exec_verify(napi_env env, void *data) {
  root_job *j = data;
  j->base.status = cachectl_verify(j->root, j->root_ino, j->request, j->request_len, &j->cols, &j->base.out);
}

static void exec_evict(napi_env env, void *data) {
  root_job *j = data;
  abi_request head;
  memcpy(&head, j->request, sizeof head);
  j->base.out.len = (size_t)head.count * sizeof(abi_evict_result);
  j->base.out.buf = calloc(head.count ? head.count : 1, sizeof(abi_evict_result));
  if (!j->base.out.buf) abort();
  j->base.status = cachectl_evict(j->root, j->root_ino, j->request, j->request_len, j->dry_run, (abi_evict_result *)j->base.out.buf);
}

static void free_root_job(napi_env env, root_job *j) {
  for (int i = 0; i < V_COLUMNS; i++) if (j->refs[i]) napi_delete_reference(env, j->refs[i]);
  free(j->root);
  free(j->request);
  free(j);
}

static void done_root(napi_env env, napi_status status, void *data) {
  root_job *j = data;
  napi_value cb, undef, argv[2];
  void *copy;
  napi_get_undefined(env, &undef);
  napi_create_int32(env, status == napi_ok ? j->base.status : ECANCELED, &argv[0]);
  if (napi_create_buffer_copy(env, j->base.out.len, j->base.out.buf ? j->base.out.buf : "", &copy, &argv[1]) != napi_ok) argv[1] = undef;
  napi_get_reference_value(env, j->base.cb, &cb);
  napi_call_function(env, undef, cb, 2, argv, NULL);
  finish(env, &j->base);
  free_root_job(env, j);
}

// Property `name` of `obj`: a typed array of `type`, referenced for the job's life.
static int hold(napi_env env, napi_value obj, const char *name, napi_typedarray_type type, column *c, napi_ref *ref) {
  napi_value v, ab;
  napi_typedarray_type got;
  size_t off;
  bool is = false;
  return napi_get_named_property(env, obj, name, &v) == napi_ok && napi_is_typedarray(env, v, &is) == napi_ok && is &&
         napi_get_typedarray_info(env, v, &got, &c->len, &c->data, &ab, &off) == napi_ok && got == type &&
         napi_create_reference(env, v, 1, ref) == napi_ok;
}

// The columns verify reads (jobs.h, verify_cols), from its `rows` and `paths` objects.
static int hold_columns(napi_env env, napi_value rows, napi_value paths, root_job *j) {
  static const struct { int col, rows; const char *name; napi_typedarray_type type; } want[V_COLUMNS] = {
    { V_NAME_BYTES, 1, "nameBytes", napi_uint8_array }, { V_NAME_START, 1, "nameStart", napi_uint32_array },
    { V_NAME_LEN, 1, "nameLen", napi_uint32_array }, { V_FLAGS, 1, "flags", napi_uint8_array },
    { V_DATA_SIZE, 1, "dataSize", napi_float64_array }, { V_HDR_SIZE, 1, "hdrSize", napi_float64_array },
    { V_CHANGED, 1, "changed", napi_float64_array }, { V_DATA_ATIME, 1, "dataAtime", napi_float64_array },
    { V_HDR_ATIME, 1, "hdrAtime", napi_float64_array }, { V_DATA_MTIME, 1, "dataMtime", napi_float64_array },
    { V_HDR_MTIME, 1, "hdrMtime", napi_float64_array }, { V_PATH_BYTES, 0, "bytes", napi_uint8_array },
    { V_PATH_START, 0, "start", napi_uint32_array }, { V_PATH_LEN, 0, "len", napi_uint32_array },
  };
  j->cols.rows = j->cols.paths = (size_t)-1;
  for (int i = 0; i < V_COLUMNS; i++) {
    column *c = &j->cols.c[want[i].col];
    if (!hold(env, want[i].rows ? rows : paths, want[i].name, want[i].type, c, &j->refs[want[i].col])) return 0;
    size_t *n = want[i].rows ? &j->cols.rows : &j->cols.paths;
    if (want[i].col != V_NAME_BYTES && want[i].col != V_PATH_BYTES && c->len < *n) *n = c->len;
  }
  return 1;
}

static root_job *root_args(napi_env env, napi_value *a) {
  root_job *j = calloc(1, sizeof *j);
  if (!j) abort();
  if (!a || !(j->root = get_string(env, a[0])) || napi_get_value_double(env, a[1], &j->root_ino) != napi_ok ||
      !(j->request = copy_buffer(env, a[2], &j->request_len)) || j->request_len < sizeof(abi_request)) {
    free(j->root);
    free(j->request);
    free(j);
    return NULL;
  }
  return j;
}

static napi_value verify(napi_env env, napi_callback_info info) {
  napi_value argv[6], *a = args(env, info, 6, argv);
  root_job *j = root_args(env, a);
  if (!j || !hold_columns(env, a[3], a[4], j) || !is_function(env, a[5])) {
    if (j) free_root_job(env, j);
    napi_throw_type_error(env, NULL, "verify(root, rootIno, request, rows, paths, cb)");
  } else if (!queue(env, a[5], "cachectl.verify", exec_verify, done_root, &j->base)) {
    napi_throw_error(env, NULL, "cannot queue verify");
  }
  return NULL;
}

static napi_value evict(napi_env env, napi_callback_info info) {
  napi_value argv[5], *a = args(env, info, 5, argv);
  root_job *j = root_args(env, a);
  if (!j || !get_bool(env, a[3], &j->dry_run) || !is_function(env, a[4])) {
    if (j) free_root_job(env, j);
    napi_throw_type_error(env, NULL, "evict(root, rootIno, request, dryRun, cb)");
  } else if (!queue(env, a[4], "cachectl.evict", exec_evict, done_root, &j->base)) {
    napi_throw_error(env, NULL, "cannot queue evict");
  }
  return NULL;
}

// layout(): abi.h's sizes, offsets and values as { group: { name: value } }, for the loader
// to refuse a binary built from another abi.h, and for test/native/abi.test.ts.
static napi_value layout(napi_env env, napi_callback_info info) {
  static const struct { const char *group, *name; double value; } items[] = {
#define ITEM(group, name, value) { group, name, (double)(value) },
    ABI_LAYOUT(ITEM)
#undef ITEM
  };
  napi_value out, group = NULL, v;
  napi_create_object(env, &out);
  for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
    // A group's items are listed together.
    if (i == 0 || strcmp(items[i].group, items[i - 1].group) != 0) {
      napi_create_object(env, &group);
      napi_set_named_property(env, out, items[i].group, group);
    }
    napi_create_double(env, items[i].value, &v);
    napi_set_named_property(env, group, items[i].name, v);
  }
  return out;
}

#ifdef CACHECTL_TEST_HOOKS
// _fault(op, name, errno): see readdir.c. op 0 clears.
static napi_value set_fault(napi_env env, napi_callback_info info) {
  napi_value argv[3], *a = args(env, info, 3, argv);
  int32_t op = 0, err = 0;
  size_t len = 0;
  if (!a || napi_get_value_int32(env, a[0], &op) != napi_ok || napi_get_value_int32(env, a[2], &err) != napi_ok ||
      napi_get_value_string_utf8(env, a[1], cachectl_fault.name, sizeof cachectl_fault.name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "_fault(op, name, errno)");
    return NULL;
  }
  cachectl_fault.err = err;
  __atomic_store_n(&cachectl_fault.op, op, __ATOMIC_RELEASE);
  return NULL;
}

// readDirSync(path, dev, ino, readHeaders): one directory as one segment, on this thread.
static napi_value read_dir_sync(napi_env env, napi_callback_info info) {
  napi_value argv[4], *a = args(env, info, 4, argv), buf;
  char *path = a ? get_string(env, a[0]) : NULL;
  double dev, ino;
  int headers;
  void *copy;
  if (!path || napi_get_value_double(env, a[1], &dev) != napi_ok || napi_get_value_double(env, a[2], &ino) != napi_ok ||
      !get_bool(env, a[3], &headers)) {
    free(path);
    napi_throw_type_error(env, NULL, "readDirSync(path, dev, ino, readHeaders)");
    return NULL;
  }
  pack p;
  blob out = { 0 };
  pack_init(&p);
  cachectl_read_dir(&p, path, dev, ino, headers);
  pack_segment(&p, "", __atomic_load_n(&cachectl_noatime_denied, __ATOMIC_RELAXED), &out);
  napi_status s = napi_create_buffer_copy(env, out.len, out.buf, &copy, &buf);
  free(out.buf);
  free(path);
  return s == napi_ok ? buf : NULL;
}
#endif

#define FN(name, f) { name, NULL, f, NULL, NULL, NULL, napi_enumerable, NULL }
NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    FN("readTree", read_tree), FN("readDirs", read_dirs), FN("verify", verify), FN("evict", evict),
    FN("mapFile", cachectl_map_file), FN("layout", layout),
#ifdef CACHECTL_TEST_HOOKS
    FN("_fault", set_fault), FN("readDirSync", read_dir_sync),
#endif
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}
