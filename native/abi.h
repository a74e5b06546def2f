// The one schema of the native boundary: every buffer layout, enum and flag that crosses
// between this addon and TypeScript. src/core/native/abi.ts mirrors it; the addon's
// layout() reports these sizes, offsets and values (addon.c, ABI_LAYOUT), the loader
// refuses a binary whose report differs, and test/native/abi.test.ts compares them.
//
// Little-endian. Records start 8-byte aligned, so the JS side reads f64 fields in place
// and C reads them with memcpy into these structs (no hand-counted offsets on either side).
#ifndef CACHECTL_ABI_H
#define CACHECTL_ABI_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define ABI_ALIGN(n) (((n) + 7) & ~(size_t)7)

// The stat fields cachectl uses. Times are in ms, computed exactly as node computes
// Stats#mtimeMs (abi_ms), so a time from here compares equal to one from fs.lstat.
typedef struct { double size, blocks, atime, mtime, ctime, ino, dev; } abi_stat;
static inline double abi_ms(struct timespec t) { return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6; }

// One directory's listing (a "pack"): this head, `entries` entries, then the header bytes.
typedef struct {
  int32_t status;          // errno of the directory itself; 0 = listed
  uint32_t others;         // symlinks, sockets, fifos, devices: never followed
  uint32_t vanished;       // gone between getdents and fstatat
  uint32_t entries;
  uint32_t entry_bytes;    // the entries' area; the header bytes follow it
  abi_stat dir;
} abi_dir_head;

// An entry of a pack, followed by its name, padded to 8.
typedef struct {
  uint8_t type;    // ENTRY_*
  uint8_t header;  // HEADER_*: a *.header file's first bytes, when headers are read
  uint16_t name_len;
  int32_t err;     // ENTRY_ERROR, HEADER_FAILED: the errno
  uint32_t header_off, header_len; // HEADER_READ: where its bytes are in the header area
  abi_stat stat;
} abi_entry;
enum { ENTRY_FILE = 1, ENTRY_DIR = 2, ENTRY_ERROR = 3 };
enum { HEADER_NONE = 0, HEADER_READ = 1, HEADER_FAILED = 2 };
// A header is read this far at most; the JS side reads a longer one itself.
#define HEADER_BYTES 4096

// readDirs answers with segments, one per directory: this head, the directory's path
// below the directory asked for ('' = that one), padded to 8, its pack, padded to 8.
typedef struct { uint32_t size, rel_len; } abi_segment; // size: the whole segment

// Every request (readDirs, verify, evict): this head, then `count` items.
typedef struct { uint32_t count, pad; } abi_request;
static inline uint32_t abi_count(const char *req) { abi_request h; memcpy(&h, req, sizeof h); return h.count; }

// readDirs: a directory, pinned to the dev/inode its parent saw; its absolute path
// follows, padded to 8.
typedef struct { double dev, ino; uint32_t path_len, pad; } abi_read_item;

// verify: a directory of the index, with the mtime/ctime/inode it had and its rows
// [first_row, first_row + rows) of the table; its path below the root follows, padded to 8.
typedef struct { double mtime, ctime, ino; uint32_t first_row, rows, path_len, pad; } abi_verify_item;
// ... and the answer, per item: VERIFY_*, errno, and the directory as it is now.
typedef struct { int32_t state, err; double dev, ino; } abi_verify_result;
enum { VERIFY_SAME = 0, VERIFY_CHANGED = 1, VERIFY_GONE = 2, VERIFY_ERROR = 3 };

// evict: a unit to re-check and unlink: the data atime and latest ctime the scan saw, its
// row flags, then its directory (below the root) and name (stem), padded to 8.
typedef struct { double atime, changed; uint16_t dir_len, stem_len; uint8_t flags, pad[3]; } abi_evict_item;
// ... and the answer: EVICT_*, files removed, files already gone, the failed file (its
// place in row_files' order, or EVICT_FAILED_DIR) and its errno.
typedef struct { uint8_t outcome, removed, gone, failed; int32_t err; } abi_evict_result;
enum { EVICT_DONE = 0, EVICT_CHANGED = 1, EVICT_ERROR = 2, EVICT_DIR_GONE = 3 };
#define EVICT_FAILED_DIR 255

// Row flags of the table (src/core/table/types.ts, Flag) that name a row's files.
enum { ROW_HAS_HEADER = 1, ROW_HAS_DATA = 2, ROW_RAW_NAME = 32 };

// Which files a row stands for (src/core/table/types.ts, rowFiles, states the same
// rule): its name alone (ROW_RAW_NAME), else <name>.header and <name>.data, as its flags
// say, header first: the order they are unlinked, so httpd sees a clean miss.
typedef struct { const char *suffix; int header; } row_file;
static inline int row_files(unsigned flags, row_file out[2]) {
  int n = 0;
  if (flags & ROW_RAW_NAME) { out[n++] = (row_file){ "", 0 }; return n; }
  if (flags & ROW_HAS_HEADER) out[n++] = (row_file){ ".header", 1 };
  if (flags & ROW_HAS_DATA) out[n++] = (row_file){ ".data", 0 };
  return n;
}

// Fault injection, in the test build only (CACHECTL_TEST_HOOKS, addon.c's _fault).
enum { FAULT_NONE = 0, FAULT_DIR = 1, FAULT_STAT = 2, FAULT_OPEN = 3 };

// What layout() reports: { group: { name: value } }, mirrored by abi.ts's LAYOUT.
#define ABI_FIELD(X, group, T, js, c) X(group, js, offsetof(T, c))
#define ABI_LAYOUT(X)                                                                              \
  X("STAT", "size", sizeof(abi_stat)) ABI_FIELD(X, "STAT", abi_stat, "fileSize", size)             \
  ABI_FIELD(X, "STAT", abi_stat, "blocks", blocks) ABI_FIELD(X, "STAT", abi_stat, "atimeMs", atime) \
  ABI_FIELD(X, "STAT", abi_stat, "mtimeMs", mtime) ABI_FIELD(X, "STAT", abi_stat, "ctimeMs", ctime) \
  ABI_FIELD(X, "STAT", abi_stat, "ino", ino) ABI_FIELD(X, "STAT", abi_stat, "dev", dev)            \
  X("DIR_HEAD", "size", sizeof(abi_dir_head)) ABI_FIELD(X, "DIR_HEAD", abi_dir_head, "status", status) \
  ABI_FIELD(X, "DIR_HEAD", abi_dir_head, "others", others)                                         \
  ABI_FIELD(X, "DIR_HEAD", abi_dir_head, "vanished", vanished)                                     \
  ABI_FIELD(X, "DIR_HEAD", abi_dir_head, "entries", entries)                                       \
  ABI_FIELD(X, "DIR_HEAD", abi_dir_head, "entryBytes", entry_bytes)                                \
  ABI_FIELD(X, "DIR_HEAD", abi_dir_head, "dir", dir)                                               \
  X("ENTRY", "size", sizeof(abi_entry)) ABI_FIELD(X, "ENTRY", abi_entry, "type", type)             \
  ABI_FIELD(X, "ENTRY", abi_entry, "header", header) ABI_FIELD(X, "ENTRY", abi_entry, "nameLen", name_len) \
  ABI_FIELD(X, "ENTRY", abi_entry, "err", err) ABI_FIELD(X, "ENTRY", abi_entry, "headerOff", header_off) \
  ABI_FIELD(X, "ENTRY", abi_entry, "headerLen", header_len) ABI_FIELD(X, "ENTRY", abi_entry, "stat", stat) \
  X("SEGMENT", "size", sizeof(abi_segment)) ABI_FIELD(X, "SEGMENT", abi_segment, "segmentSize", size) \
  ABI_FIELD(X, "SEGMENT", abi_segment, "relLen", rel_len)                                          \
  X("REQUEST", "size", sizeof(abi_request)) ABI_FIELD(X, "REQUEST", abi_request, "count", count)   \
  X("READ_ITEM", "size", sizeof(abi_read_item)) ABI_FIELD(X, "READ_ITEM", abi_read_item, "dev", dev) \
  ABI_FIELD(X, "READ_ITEM", abi_read_item, "ino", ino) ABI_FIELD(X, "READ_ITEM", abi_read_item, "pathLen", path_len) \
  X("VERIFY_ITEM", "size", sizeof(abi_verify_item))                                                \
  ABI_FIELD(X, "VERIFY_ITEM", abi_verify_item, "mtimeMs", mtime)                                   \
  ABI_FIELD(X, "VERIFY_ITEM", abi_verify_item, "ctimeMs", ctime)                                   \
  ABI_FIELD(X, "VERIFY_ITEM", abi_verify_item, "ino", ino)                                         \
  ABI_FIELD(X, "VERIFY_ITEM", abi_verify_item, "firstRow", first_row)                              \
  ABI_FIELD(X, "VERIFY_ITEM", abi_verify_item, "rows", rows)                                       \
  ABI_FIELD(X, "VERIFY_ITEM", abi_verify_item, "pathLen", path_len)                                \
  X("VERIFY_RESULT", "size", sizeof(abi_verify_result))                                            \
  ABI_FIELD(X, "VERIFY_RESULT", abi_verify_result, "state", state)                                 \
  ABI_FIELD(X, "VERIFY_RESULT", abi_verify_result, "err", err)                                     \
  ABI_FIELD(X, "VERIFY_RESULT", abi_verify_result, "dev", dev)                                     \
  ABI_FIELD(X, "VERIFY_RESULT", abi_verify_result, "ino", ino)                                     \
  X("EVICT_ITEM", "size", sizeof(abi_evict_item))                                                  \
  ABI_FIELD(X, "EVICT_ITEM", abi_evict_item, "atime", atime)                                       \
  ABI_FIELD(X, "EVICT_ITEM", abi_evict_item, "changed", changed)                                   \
  ABI_FIELD(X, "EVICT_ITEM", abi_evict_item, "dirLen", dir_len)                                    \
  ABI_FIELD(X, "EVICT_ITEM", abi_evict_item, "stemLen", stem_len)                                  \
  ABI_FIELD(X, "EVICT_ITEM", abi_evict_item, "flags", flags)                                       \
  X("EVICT_RESULT", "size", sizeof(abi_evict_result))                                              \
  ABI_FIELD(X, "EVICT_RESULT", abi_evict_result, "outcome", outcome)                               \
  ABI_FIELD(X, "EVICT_RESULT", abi_evict_result, "removed", removed)                               \
  ABI_FIELD(X, "EVICT_RESULT", abi_evict_result, "gone", gone)                                     \
  ABI_FIELD(X, "EVICT_RESULT", abi_evict_result, "failed", failed)                                 \
  ABI_FIELD(X, "EVICT_RESULT", abi_evict_result, "err", err)                                       \
  X("ENTRY_TYPE", "file", ENTRY_FILE) X("ENTRY_TYPE", "dir", ENTRY_DIR) X("ENTRY_TYPE", "error", ENTRY_ERROR) \
  X("HEADER", "none", HEADER_NONE) X("HEADER", "read", HEADER_READ) X("HEADER", "failed", HEADER_FAILED) \
  X("HEADER", "bytes", HEADER_BYTES)                                                               \
  X("VERIFY", "same", VERIFY_SAME) X("VERIFY", "changed", VERIFY_CHANGED) X("VERIFY", "gone", VERIFY_GONE) \
  X("VERIFY", "error", VERIFY_ERROR)                                                               \
  X("EVICT", "done", EVICT_DONE) X("EVICT", "changed", EVICT_CHANGED) X("EVICT", "error", EVICT_ERROR) \
  X("EVICT", "dirGone", EVICT_DIR_GONE) X("EVICT", "failedDir", EVICT_FAILED_DIR)                  \
  X("ROW", "hasHeader", ROW_HAS_HEADER) X("ROW", "hasData", ROW_HAS_DATA) X("ROW", "rawName", ROW_RAW_NAME) \
  X("FAULT", "dir", FAULT_DIR) X("FAULT", "stat", FAULT_STAT) X("FAULT", "open", FAULT_OPEN)
#endif
