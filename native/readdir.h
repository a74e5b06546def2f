// One directory's listing, shared by readdir.c (a directory) and tree.c (a subtree).
#ifndef CACHECTL_READDIR_H
#define CACHECTL_READDIR_H
#include <sys/stat.h>
#include "pack.h"

/** Opens `name` below `at` without following a symlink, checked against dev/inode (< 0: unchecked). */
int open_pinned(int at, const char *name, double expect_dev, double expect_ino, struct stat *st);
/** Lists the open directory into `p`, reading every `*.header` file's start when asked. */
void list_fd(pack *p, int dfd, int read_headers);
#endif
