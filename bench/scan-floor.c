// The syscall floor of a first `prune --dry-run`: what any tool must ask the kernel for,
// and nothing else. Every directory is listed, every file lstat-ed, every .header opened
// (O_NOATIME), read once and closed; then a fraction of the entries (the victims) have both
// files lstat-ed again, as evict's re-check does. No parsing, no table, no output.
// THREADS threads share the root's subdirectories. prune-bench.mjs --floor builds and runs it:
//
//   cc -O2 -pthread bench/scan-floor.c -o scan-floor && ./scan-floor ROOT THREADS VICTIM_FRACTION
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;
static char **tops;
static int ntops, next_top;
static double victims;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long files;

static int dot(const char *n) { return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])); }

static void walk(int dfd) {
  DIR *d = fdopendir(dfd);
  struct dirent *e;
  char buf[4096];
  long k = 0;
  while ((e = readdir(d))) {
    if (dot(e->d_name)) continue;
    struct stat st;
    if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0) walk(sub);
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
    // The re-check of a victim: its header and its body (one name stands for both here).
    if ((double)(k++ % 1000) < victims * 1000) {
      fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW);
      fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW);
    }
  }
  closedir(d);
}

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&mu);
    int i = next_top++;
    pthread_mutex_unlock(&mu);
    if (i >= ntops) return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, tops[i]);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) walk(fd);
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
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  printf("%ld files\n", files);
  return 0;
}
