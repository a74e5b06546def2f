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

// Slots are numbered in the order src/core/scan/knownFiles.ts numbers them: per row, its
// raw name, or its ".header" then its ".data" (by flags). A name too long still takes its
// number (and gets no entry): the numbering stays the caller's. Building this from the
// columns in place replaced a request the main thread wrote file by file (~0.6 s at 1%
// changed of 500k entries: ~400k known files).
known_header *known_from_rows(const name_cols *n, uint32_t first, uint32_t count, char **names, size_t *kn, uint32_t *slots) {
  *kn = 0;
  *slots = 0;
  *names = NULL;
  size_t bytes = 0, cap = 0;
  for (uint32_t k = 0; k < count; k++) {
    uint32_t r = first + k;
    if (r >= n->rows || r >= n->lens || r >= n->flag_count || r >= n->col_rows) continue;
    bytes += 2 * ((size_t)n->len[r] + 8);
    cap += 2;
  }
  known_header *out = calloc(cap ? cap : 1, sizeof *out);
  char *block = malloc(bytes ? bytes : 1);
  if (!out || !block) abort();
  size_t used = 0, got = 0;
  uint32_t slot = 0;
  for (uint32_t k = 0; k < count; k++) {
    uint32_t r = first + k;
    // Past the columns (not for rows of the caller's own table): the rest stay unknown,
    // their slots unseen, so the caller classifies their files again.
    if (r >= n->rows || r >= n->lens || r >= n->flag_count || r >= n->col_rows) break;
    uint8_t f = n->flags[r];
    const char *suffixes[2];
    int ns = 0;
    if (f & FLAG_RAW_NAME) suffixes[ns++] = "";
    else {
      if (f & FLAG_HAS_HEADER) suffixes[ns++] = ".header";
      if (f & FLAG_HAS_DATA) suffixes[ns++] = ".data";
    }
    size_t s = n->start[r], l = n->len[r];
    for (int i = 0; i < ns; i++, slot++) {
      size_t sl = strlen(suffixes[i]);
      if (s > n->bytes_len || l > n->bytes_len - s || l + sl > 0xffff || used + l + sl > bytes) continue;
      int data = suffixes[i][0] != '.' || suffixes[i][1] == 'd';
      memcpy(block + used, n->bytes + s, l);
      memcpy(block + used + l, suffixes[i], sl);
      known_header *h = &out[got++];
      h->name = block + used;
      h->len = l + sl;
      h->size = data ? n->data_size[r] : n->hdr_size[r];
      h->mtime = data ? n->data_mtime[r] : n->hdr_mtime[r];
      h->changed = n->changed[r];
      h->slot = slot;
      used += l + sl;
    }
  }
  qsort(out, got, sizeof *out, cmp_known);
  *kn = got;
  *slots = slot;
  *names = block;
  return out;
}

const known_header *unchanged(const known_header *k, size_t kn, const char *name, size_t len, const struct stat *st) {
  if (kn == 0) return NULL;
  known_header key = { .name = name, .len = len };
  const known_header *h = bsearch(&key, k, kn, sizeof *k, cmp_known);
  if (!h) return NULL;
  double m = cachectl_ms(st->st_mtim), c = cachectl_ms(st->st_ctim);
  return (double)st->st_size == h->size && m == h->mtime && (c > m ? c : m) <= h->changed ? h : NULL;
}

void touch_stem(pack *p, const known_header *k, size_t kn, const char *name, size_t len) {
  if (kn == 0) return;
  const char *dot = memchr(name, '.', len);
  size_t sl = dot && dot > name ? (size_t)(dot - name) : len;
  // Sorted by bytes: the stem itself, then (from the first name >= "stem.") every name
  // that starts with "stem.", together.
  known_header key = { .name = name, .len = sl };
  const known_header *exact = bsearch(&key, k, kn, sizeof *k, cmp_known);
  if (exact) pack_touch(p, exact->slot);
  char probe[512];
  if (sl + 1 > sizeof probe) return;
  memcpy(probe, name, sl);
  probe[sl] = '.';
  size_t lo = 0, hi = kn;
  known_header want = { .name = probe, .len = sl + 1 };
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cmp_known(&k[mid], &want) < 0) lo = mid + 1; else hi = mid;
  }
  for (size_t i = lo; i < kn && k[i].len > sl && memcmp(k[i].name, probe, sl + 1) == 0; i++) pack_touch(p, k[i].slot);
}
