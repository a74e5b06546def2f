// The packed result of one native call, decoded by src/core/native/decode.ts.
//
// Layout (little-endian, records 8-byte aligned so the JS side can read f64 directly):
//   [0]  i32 status (errno of the directory itself, 0 = listed)
//   [4]  u32 others (symlinks, sockets, fifos, devices: never followed)
//   [8]  u32 vanished (gone between readdir and fstatat)
//   [12] u32 records
//   [16] u32 noatime denied (O_NOATIME refused with EPERM at least once)
//   [20] u32 bytes of the record area
//   [24] f64 x7 the directory's stat: size, blocks, atimeMs, mtimeMs, ctimeMs, ino, dev
//   [80] 16 bytes reserved (0)
//   [96] records, then the header bytes area
// Record: u8 type, u8 header state (0 none, 1 read, 2 failed), u16 name length, i32 errno,
//   u32 header offset (in the header area), u32 header length, f64 x7 stat as above,
//   then the name bytes, padded to 8.
// A tree (readTree) is a sequence of segments, one per directory, depth first:
//   u32 segment length (bytes after this field), u32 rel length, rel bytes (the directory's
//   path below the subtree's top, '' for the top), padding to 8, the directory's pack.
#ifndef CACHECTL_PACK_H
#define CACHECTL_PACK_H
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum { REC_FILE = 1, REC_DIR = 2, REC_ERROR = 3 };
#define PACK_HEAD 96
#define REC_HEAD 72

typedef struct {
  char *buf;
  size_t len, cap;
  char *hdr;
  size_t hlen, hcap;
} pack;

void pack_init(pack *p);
void pack_free(pack *p);
void pack_set_status(pack *p, int err);
void pack_set_dir(pack *p, const struct stat *st);
void pack_count_other(pack *p);
void pack_count_vanished(pack *p);
void pack_set_noatime_denied(pack *p, int denied);
size_t pack_entry(pack *p, int type, const char *name, size_t len, const struct stat *st);
void pack_error(pack *p, const char *name, int err);
void pack_header_result(pack *p, size_t rec, int err, const char *bytes, size_t n);
/** Joins records and header bytes into one malloc'd block (the pack gives it up). */
char *pack_finish(pack *p, size_t *out_len);

typedef struct {
  char *buf;
  size_t len, cap;
} blob;
void blob_append(blob *b, const void *data, size_t len);

// Row flags of src/core/scan/tableTypes.ts (Flag).
enum { FLAG_HAS_HEADER = 1, FLAG_HAS_DATA = 2, FLAG_RAW_NAME = 32 };

// The table's name column (src/core/scan/strings.ts), flags and row columns, for verify.c.
typedef struct {
  const char *bytes;
  size_t bytes_len;
  const uint32_t *start, *len;
  const uint8_t *flags;
  size_t rows, lens, flag_count;
  // verify.c checks each row against these columns and writes the new access times in place.
  const double *data_size, *hdr_size, *changed;
  double *data_atime, *hdr_atime;
  const double *data_mtime, *hdr_mtime;
  size_t col_rows;
  // The index's directory paths, by id (verify's requests name them so).
  const char *path_bytes;
  size_t path_bytes_len;
  const uint32_t *path_start, *path_len;
  size_t path_count;
} name_cols;
/** Appends one tree segment (see the layout above). */
void blob_segment(blob *b, const char *rel, const char *packed, size_t len);

struct cachectl_fault { int op; int err; char name[4096]; };
extern struct cachectl_fault cachectl_fault;
#endif
