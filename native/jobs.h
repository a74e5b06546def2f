// The work addon.c queues on the thread pool: reading directories (readdir.c), and the
// jobs below a cache root (verify.c, evict.c).
#ifndef CACHECTL_JOBS_H
#define CACHECTL_JOBS_H
#include <stddef.h>
#include <stdint.h>
#include "pack.h"

// A typed array's memory, held by the job (addon.c keeps a reference until it is done).
typedef struct { void *data; size_t len; } column;

// What verify reads in place: the table's row columns (src/core/native/load.ts, VerifyRows,
// names them alike). The access time columns are written: the main thread leaves the
// table alone while a verify job runs.
enum { V_NAME_BYTES, V_NAME_START, V_NAME_LEN, V_FLAGS, V_DATA_SIZE, V_HDR_SIZE, V_CHANGED, V_DATA_ATIME,
       V_HDR_ATIME, V_DATA_MTIME, V_HDR_MTIME, V_COLUMNS };
typedef struct {
  column c[V_COLUMNS];
  size_t rows; // rows every row column has (the shortest)
} verify_cols;

/** The directory at `path`, pinned to dev/inode (< 0: unchecked), and with `subtree` everything
 *  below it, depth first, one segment per directory (a segment's status says why it was not read). */
void cachectl_read_tree(blob *out, const char *path, double expect_dev, double expect_ino, int read_headers, int subtree);
/** Returns 0, or the root's errno (then nothing was checked). */
int cachectl_verify(const char *root, double root_ino, const char *req, size_t req_len, verify_cols *cols, blob *out);
/** Returns 0, or the root's errno (then nothing was touched). `out` holds one result per item. */
int cachectl_evict(const char *root, double root_ino, const char *req, size_t req_len, int dry_run, abi_evict_result *out);

#ifdef CACHECTL_TEST_HOOKS
struct cachectl_fault { int op; int err; char name[4096]; };
extern struct cachectl_fault cachectl_fault;
#endif
#endif
