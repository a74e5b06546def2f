// Directories of a cache read into packs (abi.h) on libuv's thread pool (readDirs): a batch
// of directories, each alone or with everything below it.
//
// Why native: a full scan needs five syscalls per entry (lstat of both files, open/read/
// close of the header); through node's async fs each also costs a request object, a
// callback and a Stats object. Here the syscalls are made back to back and the JS side
// decodes one packed buffer (abi.h). The portable walker (src/core/scan/walkPortable.ts)
// does the same work where the addon is not built.
//
// Safety: the directory is opened with O_NOFOLLOW|O_DIRECTORY and checked against the
// dev/inode the parent's lstat saw; every file operation is relative to that descriptor
// (fstatat/openat), so a directory swapped for a symlink mid-read cannot redirect us.
// Headers are opened O_NOFOLLOW|O_NONBLOCK and O_NOATIME (dropped after the first EPERM,
// as the JS reader does); .data files are never opened.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "dirwalk.h"
#include "jobs.h"

// Header files opened (and read-ahead started) at once: on a cold cache the kernel then
// has this many reads queued instead of one, which is what makes cold scans fast.
#define BATCH 64

// Set once O_NOATIME was refused (EPERM): headers are then opened without it.
static int noatime_denied = 0;

#ifdef CACHECTL_TEST_HOOKS
// Fault injection (addon.c's _fault, used by test/scan/faults.test.ts): makes one kind of
// call fail as the world would. err 0 on FAULT_STAT = the file is unlinked first (httpd
// deleting it between our getdents and fstatat). One-shot.
struct cachectl_fault cachectl_fault;

// A directory is matched by its absolute path; inside a subtree it is opened by name, so
// a fault path ending in "/name" matches too.
static int matches(const char *name, const char *want) {
  if (strcmp(name, want) == 0) return 1;
  size_t n = strlen(name), w = strlen(want);
  return name[0] != '/' && w > n && want[w - n - 1] == '/' && strcmp(want + w - n, name) == 0;
}

static int faulted(int op, const char *name, int dfd) {
  if (__atomic_load_n(&cachectl_fault.op, __ATOMIC_ACQUIRE) != op || !matches(name, cachectl_fault.name)) return 0;
  __atomic_store_n(&cachectl_fault.op, FAULT_NONE, __ATOMIC_RELEASE);
  if (cachectl_fault.err == 0) {
    unlinkat(dfd, name, 0);
    return 0;
  }
  errno = cachectl_fault.err;
  return 1;
}
#else
#define faulted(op, name, dfd) 0
#endif

// Opens the *.header file of the pack's entry at `rec`.
static int open_header(int dfd, const pack *p, size_t rec) {
  const abi_entry *e = (const abi_entry *)(p->entries.buf + rec);
  char name[NAME_MAX + 1];
  if (e->name_len > NAME_MAX) { errno = ENAMETOOLONG; return -1; }
  memcpy(name, e + 1, e->name_len);
  name[e->name_len] = 0;
  if (faulted(FAULT_OPEN, name, dfd)) return -1;
  int base = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  if (!__atomic_load_n(&noatime_denied, __ATOMIC_RELAXED)) {
    int fd = openat(dfd, name, base | O_NOATIME);
    if (fd >= 0 || errno != EPERM) return fd;
    __atomic_store_n(&noatime_denied, 1, __ATOMIC_RELAXED);
  }
  return openat(dfd, name, base);
}

// RWF_NOWAIT reads only what is already in the page cache (else EAGAIN): on a warm
// cache one pread-sized call per header, no read-ahead hint needed. Cleared at the
// first EOPNOTSUPP/EINVAL (old kernels, filesystems without it).
static int nowait_supported = 1;

static void take(pack *p, size_t rec, int fd, const char *buf, ssize_t got) {
  pack_header_result(p, rec, got < 0 ? errno : 0, buf, got < 0 ? 0 : (size_t)got);
  close(fd);
}

// Reads the headers of one batch. Pass 1 opens each and takes it if it is cached; the
// rest get a read-ahead hint, so on a cold cache the kernel has up to BATCH reads queued
// at once (htcacheclean waits for each). Pass 2 reads those.
static void read_batch(pack *p, int dfd, const size_t *rec, int n) {
  int fds[BATCH];
  char buf[HEADER_BYTES];
  for (int i = 0; i < n; i++) {
    int fd = open_header(dfd, p, rec[i]);
    fds[i] = -1;
    if (fd < 0) {
      pack_header_result(p, rec[i], errno, NULL, 0);
      continue;
    }
    if (__atomic_load_n(&nowait_supported, __ATOMIC_RELAXED)) {
      struct iovec v = { buf, sizeof buf };
      ssize_t got = preadv2(fd, &v, 1, 0, RWF_NOWAIT);
      // A short read that stops before the end of the file means "only part of it is
      // cached" (possible with pages smaller than the read): read it the normal way below,
      // or a cut-off header would pass for a corrupt one.
      double size = ((abi_entry *)(p->entries.buf + rec[i]))->stat.size;
      if (got >= 0 && (size_t)got < sizeof buf && (double)got < size) got = -1, errno = EAGAIN;
      if (got < 0 && (errno == EOPNOTSUPP || errno == EINVAL)) {
        __atomic_store_n(&nowait_supported, 0, __ATOMIC_RELAXED);
      } else if (got >= 0 || errno != EAGAIN) {
        take(p, rec[i], fd, buf, got);
        continue;
      }
    }
    posix_fadvise(fd, 0, HEADER_BYTES, POSIX_FADV_WILLNEED);
    fds[i] = fd;
  }
  for (int i = 0; i < n; i++) {
    if (fds[i] >= 0) take(p, rec[i], fds[i], buf, pread(fds[i], buf, sizeof buf, 0));
  }
}

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// Opens the directory `name` (relative to `at`) without following a symlink and checks it
// is the one the parent listed (dev/inode; expect_ino < 0: no check). -1 with errno on error.
static int open_pinned(int at, const char *name, double expect_dev, double expect_ino, struct stat *st) {
  int dfd = faulted(FAULT_DIR, name, -1) ? -1 : open_dir(at, name, st);
  // A symlink where a directory was: ELOOP (O_NOFOLLOW) or ENOTDIR; both mean "swapped".
  if (dfd < 0 && errno == ENOTDIR) errno = ELOOP;
  if (dfd >= 0 && expect_ino >= 0 && ((double)st->st_ino != expect_ino || (double)st->st_dev != expect_dev)) {
    close(dfd);
    errno = ELOOP;
    return -1;
  }
  return dfd;
}

// Lists the open directory `dfd` into `p` (getdents64 on the pinned descriptor instead of
// fdopendir: no dup/fcntl per directory, and vary groups make many small directories).
static void list_fd(pack *p, int dfd, int read_headers) {
  blob todo = { 0 }; // the offsets (size_t) of the *.header entries to read
  static __thread char dents[32768] __attribute__((aligned(8)));
  for (;;) {
    long got = syscall(SYS_getdents64, dfd, dents, sizeof dents);
    if (got < 0) {
      pack_head(p)->status = errno;
      break;
    }
    if (got == 0) break;
    for (long off = 0; off < got;) {
      struct linux_dirent64 *e = (struct linux_dirent64 *)(dents + off);
      off += e->d_reclen;
      const char *n = e->d_name;
      if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
      if (e->d_type != DT_REG && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) {
        pack_head(p)->others++;
        continue;
      }
      struct stat st;
      if (faulted(FAULT_STAT, n, dfd) || fstatat(dfd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) pack_head(p)->vanished++;
        else pack_entry(p, ENTRY_ERROR, n, strlen(n), NULL, errno);
        continue;
      }
      if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        pack_head(p)->others++;
        continue;
      }
      size_t len = strlen(n);
      size_t rec = pack_entry(p, S_ISDIR(st.st_mode) ? ENTRY_DIR : ENTRY_FILE, n, len, &st, 0);
      if (read_headers && S_ISREG(st.st_mode) && len > 7 && !strcasecmp(n + len - 7, ".header")) blob_append(&todo, &rec, sizeof rec);
    }
  }
  size_t count = todo.len / sizeof(size_t);
  for (size_t i = 0; i < count; i += BATCH) read_batch(p, dfd, (const size_t *)todo.buf + i, count - i < BATCH ? (int)(count - i) : BATCH);
  free(todo.buf);
}

// Deeper than any real layout (CacheDirLevels <= 20, plus a vary subtree of the same).
#define MAX_TREE_DEPTH 128

static void tree_at(blob *out, int at, const char *name, const char *rel, double dev, double ino, int read_headers, int subtree, int depth) {
  struct stat dst;
  int dfd = depth > MAX_TREE_DEPTH ? (errno = ELOOP, -1) : open_pinned(at, name, dev, ino, &dst);
  pack p;
  pack_init(&p, dfd < 0 ? errno : 0, &dst);
  if (dfd >= 0) list_fd(&p, dfd, read_headers);
  size_t pos = pack_segment(&p, rel, out);
  if (dfd < 0) return;
  // The subdirectories, from the pack's copy in `out`, by offset: reading them grows (and
  // moves) `out`.
  uint32_t entries = subtree ? ((const abi_dir_head *)(out->buf + pos))->entries : 0;
  size_t rl = strlen(rel), at_entry = pos + sizeof(abi_dir_head);
  for (uint32_t r = 0; r < entries; r++) {
    abi_entry e;
    memcpy(&e, out->buf + at_entry, sizeof e);
    if (e.type == ENTRY_DIR) {
      // Its path below the top; its name is the last component.
      char *child = malloc(rl + e.name_len + 2);
      if (!child) abort();
      char *child_name = child + (rl ? rl + 1 : 0);
      if (rl) memcpy(child, rel, rl), child[rl] = '/';
      memcpy(child_name, out->buf + at_entry + sizeof e, e.name_len);
      child_name[e.name_len] = 0;
      tree_at(out, dfd, child_name, child, e.stat.dev, e.stat.ino, read_headers, 1, depth + 1);
      free(child);
    }
    at_entry += ABI_ALIGN(sizeof e + e.name_len);
  }
  close(dfd);
}

void cachectl_read_tree(blob *out, const char *path, double expect_dev, double expect_ino, int read_headers, int subtree) {
  tree_at(out, AT_FDCWD, path, "", expect_dev, expect_ino, read_headers, subtree, 0);
}
