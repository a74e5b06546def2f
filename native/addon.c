// N-API glue: readDir(path, dev, ino, readHeaders, cb) runs cachectl_read_dir on libuv's
// thread pool and calls cb(buffer) on the main thread; readTree the same for a whole
// subtree (one job instead of one per directory); readDirSync is readDir, inline.
#include <node_api.h>
#include <errno.h>
#include <stdint.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "pack.h"

int cachectl_noatime_denied = 0;
void cachectl_read_dir(pack *p, const char *path, double expect_dev, double expect_ino, int read_headers);
void cachectl_read_tree(blob *out, const char *path, double expect_dev, double expect_ino, int read_headers);

typedef struct {
  napi_async_work work;
  napi_ref cb;
  char *path;
  double dev, ino;
  int headers;
  int tree;
  // readDirs: the batch request (see read_batch_dirs).
  char *batch;
  size_t batch_len;
  char *out;
  size_t out_len;
} read_job;


static char *get_path(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) abort();
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

static void read_batch_dirs(blob *out, const char *req, size_t len, int read_headers);

static void run(read_job *j) {
  if (j->tree == 2) {
    blob b = { 0 };
    read_batch_dirs(&b, j->batch, j->batch_len, j->headers);
    j->out = b.buf ? b.buf : malloc(1);
    j->out_len = b.len;
    return;
  }
  if (j->tree) {
    blob b = { 0 };
    cachectl_read_tree(&b, j->path, j->dev, j->ino, j->headers);
    j->out = b.buf ? b.buf : malloc(1);
    j->out_len = b.len;
    // A subtree's packs are built in this pool thread's malloc arena; without a trim the
    // arenas keep that memory (measured at 500k entries: +30 MB peak RSS). A fixed mmap
    // threshold cut more (-50 MB) but cost 40% more time in page faults: not worth it.
    malloc_trim(0);
    return;
  }
  pack p;
  pack_init(&p);
  cachectl_read_dir(&p, j->path, j->dev, j->ino, j->headers);
  pack_set_noatime_denied(&p, __atomic_load_n(&cachectl_noatime_denied, __ATOMIC_RELAXED));
  j->out = pack_finish(&p, &j->out_len);
}

// Copied into a V8-owned buffer, not wrapped as an external one: measured, an external
// buffer (finalizer + external-memory accounting) cost ~36 us per call, a copy ~1 us.
// Keeps `cb` alive and queues `data` on the thread pool: exec runs there, done on the main thread.
static int queue_job(napi_env env, napi_value cb, const char *label, napi_async_execute_callback exec,
                     napi_async_complete_callback done, void *data, napi_async_work *work, napi_ref *ref) {
  napi_value name;
  return napi_create_reference(env, cb, 1, ref) == napi_ok &&
         napi_create_string_utf8(env, label, NAPI_AUTO_LENGTH, &name) == napi_ok &&
         napi_create_async_work(env, NULL, name, exec, done, data, work) == napi_ok &&
         napi_queue_async_work(env, *work) == napi_ok;
}

// A copy of a JS buffer's bytes (the job outlives the call and the buffer may be reused).
static char *copy_buffer(napi_env env, napi_value v, size_t *len) {
  void *data;
  bool is_buffer = false;
  *len = 0;
  if (napi_is_buffer(env, v, &is_buffer) != napi_ok || !is_buffer || napi_get_buffer_info(env, v, &data, len) != napi_ok) return NULL;
  char *copy = malloc(*len ? *len : 1);
  if (!copy) abort();
  memcpy(copy, data, *len);
  return copy;
}

static napi_value to_buffer(napi_env env, char *data, size_t len) {
  napi_value buf;
  void *copy;
  napi_status s = napi_create_buffer_copy(env, len, data, &copy, &buf);
  free(data);
  return s == napi_ok ? buf : NULL;
}

static int parse_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, read_job *j) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) return 0;
  j->path = get_path(env, argv[0]);
  bool headers = false;
  if (!j->path || napi_get_value_double(env, argv[1], &j->dev) != napi_ok ||
      napi_get_value_double(env, argv[2], &j->ino) != napi_ok ||
      napi_get_value_bool(env, argv[3], &headers) != napi_ok) {
    free(j->path);
    return 0;
  }
  j->headers = headers;
  return 1;
}

static void exec_read(napi_env env, void *data) { (void)env; run(data); }

static void free_out(napi_env env, void *data, void *hint) { (void)env; (void)hint; free(data); }

static void done_read(napi_env env, napi_status status, void *data) {
  read_job *j = data;
  napi_value cb, undef, buf = NULL;
  // A subtree's result (a few MB, 64 of them per scan) is handed over, not copied: the
  // ~36 us an external buffer costs is nothing there, and a copy doubled the memory each
  // job holds in flight. Per-directory results stay copies (see to_buffer).
  if (status == napi_ok && j->tree == 1 && j->out_len > 0) {
    if (napi_create_external_buffer(env, j->out_len, j->out, free_out, NULL, &buf) != napi_ok) { free(j->out); buf = NULL; }
  } else if (status == napi_ok) buf = to_buffer(env, j->out, j->out_len);
  else free(j->out);
  napi_get_reference_value(env, j->cb, &cb);
  napi_get_undefined(env, &undef);
  if (!buf) buf = undef;
  napi_call_function(env, undef, cb, 1, &buf, NULL);
  // The callback decodes a subtree's result at once and keeps no view of it, so it is
  // released now rather than at some later GC: V8 only collects for external memory
  // past ~64 MB, and 10-15 of these results (3-4 MB each) used to wait for it, a third
  // of a 500k scan's peak RSS. A callback that threw leaves the buffer to the GC.
  if (j->tree == 1 && buf != undef) {
    napi_value ab;
    if (napi_get_typedarray_info(env, buf, NULL, NULL, NULL, &ab, NULL) == napi_ok) napi_detach_arraybuffer(env, ab);
  }
  napi_delete_reference(env, j->cb);
  napi_delete_async_work(env, j->work);
  free(j->path);
  free(j->batch);
  free(j);
}

// readDir(path, dev, ino, readHeaders, cb), readTree the same for a subtree.
static napi_value queue_read(napi_env env, napi_callback_info info, int tree) {
  napi_value argv[5];
  read_job *j = calloc(1, sizeof *j);
  if (!j) abort();
  j->tree = tree;
  if (!parse_args(env, info, 5, argv, j)) {
    free(j);
    napi_throw_type_error(env, NULL, "readDir(path, dev, ino, readHeaders, cb)");
    return NULL;
  }
  if (!queue_job(env, argv[4], "cachectl.readDir", exec_read, done_read, j, &j->work, &j->cb)) napi_throw_error(env, NULL, "cannot queue readDir");
  return NULL;
}

// A typed array's (or Buffer's) memory and element count, referenced for the job's life.
static int hold_array(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len, napi_ref *ref) {
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, len, data, &ab, &off) != napi_ok || type != want) return 0;
  return napi_create_reference(env, v, 1, ref) == napi_ok;
}

// readDirs(request, readHeaders, cb): several directories in one thread-pool job (the
// changed directories of the index; one job per directory cost ~150 us of main-thread
// time each). Request: u32 count, u32 pad, then per directory f64 dev, f64 ino, u32 path
// length, u32 pad x3, the absolute path, padded to 8.
// Result: one tree segment (pack.h) per directory, in request order, rel = "".
static void read_batch_dirs(blob *out, const char *req, size_t len, int read_headers) {
  uint32_t n;
  if (len < 8) return;
  memcpy(&n, req, 4);
  size_t at = 8;
  for (uint32_t i = 0; i < n && at + 32 <= len; i++) {
    double dev, ino;
    uint32_t pl;
    memcpy(&dev, req + at, 8);
    memcpy(&ino, req + at + 8, 8);
    memcpy(&pl, req + at + 16, 4);
    if (at + 32 + (size_t)pl > len) break;
    char *path = strndup(req + at + 32, pl);
    if (!path) abort();
    pack p;
    pack_init(&p);
    cachectl_read_dir(&p, path, dev, ino, read_headers);
    pack_set_noatime_denied(&p, __atomic_load_n(&cachectl_noatime_denied, __ATOMIC_RELAXED));
    size_t plen;
    char *packed = pack_finish(&p, &plen);
    blob_segment(out, "", packed, plen);
    free(packed);
    free(path);
    at = (at + 32 + pl + 7) & ~(size_t)7;
  }
}

static napi_value read_dirs(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  bool headers = false;
  read_job *j = calloc(1, sizeof *j);
  if (!j) abort();
  j->tree = 2;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      !(j->batch = copy_buffer(env, argv[0], &j->batch_len)) || napi_get_value_bool(env, argv[1], &headers) != napi_ok) {
    free(j->batch);
    free(j);
    napi_throw_type_error(env, NULL, "readDirs(request, readHeaders, cb)");
    return NULL;
  }
  j->headers = headers;
  if (!queue_job(env, argv[2], "cachectl.readDirs", exec_read, done_read, j, &j->work, &j->cb)) napi_throw_error(env, NULL, "cannot queue readDirs");
  return NULL;
}

static napi_value read_dir(napi_env env, napi_callback_info info) { return queue_read(env, info, 0); }
static napi_value read_tree(napi_env env, napi_callback_info info) { return queue_read(env, info, 1); }

static napi_value read_dir_sync(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  read_job j;
  memset(&j, 0, sizeof j);
  if (!parse_args(env, info, 4, argv, &j)) {
    napi_throw_type_error(env, NULL, "readDirSync(path, dev, ino, readHeaders)");
    return NULL;
  }
  run(&j);
  free(j.path);
  return to_buffer(env, j.out, j.out_len);
}

int cachectl_evict(const char *root, double root_ino, const char *req, size_t req_len, int dry_run, char *out);
int cachectl_verify(const char *root, double root_ino, const char *req, size_t req_len, const name_cols *names, blob *out);

// evict(root, rootIno, request, dryRun, cb(status, result)): see evict.c.
// verify(root, rootIno, request, cb(status, result)): see verify.c. One job type for both.
typedef struct {
  int verify;
  napi_async_work work;
  napi_ref cb;
  char *root;
  double root_ino;
  char *req;
  size_t req_len;
  int dry_run;
  int status;
  char *out;
  size_t out_len;
  // verify: the table's name column, read in place (referenced until done; the main
  // thread does not change it while a verify job runs, see src/core/scan/reuseNative.ts).
  name_cols names;
  napi_ref refs[14];
} evict_job;


static void exec_evict(napi_env env, void *data) {
  evict_job *j = data;
  if (!j->verify) {
    j->status = cachectl_evict(j->root, j->root_ino, j->req, j->req_len, j->dry_run, j->out);
    return;
  }
  blob b = { 0 };
  j->status = cachectl_verify(j->root, j->root_ino, j->req, j->req_len, &j->names, &b);
  free(j->out);
  j->out = b.buf ? b.buf : malloc(1);
  j->out_len = b.len;
}

static void done_evict(napi_env env, napi_status status, void *data) {
  evict_job *j = data;
  napi_value cb, undef, argv[2];
  napi_get_reference_value(env, j->cb, &cb);
  napi_get_undefined(env, &undef);
  napi_create_int32(env, status == napi_ok ? j->status : ECANCELED, &argv[0]);
  void *copy;
  if (napi_create_buffer_copy(env, j->out_len, j->out, &copy, &argv[1]) != napi_ok) argv[1] = undef;
  napi_call_function(env, undef, cb, 2, argv, NULL);
  napi_delete_reference(env, j->cb);
  for (int i = 0; i < 14; i++) if (j->refs[i]) napi_delete_reference(env, j->refs[i]);
  napi_delete_async_work(env, j->work);
  free(j->root);
  free(j->req);
  free(j->out);
  free(j);
}

// verify's row columns (argv[8..14]: dataSize, hdrSize, changed, dataAtime, hdrAtime,
// dataMtime, hdrMtime, all Float64Array) and the index's directory paths (argv[15..17]:
// bytes Uint8Array, start and len Uint32Array): see name_cols. 1 if all held, 0 if malformed.
static int hold_check_columns(napi_env env, size_t argc, napi_value *argv, evict_job *j) {
  if (argc < 18) return 0;
  size_t lens;
  if (!hold_array(env, argv[15], napi_uint8_array, (void **)&j->names.path_bytes, &j->names.path_bytes_len, &j->refs[11]) ||
      !hold_array(env, argv[16], napi_uint32_array, (void **)&j->names.path_start, &j->names.path_count, &j->refs[12]) ||
      !hold_array(env, argv[17], napi_uint32_array, (void **)&j->names.path_len, &lens, &j->refs[13])) return 0;
  if (lens < j->names.path_count) j->names.path_count = lens;
  double **cols[7] = { (double **)&j->names.data_size, (double **)&j->names.hdr_size, (double **)&j->names.changed, &j->names.data_atime,
                       &j->names.hdr_atime, (double **)&j->names.data_mtime, (double **)&j->names.hdr_mtime };
  size_t rows = (size_t)-1;
  for (int i = 0; i < 7; i++) {
    size_t n;
    if (!hold_array(env, argv[8 + i], napi_float64_array, (void **)cols[i], &n, &j->refs[4 + i])) return 0;
    if (n < rows) rows = n;
  }
  j->names.col_rows = rows;
  return 1;
}

static napi_value root_job(napi_env env, napi_callback_info info, int verify) {
  size_t argc = 18, want = verify ? 18 : 5;
  napi_value argv[18];
  evict_job *j = calloc(1, sizeof *j);
  if (!j) abort();
  bool dry = false;
  j->verify = verify;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want ||
      !(j->root = get_path(env, argv[0])) || napi_get_value_double(env, argv[1], &j->root_ino) != napi_ok ||
      !(j->req = copy_buffer(env, argv[2], &j->req_len)) || j->req_len < 8 ||
      (!verify && napi_get_value_bool(env, argv[3], &dry) != napi_ok) ||
      (verify && (!hold_array(env, argv[3], napi_uint8_array, (void **)&j->names.bytes, &j->names.bytes_len, &j->refs[0]) ||
                  !hold_array(env, argv[4], napi_uint32_array, (void **)&j->names.start, &j->names.rows, &j->refs[1]) ||
                  !hold_array(env, argv[5], napi_uint32_array, (void **)&j->names.len, &j->names.lens, &j->refs[2]) ||
                  !hold_array(env, argv[6], napi_uint8_array, (void **)&j->names.flags, &j->names.flag_count, &j->refs[3]) ||
                  !hold_check_columns(env, argc, argv, j)))) {
    for (int i = 0; i < 14; i++) if (j->refs[i]) napi_delete_reference(env, j->refs[i]);
    free(j->root);
    free(j->req);
    free(j);
    napi_throw_type_error(env, NULL, verify ? "verify(root, rootIno, request, nameBytes, nameStart, nameLen, flags, cb, dataSize, hdrSize, changed, dataAtime, hdrAtime, dataMtime, hdrMtime, pathBytes, pathStart, pathLen)" : "evict(root, rootIno, request, dryRun, cb)");
    return NULL;
  }
  uint32_t units;
  memcpy(&units, j->req, 4);
  j->out_len = (size_t)units * 8;
  j->out = calloc(units ? units : 1, 8);
  if (!j->out) abort();
  j->dry_run = dry;
  if (!queue_job(env, argv[verify ? 7 : 4], verify ? "cachectl.verify" : "cachectl.evict", exec_evict, done_evict, j, &j->work, &j->cb)) {
    napi_throw_error(env, NULL, "cannot queue the job");
  }
  return NULL;
}

napi_value cachectl_map_file(napi_env env, napi_callback_info info);
napi_value cachectl_drop_pages(napi_env env, napi_callback_info info);

static napi_value evict(napi_env env, napi_callback_info info) { return root_job(env, info, 0); }
static napi_value verify(napi_env env, napi_callback_info info) { return root_job(env, info, 1); }

// _fault(op, name, errno): see readdir.c. Tests only; op 0 clears.
static napi_value set_fault(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t op = 0, err = 0;
  size_t len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_int32(env, argv[0], &op) != napi_ok || napi_get_value_int32(env, argv[2], &err) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], cachectl_fault.name, sizeof cachectl_fault.name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "_fault(op, name, errno)");
    return NULL;
  }
  cachectl_fault.err = err;
  __atomic_store_n(&cachectl_fault.op, op, __ATOMIC_RELEASE);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    { "readDir", NULL, read_dir, NULL, NULL, NULL, napi_enumerable, NULL },
    { "evict", NULL, evict, NULL, NULL, NULL, napi_enumerable, NULL },
    { "verify", NULL, verify, NULL, NULL, NULL, napi_enumerable, NULL },
    { "readTree", NULL, read_tree, NULL, NULL, NULL, napi_enumerable, NULL },
    { "readDirs", NULL, read_dirs, NULL, NULL, NULL, napi_enumerable, NULL },
    { "readDirSync", NULL, read_dir_sync, NULL, NULL, NULL, napi_enumerable, NULL },
    { "mapFile", NULL, cachectl_map_file, NULL, NULL, NULL, napi_enumerable, NULL },
    { "dropPages", NULL, cachectl_drop_pages, NULL, NULL, NULL, napi_enumerable, NULL },
    { "_fault", NULL, set_fault, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}
