// Growing buffers for pack.h. Allocation failure aborts: a scan cannot go on without memory.
#include "pack.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void reserve(char **b, size_t *cap, size_t need) {
  if (need <= *cap) return;
  size_t c = *cap ? *cap : 4096;
  while (c < need) c *= 2;
  char *n = realloc(*b, c);
  if (!n) abort();
  *b = n;
  *cap = c;
}

void pack_init(pack *p) {
  memset(p, 0, sizeof *p);
  reserve(&p->buf, &p->cap, PACK_HEAD + 64 * REC_HEAD);
  memset(p->buf, 0, PACK_HEAD);
  p->len = PACK_HEAD;
}

void pack_free(pack *p) {
  free(p->buf);
  free(p->hdr);
  memset(p, 0, sizeof *p);
}

static void put_u32(pack *p, size_t at, uint32_t v) { memcpy(p->buf + at, &v, 4); }
static uint32_t get_u32(pack *p, size_t at) { uint32_t v; memcpy(&v, p->buf + at, 4); return v; }

void pack_set_status(pack *p, int err) { int32_t v = err; memcpy(p->buf, &v, 4); }
void pack_count_other(pack *p) { put_u32(p, 4, get_u32(p, 4) + 1); }
void pack_count_vanished(pack *p) { put_u32(p, 8, get_u32(p, 8) + 1); }
void pack_set_noatime_denied(pack *p, int denied) { put_u32(p, 16, denied ? 1 : 0); }

// Milliseconds exactly as Node computes Stats#mtimeMs (sec * 1e3 + nsec / 1e6), so a
// directory time from here compares equal to one from fs.lstat (the index relies on it).
static void put_stat(char *at, const struct stat *st) {
  double v[7] = {
    (double)st->st_size, (double)st->st_blocks,
    (double)st->st_atim.tv_sec * 1e3 + (double)st->st_atim.tv_nsec / 1e6,
    (double)st->st_mtim.tv_sec * 1e3 + (double)st->st_mtim.tv_nsec / 1e6,
    (double)st->st_ctim.tv_sec * 1e3 + (double)st->st_ctim.tv_nsec / 1e6,
    (double)st->st_ino, (double)st->st_dev,
  };
  memcpy(at, v, sizeof v);
}

void pack_set_dir(pack *p, const struct stat *st) { put_stat(p->buf + 24, st); }

static size_t add_record(pack *p, int type, const char *name, size_t len) {
  if (len > 0xffff) len = 0xffff;
  size_t size = (REC_HEAD + len + 7) & ~(size_t)7;
  reserve(&p->buf, &p->cap, p->len + size);
  size_t at = p->len;
  memset(p->buf + at, 0, size);
  p->buf[at] = (char)type;
  uint16_t l = (uint16_t)len;
  memcpy(p->buf + at + 2, &l, 2);
  memcpy(p->buf + at + REC_HEAD, name, len);
  p->len += size;
  put_u32(p, 12, get_u32(p, 12) + 1);
  return at;
}

size_t pack_entry(pack *p, int type, const char *name, size_t len, const struct stat *st) {
  size_t at = add_record(p, type, name, len);
  put_stat(p->buf + at + 16, st);
  return at;
}

void pack_error(pack *p, const char *name, int err) {
  size_t at = add_record(p, REC_ERROR, name, strlen(name));
  int32_t e = err;
  memcpy(p->buf + at + 4, &e, 4);
}

void pack_header_result(pack *p, size_t rec, int err, const char *bytes, size_t n) {
  char *r = p->buf + rec;
  if (err) {
    r[1] = 2;
    int32_t e = err;
    memcpy(r + 4, &e, 4);
    return;
  }
  // An entry header (format 6) is kept only up to the end of its key: the scan uses the
  // 120-byte struct and the key, never the header blocks after them, and those are half
  // of a typical header. This halves a subtree job's buffer (peak memory). A key cut off
  // by the read is not trimmed, so the reader still sees a 4 KiB prefix and asks for more.
  uint32_t format;
  uint64_t key_len;
  if (n >= 120 && (memcpy(&format, bytes, 4), format == 6)) {
    memcpy(&key_len, bytes + 8, 8);
    if (key_len > 0 && key_len <= n - 120) n = 120 + (size_t)key_len;
  }
  reserve(&p->hdr, &p->hcap, p->hlen + n);
  memcpy(p->hdr + p->hlen, bytes, n);
  uint32_t off = (uint32_t)p->hlen, len = (uint32_t)n;
  r[1] = 1;
  memcpy(r + 8, &off, 4);
  memcpy(r + 12, &len, 4);
  p->hlen += n;
}

char *pack_finish(pack *p, size_t *out_len) {
  put_u32(p, 20, (uint32_t)(p->len - PACK_HEAD));
  reserve(&p->buf, &p->cap, p->len + p->hlen);
  if (p->hlen) memcpy(p->buf + p->len, p->hdr, p->hlen);
  *out_len = p->len + p->hlen;
  char *out = p->buf;
  p->buf = NULL;
  pack_free(p);
  return out;
}

void blob_segment(blob *b, const char *rel, const char *packed, size_t len) {
  uint32_t rl = (uint32_t)strlen(rel);
  size_t head = (8 + rl + 7) & ~(size_t)7;
  // Packs end with the unaligned header-bytes area: pad, so the next segment (and the
  // f64 fields the JS side reads in place) stay 8-byte aligned.
  size_t pad = (8 - (len & 7)) & 7;
  reserve(&b->buf, &b->cap, b->len + head + len + pad);
  char *at = b->buf + b->len;
  uint32_t seg = (uint32_t)(head - 4 + len + pad);
  memcpy(at, &seg, 4);
  memcpy(at + 4, &rl, 4);
  memcpy(at + 8, rel, rl);
  memset(at + 8 + rl, 0, head - 8 - rl);
  memcpy(at + head, packed, len);
  memset(at + head + len, 0, pad);
  b->len += head + len + pad;
}

void blob_append(blob *b, const void *data, size_t len) {
  reserve(&b->buf, &b->cap, b->len + len);
  memcpy(b->buf + b->len, data, len);
  b->len += len;
}

