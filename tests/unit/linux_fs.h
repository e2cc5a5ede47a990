/*
 * The host's own file system calls, for test_vfs_linux: each returns 0 or
 * -errno, in a temporary directory of its own. linux_fs.c includes only
 * libc headers, so Linux's struct stat and O_* never meet the kernel's.
 */
#ifndef TESTS_UNIT_LINUX_FS_H
#define TESTS_UNIT_LINUX_FS_H

#include <stdbool.h>
#include <stddef.h>

struct lfs_stat {
	unsigned int type;       /* S_IFMT bits: the same numbers in both */
	long size;
	unsigned long nlink;
};

/* The working directory is this many levels of "w" below the temporary one. */
#define LFS_DEPTH 4

void lfs_setup(void);
void lfs_teardown(void);
int lfs_mkdir(const char *p);
int lfs_rmdir(const char *p);
int lfs_unlink(const char *p);
/* open(O_WRONLY | O_CREAT, and O_TRUNC or O_EXCL | O_APPEND), write data, close. */
int lfs_create(const char *p, bool excl_append, const char *data);
int lfs_rename(const char *p, const char *q);
int lfs_symlink(const char *target, const char *p);
int lfs_link(const char *p, const char *q);
/* open(O_WRONLY), ftruncate, close. */
int lfs_truncate(const char *p, long len);
int lfs_stat(const char *p, bool nofollow, struct lfs_stat *st);
long lfs_readlink(const char *p, char *buf, size_t size);
/* open(O_RDONLY) error, or the bytes read (or -errno of the read) in *len. */
int lfs_read(const char *p, char *buf, size_t size, long *len);
/* Sorted names in directory p, space-separated; "" if it is not one. */
void lfs_list(const char *p, char *out, size_t size);

#endif
