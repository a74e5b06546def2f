// The syscall floor of a first `prune --dry-run`: what any tool must ask the kernel for,
// and nothing else. Every directory is listed, every file lstat-ed, every .header opened
// (O_NOATIME), read once and closed. Then the victims are re-checked as evict must: only
// once the whole tree is read is the plan known, and it comes in LRU order, which has
// nothing to do with paths (here: a fixed shuffle). So the victims go in batches of 2048,
// each sorted by directory, each directory reached again from the root one component at
// a time (O_NOFOLLOW) and kept open while the batch stays in it, and both files of each
// victim lstat-ed. No parsing, no table, no output.
// THREADS threads share the root's subdirectories, then the batches. prune-bench.mjs
// --floor builds and runs it:
//
//   cc -O2 -pthread bench/scan-floor.c -o scan-floor && ./scan-floor ROOT THREADS VICTIM_FRACTION
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BATCH
#define BATCH 2048
#endif
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static const char *root;
static char **tops;
static int ntops, next_top;
static double victims;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long files;
// Victims: "dir/stem" below the root, collected during the walk.
static char **vict;
static long nvict, cap_vict, next_batch;

static int dot(const char *n) { return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])); }

static void add_victim(const char *rel, const char *name, size_t stem) {
  char *v = malloc(strlen(rel) + stem + 2);
  sprintf(v, "%s/%.*s", rel, (int)stem, name);
  pthread_mutex_lock(&mu);
  if (nvict == cap_vict) vict = realloc(vict, (cap_vict = cap_vict ? cap_vict * 2 : 4096) * sizeof *vict);
  vict[nvict++] = v;
  pthread_mutex_unlock(&mu);
}

static void walk(int dfd, const char *rel) {
  DIR *d = fdopendir(dfd);
  struct dirent *e;
  char buf[4096];
  while ((e = readdir(d))) {
    if (dot(e->d_name)) continue;
    struct stat st;
    if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      int sub = openat(dfd, e->d_name, DIR_FLAGS);
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", rel, e->d_name);
      if (sub >= 0) walk(sub, path);
      continue;
    }
    __atomic_add_fetch(&files, 1, __ATOMIC_RELAXED);
    size_t n = strlen(e->d_name);
    if (n <= 7 || strcmp(e->d_name + n - 7, ".header") != 0) continue;
    int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NOATIME | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      if (pread(fd, buf, sizeof buf, 0) < 0) perror("pread");
      close(fd);
    }
    // A victim or not by a hash of its name: the same fraction in every directory.
    uint32_t h = 2166136261u;
    for (const char *c = e->d_name; *c; c++) h = (h ^ (uint8_t)*c) * 16777619u;
    if ((double)(h % 1000) < victims * 1000) add_victim(rel, e->d_name, n - 7);
  }
  closedir(d);
}

static void *walker(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&mu);
    int i = next_top++;
    pthread_mutex_unlock(&mu);
    if (i >= ntops) return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, tops[i]);
    int fd = open(path, DIR_FLAGS);
    if (fd >= 0) walk(fd, tops[i]);
  }
}

static int by_path(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// Opens `dir` (below the root) one component at a time, without following a symlink.
static int open_below(int rootfd, const char *dir) {
  char part[4096];
  int fd = dup(rootfd);
  for (const char *p = dir; *p && fd >= 0;) {
    size_t n = strcspn(p, "/");
    memcpy(part, p, n);
    part[n] = 0;
    int next = openat(fd, part, DIR_FLAGS);
    close(fd);
    fd = next;
    p += n + (p[n] == '/');
  }
  return fd;
}

static void *checker(void *arg) {
  int rootfd = *(int *)arg;
  for (;;) {
    long start = __atomic_fetch_add(&next_batch, BATCH, __ATOMIC_RELAXED);
    if (start >= nvict) return NULL;
    long end = start + BATCH < nvict ? start + BATCH : nvict;
    qsort(vict + start, end - start, sizeof *vict, by_path);
    char open_dir[4096] = "";
    int dfd = -1;
    for (long i = start; i < end; i++) {
      char *slash = strrchr(vict[i], '/');
      *slash = 0;
      if (dfd < 0 || strcmp(open_dir, vict[i]) != 0) {
        if (dfd >= 0) close(dfd);
        dfd = open_below(rootfd, vict[i]);
        strcpy(open_dir, vict[i]);
      }
      char name[4096];
      struct stat st;
      snprintf(name, sizeof name, "%s.header", slash + 1);
      fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
      snprintf(name, sizeof name, "%s.data", slash + 1);
      fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
    }
    if (dfd >= 0) close(dfd);
  }
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: scan-floor ROOT THREADS VICTIM_FRACTION\n"); return 2; }
  root = argv[1];
  int threads = atoi(argv[2]);
  victims = atof(argv[3]);
  DIR *d = opendir(root);
  if (!d) { perror(root); return 1; }
  struct dirent *e;
  tops = calloc(1 << 20, sizeof *tops);
  while ((e = readdir(d)) && ntops < (1 << 20)) if (!dot(e->d_name)) tops[ntops++] = strdup(e->d_name);
  pthread_t t[64];
  if (threads < 1 || threads > 64) threads = 2;
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, walker, NULL);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  // The plan's order: unrelated to paths (a fixed shuffle, so every run re-checks alike).
  srand(1);
  for (long i = nvict - 1; i > 0; i--) {
    long j = ((long)rand() << 16 ^ rand()) % (i + 1);
    char *x = vict[i];
    vict[i] = vict[j];
    vict[j] = x;
  }
  int rootfd = open(root, DIR_FLAGS);
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, checker, &rootfd);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  printf("%ld files, %ld victims re-checked\n", files, nvict);
  return 0;
}
