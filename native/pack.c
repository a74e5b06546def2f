#include "pack.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void blob_reserve(blob *b, size_t need) {
  if (need <= b->cap) return;
  size_t c = b->cap ? b->cap : 4096;
  while (c < need) c *= 2;
  char *n = realloc(b->buf, c);
  if (!n) abort();
  b->buf = n;
  b->cap = c;
}

void blob_append(blob *b, const void *data, size_t len) {
  blob_reserve(b, b->len + len);
  if (len) memcpy(b->buf + b->len, data, len);
  b->len += len;
}

static void blob_pad(blob *b) {
  static const char zeros[8];
  blob_append(b, zeros, ABI_ALIGN(b->len) - b->len);
}

static abi_stat stat_of(const struct stat *st) {
  return (abi_stat){ (double)st->st_size, (double)st->st_blocks, abi_ms(st->st_atim), abi_ms(st->st_mtim), abi_ms(st->st_ctim),
                     (double)st->st_ino, (double)st->st_dev };
}

void pack_init(pack *p, int status, const struct stat *dir) {
  memset(p, 0, sizeof *p);
  abi_dir_head head = { .status = status };
  if (!status) head.dir = stat_of(dir);
  blob_append(&p->entries, &head, sizeof head);
}

abi_dir_head *pack_head(pack *p) { return (abi_dir_head *)p->entries.buf; }

size_t pack_entry(pack *p, int type, const char *name, size_t len, const struct stat *st, int err) {
  abi_entry e = { .type = (uint8_t)type, .name_len = (uint16_t)(len > 0xffff ? 0xffff : len), .err = err };
  if (st) e.stat = stat_of(st);
  size_t at = p->entries.len;
  blob_append(&p->entries, &e, sizeof e);
  blob_append(&p->entries, name, e.name_len);
  blob_pad(&p->entries);
  pack_head(p)->entries++;
  return at;
}

void pack_header_result(pack *p, size_t entry, int err, const char *bytes, size_t n) {
  abi_entry *e = (abi_entry *)(p->entries.buf + entry);
  if (err) {
    e->header = HEADER_FAILED;
    e->err = err;
    return;
  }
  // An entry header (format 6) is kept only up to the end of its key: the scan uses the
  // 120-byte struct and the key, never the header blocks after them, and those are half
  // of a typical header (a subtree job's buffer is peak memory). A key cut off by the
  // read is not trimmed, so the reader still sees a full read and asks for more.
  uint32_t format;
  uint64_t key_len;
  if (n >= 120 && (memcpy(&format, bytes, 4), format == 6)) {
    memcpy(&key_len, bytes + 8, 8);
    if (key_len > 0 && key_len <= n - 120) n = 120 + (size_t)key_len;
  }
  e->header = HEADER_READ;
  e->header_off = (uint32_t)p->headers.len;
  e->header_len = (uint32_t)n;
  blob_append(&p->headers, bytes, n);
}

size_t pack_segment(pack *p, const char *rel, blob *out) {
  abi_dir_head *head = pack_head(p);
  head->entry_bytes = (uint32_t)(p->entries.len - sizeof *head);
  size_t start = out->len;
  abi_segment seg = { 0, (uint32_t)strlen(rel) };
  blob_append(out, &seg, sizeof seg);
  blob_append(out, rel, seg.rel_len);
  blob_pad(out);
  size_t pack_at = out->len;
  blob_append(out, p->entries.buf, p->entries.len);
  blob_append(out, p->headers.buf, p->headers.len);
  blob_pad(out);
  seg.size = (uint32_t)(out->len - start);
  memcpy(out->buf + start, &seg, sizeof seg);
  free(p->entries.buf);
  free(p->headers.buf);
  memset(p, 0, sizeof *p);
  return pack_at;
}
