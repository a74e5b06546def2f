// Reading directories into packs (abi.h): one (readdir.c) or a whole subtree (tree.c).
#ifndef CACHECTL_READDIR_H
#define CACHECTL_READDIR_H
#include <sys/stat.h>
#include "pack.h"

/** Set once O_NOATIME was refused (EPERM): headers are then opened without it. */
extern int cachectl_noatime_denied;
/** Opens `name` below `at` without following a symlink, checked against dev/inode (< 0: unchecked). */
int open_pinned(int at, const char *name, double expect_dev, double expect_ino, struct stat *st);
/** Lists the open directory into `p`, reading every `*.header` file's start when asked. */
void list_fd(pack *p, int dfd, int read_headers);
/** The directory at `path`, pinned to dev/inode, and with `subtree` everything below it,
 *  depth first, one segment per directory (a segment's status says why it was not read). */
void cachectl_read_tree(blob *out, const char *path, double expect_dev, double expect_ino, int read_headers, int subtree);

#ifdef CACHECTL_TEST_HOOKS
struct cachectl_fault { int op; int err; char name[4096]; };
extern struct cachectl_fault cachectl_fault;
#endif
#endif
