/* The host side of test_vfs_linux: Linux's answers, relative to a temporary directory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux_fs.h"

#define NAMES_MAX 64

static int dir_fd = -1;
static char dir_path[64];

static int ret(long r)
{
	return r < 0 ? -errno : 0;
}

void lfs_setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(dir_path, sizeof(dir_path), "%s/tessera-vfs-XXXXXX", base);
	if (!mkdtemp(dir_path) || (dir_fd = open(dir_path, O_RDONLY | O_DIRECTORY)) < 0) {
		perror("lfs_setup");
		abort();
	}
	for (int i = 0; i < LFS_DEPTH; i++) {
		int fd;

		if (mkdirat(dir_fd, "w", 0755) || (fd = openat(dir_fd, "w", O_RDONLY)) < 0) {
			perror("lfs_setup");
			abort();
		}
		close(dir_fd);
		dir_fd = fd;
	}
}

static void remove_tree(int dir, const char *name)
{
	struct stat st;
	struct dirent *de;
	DIR *dp;
	int d;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode)) {
		unlinkat(dir, name, 0);
		return;
	}
	d = openat(dir, name, O_RDONLY | O_DIRECTORY);
	dp = d >= 0 ? fdopendir(d) : NULL;
	while (dp && (de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			remove_tree(dirfd(dp), de->d_name);
	if (dp)
		closedir(dp);
	unlinkat(dir, name, AT_REMOVEDIR);
}

void lfs_teardown(void)
{
	close(dir_fd);
	remove_tree(AT_FDCWD, dir_path);
}

int lfs_mkdir(const char *p)
{
	return ret(mkdirat(dir_fd, p, 0755));
}

int lfs_rmdir(const char *p)
{
	return ret(unlinkat(dir_fd, p, AT_REMOVEDIR));
}

int lfs_unlink(const char *p)
{
	return ret(unlinkat(dir_fd, p, 0));
}

int lfs_create(const char *p, bool excl_append, const char *data)
{
	int flags = O_WRONLY | O_CREAT | (excl_append ? O_EXCL | O_APPEND : O_TRUNC);
	int fd = openat(dir_fd, p, flags, 0644);

	if (fd < 0)
		return -errno;
	if (write(fd, data, strlen(data)) < 0)
		abort();
	close(fd);
	return 0;
}

int lfs_rename(const char *p, const char *q)
{
	return ret(renameat(dir_fd, p, dir_fd, q));
}

int lfs_symlink(const char *target, const char *p)
{
	return ret(symlinkat(target, dir_fd, p));
}

int lfs_link(const char *p, const char *q)
{
	return ret(linkat(dir_fd, p, dir_fd, q, 0));
}

int lfs_truncate(const char *p, long len)
{
	int fd = openat(dir_fd, p, O_WRONLY), err;

	if (fd < 0)
		return -errno;
	err = ret(ftruncate(fd, len));
	close(fd);
	return err;
}

int lfs_stat(const char *p, bool nofollow, struct lfs_stat *st)
{
	struct stat s;

	if (fstatat(dir_fd, p, &s, nofollow ? AT_SYMLINK_NOFOLLOW : 0))
		return -errno;
	st->type = s.st_mode & S_IFMT;
	st->size = s.st_size;
	st->nlink = s.st_nlink;
	return 0;
}

long lfs_readlink(const char *p, char *buf, size_t size)
{
	long n = readlinkat(dir_fd, p, buf, size);

	return n < 0 ? -errno : n;
}

int lfs_read(const char *p, char *buf, size_t size, long *len)
{
	int fd = openat(dir_fd, p, O_RDONLY);

	if (fd < 0)
		return -errno;
	*len = read(fd, buf, size);
	if (*len < 0)
		*len = -errno;
	close(fd);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

void lfs_list(const char *p, char *out, size_t size)
{
	static char names[NAMES_MAX][256];
	int d = openat(dir_fd, p, O_RDONLY | O_DIRECTORY), n = 0;
	struct dirent *de;
	DIR *dp;

	out[0] = '\0';
	if (d < 0 || !(dp = fdopendir(d)))
		return;
	while ((de = readdir(dp)) && n < NAMES_MAX)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			snprintf(names[n++], sizeof(names[0]), "%s", de->d_name);
	closedir(dp);
	qsort(names, n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++) {
		strncat(out, i ? " " : "", size - strlen(out) - 1);
		strncat(out, names[i], size - strlen(out) - 1);
	}
}
