// N-API glue. Every asynchronous entry point is one row of ENTRIES: its fixed argument
// list, and the work it queues on libuv's thread pool. call() checks and copies the
// arguments into a job (the job outlives the call), queues it, and done() hands the result
// to the callback on the main thread. Every buffer's layout is in abi.h;
// src/core/native/load.ts types these functions.
#include <node_api.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jobs.h"

// How a job answers: cb(segments), the buffer detached once cb returns (readDirs);
// cb(status, results) (verify, evict); or run on this thread, nothing returned (the test hook).
enum { ANSWER_SEGMENTS, ANSWER_STATUS, ANSWER_RETURN };

typedef struct {
  const char *name, *usage;
  // One letter per argument: s string, d number, b boolean, r request (a Buffer, copied),
  // R verify's row columns (held in place), f callback.
  const char *args;
  napi_async_execute_callback exec;
  int answer;
} entry;

// One call's job: its arguments, callback and result.
typedef struct {
  const entry *entry;
  napi_async_work work;
  napi_ref cb;
  char *path;          // verify, evict: the cache root
  char *request;       // readDirs, verify, evict (abi.h)
  size_t request_len;
  double num[2];       // verify, evict: the root's inode
  int flag[2];         // readDirs: readHeaders, subtree; evict: dryRun
  verify_cols cols;    // verify: the columns it reads in place,
  napi_ref refs[V_COLUMNS]; // referenced for the job's life
  blob out;
  int status;
} job;

static void exec_read_dirs(napi_env env, void *data) {
  job *j = data;
  size_t at = sizeof(abi_request);
  for (uint32_t i = 0, n = abi_count(j->request); i < n && at + sizeof(abi_read_item) <= j->request_len; i++) {
    abi_read_item item;
    memcpy(&item, j->request + at, sizeof item);
    if (at + sizeof item + item.path_len > j->request_len) break;
    char *path = strndup(j->request + at + sizeof item, item.path_len);
    if (!path) abort();
    cachectl_read_tree(&j->out, path, item.dev, item.ino, j->flag[0], j->flag[1]);
    free(path);
    at += ABI_ALIGN(sizeof item + item.path_len);
  }
  // A subtree's packs are built in this pool thread's malloc arena; without a trim the
  // arenas keep that memory after the job.
  if (j->flag[1]) malloc_trim(0);
}

static void exec_verify(napi_env env, void *data) {
  job *j = data;
  j->status = cachectl_verify(j->path, j->num[0], j->request, j->request_len, &j->cols, &j->out);
}

static void exec_evict(napi_env env, void *data) {
  job *j = data;
  uint32_t n = abi_count(j->request);
  j->out.len = (size_t)n * sizeof(abi_evict_result);
  j->out.buf = calloc(n ? n : 1, sizeof(abi_evict_result));
  if (!j->out.buf) abort();
  j->status = cachectl_evict(j->path, j->num[0], j->request, j->request_len, j->flag[0], (abi_evict_result *)j->out.buf);
}

static char *get_string(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) abort();
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

// A copy of a Buffer's bytes (the caller reuses its buffer).
static char *copy_buffer(napi_env env, napi_value v, size_t *len) {
  void *data;
  bool is = false;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is || napi_get_buffer_info(env, v, &data, len) != napi_ok) return NULL;
  char *copy = malloc(*len ? *len : 1);
  if (!copy) abort();
  memcpy(copy, data, *len);
  return copy;
}

// The columns verify reads (jobs.h, verify_cols): properties of `obj`.
static int hold_columns(napi_env env, napi_value obj, job *j) {
  static const struct { const char *name; napi_typedarray_type type; } want[V_COLUMNS] = {
    [V_NAME_BYTES] = { "nameBytes", napi_uint8_array }, [V_NAME_START] = { "nameStart", napi_uint32_array },
    [V_NAME_LEN] = { "nameLen", napi_uint32_array }, [V_FLAGS] = { "flags", napi_uint8_array },
    [V_DATA_SIZE] = { "dataSize", napi_float64_array }, [V_HDR_SIZE] = { "hdrSize", napi_float64_array },
    [V_CHANGED] = { "changed", napi_float64_array }, [V_DATA_ATIME] = { "dataAtime", napi_float64_array },
    [V_HDR_ATIME] = { "hdrAtime", napi_float64_array }, [V_DATA_MTIME] = { "dataMtime", napi_float64_array },
    [V_HDR_MTIME] = { "hdrMtime", napi_float64_array },
  };
  j->cols.rows = (size_t)-1;
  for (int i = 0; i < V_COLUMNS; i++) {
    column *c = &j->cols.c[i];
    napi_value v;
    napi_typedarray_type got;
    // A value that is not a typed array fails napi_get_typedarray_info (napi_invalid_arg).
    if (napi_get_named_property(env, obj, want[i].name, &v) != napi_ok ||
        napi_get_typedarray_info(env, v, &got, &c->len, &c->data, NULL, NULL) != napi_ok || got != want[i].type ||
        napi_create_reference(env, v, 1, &j->refs[i]) != napi_ok) return 0;
    // The name bytes are indexed through the others: every other column bounds the count.
    if (i != V_NAME_BYTES && c->len < j->cols.rows) j->cols.rows = c->len;
  }
  return 1;
}

static void free_job(napi_env env, job *j) {
  for (int i = 0; i < V_COLUMNS; i++) if (j->refs[i]) napi_delete_reference(env, j->refs[i]);
  if (j->cb) napi_delete_reference(env, j->cb);
  if (j->work) napi_delete_async_work(env, j->work);
  free(j->out.buf);
  free(j->path);
  free(j->request);
  free(j);
}

static void free_blob(napi_env env, void *data, void *hint) { free(data); }

// The result is handed over as an external buffer, not copied (a subtree's is megabytes).
// Segments are detached once the callback returns: it decodes them at once and keeps no
// view of them, and V8 would otherwise free the memory only at some later GC.
static void done(napi_env env, napi_status status, void *data) {
  job *j = data;
  napi_value cb, undef, argv[2], ab;
  napi_get_undefined(env, &undef);
  napi_create_int32(env, status == napi_ok ? j->status : ECANCELED, &argv[0]);
  argv[1] = undef;
  if (napi_create_external_buffer(env, j->out.len, j->out.buf ? j->out.buf : malloc(1), free_blob, NULL, &argv[1]) == napi_ok) j->out.buf = NULL;
  int segments = j->entry->answer == ANSWER_SEGMENTS;
  napi_get_reference_value(env, j->cb, &cb);
  napi_call_function(env, undef, cb, segments ? 1 : 2, argv + segments, NULL);
  if (segments && argv[1] != undef && napi_get_typedarray_info(env, argv[1], NULL, NULL, NULL, &ab, NULL) == napi_ok) napi_detach_arraybuffer(env, ab);
  free_job(env, j);
}

static napi_value call(napi_env env, napi_callback_info info) {
  const entry *e;
  napi_value argv[6], cb = NULL, label;
  size_t argc = 6; // missing arguments are undefined, and fail their checks
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&e) != napi_ok) return NULL;
  job *j = calloc(1, sizeof *j);
  if (!j) abort();
  j->entry = e;
  int ok = 1, nums = 0, flags = 0;
  for (int i = 0; ok && e->args[i]; i++) {
    napi_valuetype t;
    bool b;
    switch (e->args[i]) {
      case 's': ok = (j->path = get_string(env, argv[i])) != NULL; break;
      case 'd': ok = napi_get_value_double(env, argv[i], &j->num[nums++]) == napi_ok; break;
      case 'b': ok = napi_get_value_bool(env, argv[i], &b) == napi_ok, j->flag[flags++] = b; break;
      case 'r': ok = (j->request = copy_buffer(env, argv[i], &j->request_len)) && j->request_len >= sizeof(abi_request); break;
      case 'R': ok = hold_columns(env, argv[i], j); break;
      case 'f': ok = napi_typeof(env, argv[i], &t) == napi_ok && t == napi_function, cb = argv[i]; break;
    }
  }
  if (!ok) {
    napi_throw_type_error(env, NULL, e->usage);
  } else if (e->answer == ANSWER_RETURN) {
    e->exec(env, j);
  } else if (napi_create_reference(env, cb, 1, &j->cb) == napi_ok && napi_create_string_utf8(env, e->name, NAPI_AUTO_LENGTH, &label) == napi_ok &&
             napi_create_async_work(env, NULL, label, e->exec, done, j, &j->work) == napi_ok && napi_queue_async_work(env, j->work) == napi_ok) {
    return NULL;
  } else {
    char msg[64];
    snprintf(msg, sizeof msg, "cannot queue %s", e->name);
    napi_throw_error(env, NULL, msg);
  }
  free_job(env, j);
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
static void exec_set_fault(napi_env env, void *data) {
  job *j = data;
  snprintf(cachectl_fault.name, sizeof cachectl_fault.name, "%s", j->path);
  cachectl_fault.err = (int)j->num[1];
  __atomic_store_n(&cachectl_fault.op, (int)j->num[0], __ATOMIC_RELEASE);
}
#endif

static const entry ENTRIES[] = {
  { "readDirs", "readDirs(request, readHeaders, subtree, cb)", "rbbf", exec_read_dirs, ANSWER_SEGMENTS },
  { "verify", "verify(root, rootIno, request, rows, cb)", "sdrRf", exec_verify, ANSWER_STATUS },
  { "evict", "evict(root, rootIno, request, dryRun, cb)", "sdrbf", exec_evict, ANSWER_STATUS },
#ifdef CACHECTL_TEST_HOOKS
  { "_fault", "_fault(op, name, errno)", "dsd", exec_set_fault, ANSWER_RETURN },
#endif
};
#define ENTRY_COUNT (sizeof ENTRIES / sizeof *ENTRIES)

#define FN(name, f, data) ((napi_property_descriptor){ name, NULL, f, NULL, NULL, NULL, napi_enumerable, (void *)(data) })
NAPI_MODULE_INIT() {
  napi_property_descriptor props[ENTRY_COUNT + 1];
  size_t n = 0;
  for (size_t i = 0; i < ENTRY_COUNT; i++) props[n++] = FN(ENTRIES[i].name, call, &ENTRIES[i]);
  props[n++] = FN("layout", layout, NULL);
  napi_define_properties(env, exports, n, props);
  return exports;
}
