#include "known.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dirwalk.h"

static int cmp_known(const void *a, const void *b) {
  const known_header *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->name, y->name, n);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

// Request: u32 count, u32 pad, then per file f64 size, f64 mtimeMs, f64 latest
// ctime/mtime seen, u16 name length, u16 pad, u32 slot (its place in the slot area),
// name, padded to 8.
known_header *parse_known(const char *req, size_t len, size_t *count) {
  *count = 0;
  if (!req || len < 8) return NULL;
  uint32_t n;
  memcpy(&n, req, 4);
  known_header *k = calloc(n ? n : 1, sizeof *k);
  if (!k) abort();
  size_t at = 8, got = 0;
  for (uint32_t i = 0; i < n && at + 32 <= len; i++) {
    uint16_t nl;
    memcpy(&k[got].size, req + at, 8);
    memcpy(&k[got].mtime, req + at + 8, 8);
    memcpy(&k[got].changed, req + at + 16, 8);
    memcpy(&nl, req + at + 24, 2);
    memcpy(&k[got].slot, req + at + 28, 4);
    if (at + 32 + nl > len) break;
    k[got].name = req + at + 32;
    k[got].len = nl;
    got++;
    at = (at + 32 + nl + 7) & ~(size_t)7;
  }
  qsort(k, got, sizeof *k, cmp_known);
  *count = got;
  return k;
}

const known_header *unchanged(const known_header *k, size_t kn, const char *name, size_t len, const struct stat *st) {
  if (kn == 0) return NULL;
  known_header key = { .name = name, .len = len };
  const known_header *h = bsearch(&key, k, kn, sizeof *k, cmp_known);
  if (!h) return NULL;
  double m = cachectl_ms(st->st_mtim), c = cachectl_ms(st->st_ctim);
  return (double)st->st_size == h->size && m == h->mtime && (c > m ? c : m) <= h->changed ? h : NULL;
}

