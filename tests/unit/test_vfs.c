/*
 * The VFS with ramfs and devfs on the host (fs/ compiled against
 * vfs_host.c): files, directories, symlinks, hard links, rename, ".." and
 * mounts, getdents64, fd tables, devices, the initramfs unpacker, and
 * leak checks (heap blocks and pages back to their count after unmount).
 * CONFIG_VFS_DCACHE_UNUSED is tiny here so the cache prunes constantly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fs/initramfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include "cpio_build.h"
#include "vfs_host.h"

static struct fs_struct *fs = &init_fs;

/* --- helpers --- */

static struct file *open_ok(const char *path, unsigned int flags, u32 mode)
{
	struct file *f = NULL;
	int err = vfs_open(fs, NULL, path, flags, mode, &f);

	if (err)
		fail_msg("open %s: %d", path, err);
	assert_int_equal(host_mutexes_held, 0);
	return f;
}

static int open_err(const char *path, unsigned int flags)
{
	struct file *f = NULL;
	int err = vfs_open(fs, NULL, path, flags, 0644, &f);

	if (!err)
		file_put(f);
	return err;
}

static void write_file(const char *path, const char *data)
{
	struct file *f = open_ok(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct iobuf b = iobuf_kernel((void *)data, strlen(data));

	assert_int_equal(vfs_write(f, &b), (long)strlen(data));
	file_put(f);
}

/* The whole file as a string (at most 4095 bytes). */
static const char *read_file(const char *path)
{
	static char buf[4096];
	struct file *f = open_ok(path, O_RDONLY, 0);
	struct iobuf b = iobuf_kernel(buf, sizeof(buf) - 1);
	long n = vfs_read(f, &b);

	assert_true(n >= 0);
	buf[n] = '\0';
	file_put(f);
	return buf;
}

static struct stat st_of(const char *path, unsigned int flags)
{
	struct stat st;
	int err = vfs_stat(fs, NULL, path, flags, &st);

	if (err)
		fail_msg("stat %s: %d", path, err);
	return st;
}

static int stat_err(const char *path)
{
	struct stat st;

	return vfs_stat(fs, NULL, path, 0, &st);
}

/* Names in a directory, sorted, space-separated, without "." and "..". */
static const char *list_dir(const char *path)
{
	static char out[8192];
	static char names[64][NAME_MAX + 1];
	char buf[512];
	int count = 0;
	struct file *f = open_ok(path, O_RDONLY | O_DIRECTORY, 0);

	for (;;) {
		struct iobuf b = iobuf_kernel(buf, sizeof(buf));
		long n = vfs_getdents64(f, &b);

		assert_true(n >= 0);
		if (n == 0)
			break;
		for (long off = 0; off < n; ) {
			struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);

			assert_int_equal(de->d_reclen % 8, 0);
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && count < 64)
				snprintf(names[count++], NAME_MAX + 1, "%s", de->d_name);
			off += de->d_reclen;
		}
	}
	file_put(f);
	for (int i = 0; i < count; i++)
		for (int j = i + 1; j < count; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char t[NAME_MAX + 1];

				memcpy(t, names[i], sizeof(t));
				memcpy(names[i], names[j], sizeof(t));
				memcpy(names[j], t, sizeof(t));
			}
	out[0] = '\0';
	for (int i = 0; i < count; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, names[i]);
	}
	return out;
}

/* Each test works in a fresh ramfs on /t, unmounted afterwards: nothing may leak. */
static long heap_before, pages_before, heap_mark;

static int setup(void **state)
{
	(void)state;
	heap_before = host_heap_live;
	pages_before = host_pages_live;
	heap_mark = host_heap_mark();
	vfs_mkdir(fs, NULL, "/t", 0755);
	assert_int_equal(vfs_mount(fs, "test", "/t", "ramfs", 0, NULL), 0);
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(vfs_chdir(fs, NULL, "/"), 0);
	assert_int_equal(vfs_umount(fs, "/t", 0), 0);
	assert_int_equal(host_mutexes_held, 0);
	assert_int_equal(host_pages_live, pages_before);
	/* The dentry for /t itself may be cached in the root: allow what setup added there. */
	if (host_heap_live > heap_before + 2)
		host_heap_dump_since(heap_mark);
	if (host_heap_live > heap_before + 2)
		fail_msg("%ld heap blocks leaked", host_heap_live - heap_before);
	return 0;
}

/* --- tests --- */

static void test_files(void **state)
{
	struct file *f;
	char big[10000], back[10000];
	struct iobuf b;
	struct stat st;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1);
	f = open_ok("data", O_RDWR | O_CREAT | O_EXCL, 0640);
	b = iobuf_kernel(big, sizeof(big));
	assert_int_equal(vfs_write(f, &b), sizeof(big));
	assert_int_equal(vfs_lseek(f, 0, SEEK_CUR), sizeof(big));
	assert_int_equal(vfs_lseek(f, 0, SEEK_SET), 0);
	b = iobuf_kernel(back, sizeof(back));
	assert_int_equal(vfs_read(f, &b), sizeof(back));
	assert_memory_equal(big, back, sizeof(big));
	b = iobuf_kernel(back, 10);
	assert_int_equal(vfs_read(f, &b), 0);                /* end of file */
	assert_int_equal(kernel_read(f, back, 100, 4090), 100);
	assert_memory_equal(back, big + 4090, 100);
	assert_int_equal(vfs_lseek(f, -10, SEEK_END), sizeof(big) - 10);
	assert_int_equal(vfs_lseek(f, -20000, SEEK_CUR), -EINVAL);
	assert_int_equal(vfs_lseek(f, 0, 7), -EINVAL);
	vfs_fstat(f, &st);
	assert_int_equal(st.st_size, sizeof(big));
	assert_int_equal(st.st_mode, S_IFREG | 0640);        /* umask 022 leaves 0640 alone */
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_blocks, 3 * 8);
	assert_int_equal(st.st_blksize, 4096);
	file_put(f);
	assert_int_equal(open_err("data", O_RDWR | O_CREAT | O_EXCL), -EEXIST);
	assert_int_equal(open_err("nothere", O_RDONLY), -ENOENT);
	assert_int_equal(open_err("data/x", O_RDONLY), -ENOTDIR);
	assert_int_equal(open_err("data", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	assert_int_equal(open_err("data/", O_RDONLY), -ENOTDIR);
	assert_int_equal(open_err("new/", O_RDWR | O_CREAT), -EISDIR);
	assert_int_equal(open_err("data", O_ACCMODE), -EINVAL);

	/* O_TRUNC, O_APPEND and access modes. */
	write_file("data", "hello");
	assert_string_equal(read_file("data"), "hello");
	f = open_ok("data", O_WRONLY | O_APPEND, 0);
	b = iobuf_kernel(" world", 6);
	assert_int_equal(vfs_write(f, &b), 6);
	b = iobuf_kernel(back, 5);
	assert_int_equal(vfs_read(f, &b), -EBADF);
	assert_int_equal(kernel_write(f, "!", 1, 0), 1);      /* O_APPEND wins over the offset */
	file_put(f);
	assert_string_equal(read_file("data"), "hello world!");
	f = open_ok("data", O_RDONLY, 0);
	b = iobuf_kernel("x", 1);
	assert_int_equal(vfs_write(f, &b), -EBADF);
	assert_int_equal(vfs_ftruncate(f, 0), -EINVAL);
	b = iobuf_kernel(back, sizeof(back));
	assert_int_equal(vfs_getdents64(f, &b), -ENOTDIR);
	file_put(f);
}

static void test_sparse_and_truncate(void **state)
{
	struct file *f = open_ok("sparse", O_RDWR | O_CREAT, 0644);
	char buf[8192], zero[8192] = { 0 };
	struct stat st;

	(void)state;
	assert_int_equal(kernel_write(f, "end", 3, 1 << 20), 3);
	vfs_fstat(f, &st);
	assert_int_equal(st.st_size, (1 << 20) + 3);
	assert_int_equal(st.st_blocks, 8);                   /* one page for 3 bytes at 1 MiB */
	assert_int_equal(kernel_read(f, buf, sizeof(buf), 4096 * 10), sizeof(buf));
	assert_memory_equal(buf, zero, sizeof(buf));
	assert_int_equal(kernel_write(f, "abcdefgh", 8, 100), 8);
	/* Shrink into the middle of a page, grow again: the cut-off bytes read as zero. */
	assert_int_equal(vfs_ftruncate(f, 104), 0);
	vfs_fstat(f, &st);
	assert_int_equal(st.st_blocks, 8);
	assert_int_equal(vfs_ftruncate(f, 5000), 0);
	assert_int_equal(kernel_read(f, buf, 200, 0), 200);
	assert_memory_equal(buf + 100, "abcd\0\0\0\0", 8);
	assert_memory_equal(buf, zero, 100);
	assert_int_equal(vfs_truncate(fs, NULL, "sparse", 0), 0);
	assert_int_equal(kernel_read(f, buf, 10, 0), 0);
	assert_int_equal(host_pages_live, pages_before);
	assert_int_equal(vfs_ftruncate(f, RAMFS_MAX_FILE_SIZE + 1), -EFBIG);
	assert_int_equal(kernel_write(f, "x", 1, RAMFS_MAX_FILE_SIZE), -EFBIG);
	file_put(f);
	assert_int_equal(vfs_truncate(fs, NULL, ".", 0), -EISDIR);
}

static void test_directories(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, "d", 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, "d", 0755), -EEXIST);
	assert_int_equal(vfs_mkdir(fs, NULL, "d/e/", 0700), 0);  /* trailing slash is fine */
	assert_int_equal(vfs_mkdir(fs, NULL, "d/e/f", 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, "x/y", 0755), -ENOENT);
	assert_int_equal(vfs_mkdir(fs, NULL, "/", 0755), -EEXIST);
	assert_int_equal(vfs_mkdir(fs, NULL, ".", 0755), -EEXIST);
	write_file("d/file", "x");
	assert_int_equal(vfs_mkdir(fs, NULL, "d/file/z", 0755), -ENOTDIR);
	st = st_of("d", 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0755);
	assert_int_equal(st.st_nlink, 3);                    /* ., the entry, e/.. */
	assert_int_equal(st_of("d/e", 0).st_mode, S_IFDIR | 0700);
	assert_string_equal(list_dir("d"), "e file");
	assert_int_equal(vfs_rmdir(fs, NULL, "d"), -ENOTEMPTY);
	assert_int_equal(vfs_rmdir(fs, NULL, "d/file"), -ENOTDIR);
	assert_int_equal(vfs_unlink(fs, NULL, "d/e"), -EISDIR);
	assert_int_equal(vfs_unlink(fs, NULL, "d/file/"), -ENOTDIR);
	assert_int_equal(vfs_rmdir(fs, NULL, "d/e/f/."), -EINVAL);
	assert_int_equal(vfs_rmdir(fs, NULL, "d/e/f/.."), -ENOTEMPTY);
	assert_int_equal(vfs_rmdir(fs, NULL, "/"), -EBUSY);
	assert_int_equal(vfs_rmdir(fs, NULL, "d/nothere"), -ENOENT);
	assert_int_equal(vfs_rmdir(fs, NULL, "d/e/f"), 0);
	assert_int_equal(vfs_rmdir(fs, NULL, "d/e"), 0);
	assert_int_equal(vfs_unlink(fs, NULL, "d/file"), 0);
	assert_int_equal(st_of("d", 0).st_nlink, 2);
	assert_string_equal(list_dir("d"), "");
	assert_int_equal(vfs_rmdir(fs, NULL, "d"), 0);
	assert_int_equal(stat_err("d"), -ENOENT);
	assert_int_equal(vfs_mkdir(fs, NULL, "", 0755), -ENOENT);
}

static void test_dotdot_and_cwd(void **state)
{
	char buf[256];
	struct stat a, b;
	struct path root_save;

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, "a", 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, "a/b", 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, "a/b/c", 0755), 0);
	a = st_of("a/b/c/../../b/./c", 0);
	b = st_of("/t/a/b/c", 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(st_of("/..", 0).st_ino, st_of("/", 0).st_ino);
	assert_int_equal(st_of("/../../t/..//t", 0).st_ino, st_of("/t", 0).st_ino);
	/* ".." from the root of /t's ramfs crosses back to the root filesystem. */
	assert_int_equal(st_of("..", 0).st_ino, st_of("/", 0).st_ino);
	assert_int_equal(st_of("..", 0).st_dev, st_of("/", 0).st_dev);
	assert_int_not_equal(st_of(".", 0).st_dev, st_of("/", 0).st_dev);
	assert_int_equal(vfs_chdir(fs, NULL, "a/b"), 0);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "/t/a/b");
	assert_int_equal(vfs_getcwd(fs, buf, 6), -ERANGE);
	assert_int_equal(vfs_chdir(fs, NULL, "c/../../.."), 0);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "/t");
	assert_int_equal(vfs_chdir(fs, NULL, "nothere"), -ENOENT);
	write_file("file", "x");
	assert_int_equal(vfs_chdir(fs, NULL, "file"), -ENOTDIR);
	/* chroot: ".." stops at the new root and getcwd is relative to it. */
	root_save = fs->root;
	path_get(&root_save);
	assert_int_equal(vfs_chroot(fs, NULL, "a"), 0);
	assert_int_equal(vfs_chdir(fs, NULL, "/b/c"), 0);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/b/c");
	assert_int_equal(st_of("/../../..", 0).st_ino, st_of("/t/a", 0).st_ino);
	assert_int_equal(stat_err("/t"), -ENOENT);
	path_put(&fs->root);
	fs->root = root_save;
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
	/* A removed working directory: getcwd says so. */
	assert_int_equal(vfs_chdir(fs, NULL, "a/b/c"), 0);
	assert_int_equal(vfs_rmdir(fs, NULL, "/t/a/b/c"), 0);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vfs_mkdir(fs, NULL, "new", 0755), -ENOENT);   /* in a dead directory */
	assert_int_equal(open_err("new", O_RDWR | O_CREAT), -ENOENT);
	assert_int_equal(vfs_chdir(fs, NULL, ".."), 0);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), 7);
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
}

static void test_symlinks(void **state)
{
	char buf[64];
	struct stat st;

	(void)state;
	write_file("target", "pointed at");
	assert_int_equal(vfs_mkdir(fs, NULL, "dir", 0755), 0);
	assert_int_equal(vfs_symlink(fs, "target", NULL, "rel"), 0);
	assert_int_equal(vfs_symlink(fs, "/t/target", NULL, "dir/abs"), 0);
	assert_int_equal(vfs_symlink(fs, "../target", NULL, "dir/up"), 0);
	assert_int_equal(vfs_symlink(fs, "dir", NULL, "dirlink"), 0);
	assert_int_equal(vfs_symlink(fs, "nowhere", NULL, "dangling"), 0);
	assert_int_equal(vfs_symlink(fs, "x", NULL, "rel"), -EEXIST);
	assert_int_equal(vfs_symlink(fs, "", NULL, "empty"), -ENOENT);
	assert_string_equal(read_file("rel"), "pointed at");
	assert_string_equal(read_file("dir/abs"), "pointed at");
	assert_string_equal(read_file("dir/up"), "pointed at");
	assert_string_equal(read_file("dirlink/up"), "pointed at");
	assert_string_equal(read_file("dirlink/../target"), "pointed at");  /* .. of dir, not of the link */
	st = st_of("rel", AT_SYMLINK_NOFOLLOW);
	assert_int_equal(st.st_mode & S_IFMT, S_IFLNK);
	assert_int_equal(st.st_size, 6);
	assert_int_equal(st_of("rel", 0).st_mode & S_IFMT, S_IFREG);
	assert_int_equal(vfs_readlink(fs, NULL, "dir/up", buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "../target", 9);
	assert_int_equal(vfs_readlink(fs, NULL, "dir/up", buf, 3), 3);
	assert_int_equal(vfs_readlink(fs, NULL, "target", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(stat_err("dangling"), -ENOENT);
	assert_int_equal(open_err("rel", O_RDONLY | O_NOFOLLOW), -ELOOP);
	assert_int_equal(open_err("dirlink/", O_RDONLY | O_DIRECTORY), 0);
	assert_int_equal(open_err("rel/", O_RDONLY), -ENOTDIR);
	/* O_CREAT through a link to an existing file opens it; a dangling one fails. */
	assert_int_equal(open_err("rel", O_RDWR | O_CREAT), 0);
	assert_int_equal(open_err("rel", O_RDWR | O_CREAT | O_EXCL), -EEXIST);
	/* Loops, and the limits: 40 links in a chain, 8 nested. */
	assert_int_equal(vfs_symlink(fs, "loop2", NULL, "loop1"), 0);
	assert_int_equal(vfs_symlink(fs, "loop1", NULL, "loop2"), 0);
	assert_int_equal(stat_err("loop1"), -ELOOP);
	assert_int_equal(stat_err("loop1/x"), -ELOOP);
	assert_int_equal(vfs_symlink(fs, "self/x", NULL, "self"), 0);
	assert_int_equal(stat_err("self"), -ELOOP);
	for (int i = 0; i < 41; i++) {
		char name[16], to[16];

		snprintf(name, sizeof(name), "c%d", i);
		snprintf(to, sizeof(to), i == 40 ? "target" : "c%d", i + 1);
		assert_int_equal(vfs_symlink(fs, to, NULL, name), 0);
	}
	assert_int_equal(stat_err("c1"), 0);                  /* 40 links */
	assert_int_equal(stat_err("c0"), -ELOOP);             /* 41 */
	/* n0 -> n1/x, n1 -> n2/x, ...: each body has a link in its middle. */
	assert_int_equal(vfs_mkdir(fs, NULL, "nd", 0755), 0);
	write_file("nd/x", "deep");
	for (int i = 0; i < 10; i++) {
		char name[16], to[16];

		snprintf(name, sizeof(name), "n%d", i);
		if (i == 9)
			snprintf(to, sizeof(to), "nd");
		else
			snprintf(to, sizeof(to), "n%d/.", i + 1);
		assert_int_equal(vfs_symlink(fs, to, NULL, name), 0);
	}
	assert_string_equal(read_file("n2/x"), "deep");       /* 7 nested */
	assert_int_equal(stat_err("n0/x"), -ELOOP);            /* 9 nested */
}

static void test_hard_links_and_unlink(void **state)
{
	struct file *f;
	struct stat st;
	char buf[32];

	(void)state;
	write_file("orig", "shared data");
	assert_int_equal(vfs_link(fs, NULL, "orig", NULL, "second", 0), 0);
	assert_int_equal(vfs_link(fs, NULL, "orig", NULL, "second", 0), -EEXIST);
	assert_int_equal(vfs_mkdir(fs, NULL, "dir", 0755), 0);
	assert_int_equal(vfs_link(fs, NULL, "dir", NULL, "dir2", 0), -EPERM);
	assert_int_equal(vfs_link(fs, NULL, "orig", NULL, "/dev/x", 0), -EXDEV);
	assert_int_equal(vfs_link(fs, NULL, "nothere", NULL, "y", 0), -ENOENT);
	st = st_of("second", 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(st.st_ino, st_of("orig", 0).st_ino);
	write_file("second", "changed");
	assert_string_equal(read_file("orig"), "changed");
	/* Unlinked while open: the data lives until the last close. */
	f = open_ok("orig", O_RDWR, 0);
	assert_int_equal(vfs_unlink(fs, NULL, "orig"), 0);
	assert_int_equal(vfs_unlink(fs, NULL, "second"), 0);
	assert_int_equal(stat_err("orig"), -ENOENT);
	vfs_fstat(f, &st);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(kernel_read(f, buf, sizeof(buf), 0), 7);
	assert_memory_equal(buf, "changed", 7);
	assert_int_equal(kernel_write(f, "more", 4, 7), 4);
	assert_true(host_pages_live > pages_before);
	file_put(f);
	assert_int_equal(host_pages_live, pages_before);
	assert_int_equal(vfs_unlink(fs, NULL, "orig"), -ENOENT);
}

static void test_rename(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, "a", 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, "b", 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, "a/sub", 0755), 0);
	write_file("a/f", "F");
	write_file("b/g", "G");
	assert_int_equal(vfs_rename(fs, NULL, "a/f", NULL, "b/f2", 0), 0);
	assert_string_equal(read_file("b/f2"), "F");
	assert_int_equal(stat_err("a/f"), -ENOENT);
	/* Replacing a file; RENAME_NOREPLACE refuses to. */
	assert_int_equal(vfs_rename(fs, NULL, "b/f2", NULL, "b/g", RENAME_NOREPLACE), -EEXIST);
	assert_int_equal(vfs_rename(fs, NULL, "b/f2", NULL, "b/g", 0), 0);
	assert_string_equal(read_file("b/g"), "F");
	assert_string_equal(list_dir("b"), "g");
	/* Directories: across parents (nlink moves), never into themselves. */
	assert_int_equal(st_of("a", 0).st_nlink, 3);
	assert_int_equal(vfs_rename(fs, NULL, "a/sub", NULL, "b/sub", 0), 0);
	assert_int_equal(st_of("a", 0).st_nlink, 2);
	assert_int_equal(st_of("b", 0).st_nlink, 3);
	assert_int_equal(vfs_rename(fs, NULL, "b", NULL, "b/sub/inside", 0), -EINVAL);
	assert_int_equal(vfs_rename(fs, NULL, "b", NULL, "b/sub", 0), -EINVAL);
	assert_int_equal(vfs_rename(fs, NULL, "b/sub", NULL, "b/g", 0), -ENOTDIR);
	assert_int_equal(vfs_rename(fs, NULL, "b/g", NULL, "b/sub", 0), -EISDIR);
	assert_int_equal(vfs_rename(fs, NULL, "b/g", NULL, "b/sub/", 0), -ENOTDIR);
	assert_int_equal(vfs_rename(fs, NULL, "b/g/", NULL, "b/h", 0), -ENOTDIR);
	write_file("b/sub/x", "x");
	assert_int_equal(vfs_rename(fs, NULL, "a", NULL, "b/sub", 0), -ENOTEMPTY);
	assert_int_equal(vfs_unlink(fs, NULL, "b/sub/x"), 0);
	assert_int_equal(vfs_rename(fs, NULL, "a", NULL, "b/sub", 0), 0);   /* over an empty dir */
	assert_int_equal(stat_err("a"), -ENOENT);
	assert_int_equal(vfs_rename(fs, NULL, "nothere", NULL, "y", 0), -ENOENT);
	assert_int_equal(vfs_rename(fs, NULL, "b/g", NULL, "/dev/g", 0), -EXDEV);
	assert_int_equal(vfs_rename(fs, NULL, ".", NULL, "y", 0), -EBUSY);
	assert_int_equal(vfs_rename(fs, NULL, "b/g", NULL, "b/g", 0), 0);   /* same file */
	/* Renaming the working directory keeps getcwd right. */
	assert_int_equal(vfs_chdir(fs, NULL, "b/sub"), 0);
	assert_int_equal(vfs_rename(fs, NULL, "/t/b", NULL, "/t/renamed", 0), 0);
	assert_true(vfs_getcwd(fs, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "/t/renamed/sub");
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
	assert_string_equal(list_dir("."), "renamed");
}

/* Names keep their place: removing others mid-listing skips and repeats nothing. */
static void test_getdents(void **state)
{
	char buf[80], name[16];
	int seen[40] = { 0 }, seen_new = 0;
	struct file *f;
	long n;

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, "many", 0755), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "many/%02d", i);
		write_file(name, "");
	}
	f = open_ok("many", O_RDONLY | O_DIRECTORY, 0);
	for (int round = 0; ; round++) {
		struct iobuf b = iobuf_kernel(buf, sizeof(buf));
		s64 last_off = 0;

		n = vfs_getdents64(f, &b);
		assert_true(n >= 0);
		if (!n)
			break;
		for (long off = 0; off < n; ) {
			struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);

			if (strcmp(de->d_name, "new") == 0) {
				seen_new++;
			} else if (de->d_name[0] != '.') {
				int i = atoi(de->d_name);

				seen[i]++;
				assert_int_equal(de->d_type, DT_REG);
			} else {
				assert_int_equal(de->d_type, DT_DIR);
			}
			last_off = de->d_off;
			off += de->d_reclen;
		}
		assert_int_equal(vfs_lseek(f, 0, SEEK_CUR), last_off);
		/* Delete a name not yet listed and one already listed. */
		if (round == 1) {
			assert_int_equal(vfs_unlink(fs, NULL, "many/39"), 0);
			assert_int_equal(vfs_unlink(fs, NULL, "many/00"), 0);
			write_file("many/new", "");
		}
	}
	for (int i = 0; i < 39; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(seen[39], 0);
	assert_int_equal(seen_new, 1);              /* added behind the reader: still shown */
	/* A buffer too small for one record. */
	assert_int_equal(vfs_lseek(f, 0, SEEK_SET), 0);
	{
		struct iobuf tiny = iobuf_kernel(buf, 8);

		assert_int_equal(vfs_getdents64(f, &tiny), -EINVAL);
	}
	file_put(f);
}

static void test_fd_table(void **state)
{
	struct files t, child;
	struct file *f = open_ok("fds", O_RDWR | O_CREAT, 0644);
	int fd, fd2;

	(void)state;
	files_init(&t);
	fd = fd_install(&t, f, 0, 0);
	assert_int_equal(fd, 0);
	assert_int_equal(fd_dup(&t, fd, 0, 0), 1);
	assert_int_equal(fd_dup(&t, fd, 10, O_CLOEXEC), 10);
	assert_int_equal(fd_get_flags(&t, 10), FD_CLOEXEC);
	assert_int_equal(fd_get_flags(&t, 1), 0);
	assert_int_equal(fd_dup2(&t, 0, 0), 0);
	assert_int_equal(fd_dup3(&t, 0, 0, 0), -EINVAL);
	assert_int_equal(fd_dup2(&t, 5, 6), -EBADF);
	assert_int_equal(fd_dup2(&t, 0, 40), 40);             /* grows the table */
	assert_int_equal(fd_dup3(&t, 0, 40, O_CLOEXEC), 40);  /* replaces, sets the flag */
	assert_int_equal(fd_get_flags(&t, 40), FD_CLOEXEC);
	assert_int_equal(fd_dup2(&t, 0, FD_MAX), -EBADF);
	assert_int_equal(fd_set_flags(&t, 1, FD_CLOEXEC), 0);
	assert_int_equal(fd_set_flags(&t, 7, FD_CLOEXEC), -EBADF);
	/* Shared offset: a write through one fd moves the other. */
	{
		struct file *a = fd_get(&t, 0), *b = fd_get(&t, 1);
		struct iobuf io = iobuf_kernel("abc", 3);

		assert_ptr_equal(a, b);
		assert_int_equal(vfs_write(a, &io), 3);
		assert_int_equal(vfs_lseek(b, 0, SEEK_CUR), 3);
		file_put(a);
		file_put(b);
	}
	assert_null(fd_get(&t, 2));
	assert_null(fd_get(&t, -1));
	assert_null(fd_get(&t, 1 << 20));
	files_init(&child);
	assert_int_equal(files_copy(&child, &t), 0);
	assert_int_equal(fd_get_flags(&child, 10), FD_CLOEXEC);
	files_close_on_exec(&child);
	assert_int_equal(fd_get_flags(&child, 10), -EBADF);
	assert_int_equal(fd_get_flags(&child, 1), -EBADF);
	assert_int_equal(fd_get_flags(&child, 0), 0);
	files_release(&child);
	assert_int_equal(fd_close(&t, 1), 0);
	assert_int_equal(fd_close(&t, 1), -EBADF);
	/* Fill to FD_MAX: the next one is EMFILE. */
	for (fd2 = 0; fd2 < FD_MAX; fd2++)
		if (fd_dup(&t, 0, 0, 0) < 0)
			break;
	assert_int_equal(fd_dup(&t, 0, 0, 0), -EMFILE);
	assert_int_equal(fd_dup(&t, 0, FD_MAX, 0), -EINVAL);
	files_release(&t);
}

static void test_devices(void **state)
{
	struct file *f;
	char buf[64];
	struct iobuf b;
	struct stat st;

	(void)state;
	st = st_of("/dev/null", 0);
	assert_int_equal(st.st_mode, S_IFCHR | 0666);
	assert_int_equal(st.st_rdev, 0x103);                 /* major 1, minor 3 as musl decodes it */
	f = open_ok("/dev/null", O_RDWR, 0);
	b = iobuf_kernel("gone", 4);
	assert_int_equal(vfs_write(f, &b), 4);
	b = iobuf_kernel(buf, sizeof(buf));
	assert_int_equal(vfs_read(f, &b), 0);
	assert_int_equal(vfs_lseek(f, 100, SEEK_SET), 0);
	file_put(f);
	f = open_ok("/dev/zero", O_RDONLY, 0);
	memset(buf, 1, sizeof(buf));
	b = iobuf_kernel(buf, sizeof(buf));
	assert_int_equal(vfs_read(f, &b), sizeof(buf));
	assert_int_equal(buf[0] | buf[63], 0);
	file_put(f);
	f = open_ok("/dev/full", O_WRONLY, 0);
	b = iobuf_kernel("x", 1);
	assert_int_equal(vfs_write(f, &b), -ENOSPC);
	file_put(f);
	host_console_len = 0;
	host_console_input("typed line\nsecond\n");
	f = open_ok("/dev/console", O_RDWR, 0);
	b = iobuf_kernel("to the screen\n", 14);
	assert_int_equal(vfs_write(f, &b), 14);
	assert_memory_equal(host_console_out, "to the screen\n", 14);
	b = iobuf_kernel(buf, sizeof(buf));
	assert_int_equal(vfs_read(f, &b), 11);
	assert_memory_equal(buf, "typed line\n", 11);
	assert_int_equal(vfs_ioctl(f, 0x5401, 0), -ENOTTY);
	assert_int_equal(vfs_lseek(f, 0, SEEK_SET), -ESPIPE);
	assert_int_equal(kernel_read(f, buf, 1, 0), -ESPIPE);
	file_put(f);
	assert_int_equal(st_of("/dev/tty", 0).st_rdev, 0x500);
	/* A node made with mknod on ramfs reaches the same driver. */
	assert_int_equal(vfs_mknod(fs, NULL, "mynull", S_IFCHR | 0600, MKDEV(1, 3)), 0);
	assert_int_equal(open_err("mynull", O_RDWR), 0);
	assert_int_equal(vfs_mknod(fs, NULL, "nodev", S_IFCHR | 0600, MKDEV(99, 1)), 0);
	assert_int_equal(open_err("nodev", O_RDWR), -ENXIO);
	assert_int_equal(vfs_mknod(fs, NULL, "fifo", S_IFIFO | 0600, 0), 0);
	assert_int_equal(open_err("fifo", O_RDONLY), -ENXIO);
	assert_int_equal(vfs_mknod(fs, NULL, "bad", 0170000 | 0600, 0), -EINVAL);
	assert_string_equal(list_dir("/dev"), "console full null tty zero");
	assert_int_equal(register_device(S_IFCHR, MKDEV(1, 3), 1, "dup", &(struct file_ops){ 0 }),
			 -EBUSY);
}

static void test_mounts(void **state)
{
	struct file *f;
	struct statfs sfs;

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, "m", 0755), 0);
	write_file("m/under", "hidden");
	assert_int_equal(vfs_mount(fs, "inner", "m", "ramfs", 0, NULL), 0);
	assert_int_equal(stat_err("m/under"), -ENOENT);       /* covered by the new root */
	write_file("m/over", "on top");
	assert_int_equal(vfs_mount(fs, "x", "m", "nosuchfs", 0, NULL), -ENODEV);
	assert_int_equal(vfs_mount(fs, "x", "m/over", "ramfs", 0, NULL), -ENOTDIR);
	assert_int_equal(vfs_mount(fs, "devfs", "m", "devfs", 0, NULL), -EBUSY);   /* one devfs */
	assert_int_equal(vfs_statfs(fs, NULL, "m", &sfs), 0);
	assert_int_equal(sfs.f_type, RAMFS_MAGIC);
	assert_int_equal(vfs_rmdir(fs, NULL, "m"), -EBUSY);
	assert_int_equal(vfs_rename(fs, NULL, "m", NULL, "m2", 0), -EBUSY);
	/* Busy while a file is open inside or a cwd is there. */
	f = open_ok("m/over", O_RDONLY, 0);
	assert_int_equal(vfs_umount(fs, "m", 0), -EBUSY);
	file_put(f);
	assert_int_equal(vfs_chdir(fs, NULL, "m"), 0);
	assert_int_equal(vfs_umount(fs, "/t/m", 0), -EBUSY);
	assert_int_equal(vfs_chdir(fs, NULL, ".."), 0);
	assert_int_equal(vfs_umount(fs, "m/over", 0), -EINVAL);
	assert_int_equal(vfs_umount(fs, "m", MNT_DETACH), -EINVAL);
	assert_int_equal(vfs_umount(fs, "/", 0), -EBUSY);
	assert_int_equal(vfs_umount(fs, "m", 0), 0);
	assert_string_equal(read_file("m/under"), "hidden");
	/* Read-only mounts. */
	assert_int_equal(vfs_mount(fs, "ro", "m", "ramfs", MS_RDONLY, NULL), 0);
	assert_int_equal(open_err("m/x", O_WRONLY | O_CREAT), -EROFS);
	assert_int_equal(vfs_mkdir(fs, NULL, "m/d", 0755), -EROFS);
	assert_int_equal(vfs_umount(fs, "m", 0), 0);
	assert_int_equal(vfs_mount(fs, "x", "m", "ramfs", MS_REMOUNT, NULL), -EINVAL);
}

static void count_mount(struct vfsmount *m, const char *path, void *ctx)
{
	(void)m;
	if (strcmp(path, "/t") == 0 || strcmp(path, "/dev") == 0 || strcmp(path, "/") == 0)
		(*(int *)ctx)++;
}

static void test_mount_table(void **state)
{
	int n = 0;

	(void)state;
	for_each_mount(count_mount, &n);
	assert_int_equal(n, 3);
	assert_non_null(find_filesystem("ramfs"));
	assert_non_null(find_filesystem("devfs"));
	assert_null(find_filesystem("ext2"));
}

static void test_names_and_limits(void **state)
{
	char name[NAME_MAX + 2], *path;

	(void)state;
	memset(name, 'n', sizeof(name));
	name[NAME_MAX] = '\0';
	write_file(name, "longest");
	assert_string_equal(read_file(name), "longest");
	assert_string_equal(list_dir("."), name);
	name[NAME_MAX] = 'n';
	name[NAME_MAX + 1] = '\0';
	assert_int_equal(open_err(name, O_RDWR | O_CREAT), -ENAMETOOLONG);
	assert_int_equal(stat_err(name), -ENAMETOOLONG);
	path = malloc(PATH_MAX + 1);
	for (int i = 0; i < PATH_MAX; i += 2)
		memcpy(path + i, "./", 2);
	path[PATH_MAX] = '\0';
	assert_int_equal(stat_err(path), -ENAMETOOLONG);
	path[PATH_MAX - 1] = '\0';
	assert_int_equal(stat_err(path), 0);
	free(path);
	/* Names that need the out-of-line dentry name, renamed back and forth. */
	write_file("a-name-that-is-longer-than-thirty-two-bytes", "1");
	assert_int_equal(vfs_rename(fs, NULL, "a-name-that-is-longer-than-thirty-two-bytes",
				    NULL, "short", 0), 0);
	assert_int_equal(vfs_rename(fs, NULL, "short", NULL,
				    "another-name-that-is-longer-than-thirty-two", 0), 0);
	assert_string_equal(read_file("another-name-that-is-longer-than-thirty-two"), "1");
}

static void test_attrs_and_access(void **state)
{
	struct iattr ia = { .valid = ATTR_MTIME | ATTR_UID, .mtime = { 12345, 6 }, .uid = 7 };
	struct stat st;

	(void)state;
	write_file("f", "x");
	assert_int_equal(vfs_chmod(fs, NULL, "f", 04755 | S_IFDIR), 0);
	assert_int_equal(st_of("f", 0).st_mode, S_IFREG | 04755);
	assert_int_equal(vfs_setattr(fs, NULL, "f", 0, &ia), 0);
	st = st_of("f", 0);
	assert_int_equal(st.st_mtime, 12345);
	assert_int_equal(st.st_mtime_nsec, 6);
	assert_int_equal(st.st_uid, 7);
	assert_int_equal(vfs_access(fs, NULL, "f", X_OK), 0);
	assert_int_equal(vfs_chmod(fs, NULL, "f", 0644), 0);
	assert_int_equal(vfs_access(fs, NULL, "f", X_OK), -EACCES);
	assert_int_equal(vfs_access(fs, NULL, "f", R_OK | W_OK), 0);
	assert_int_equal(vfs_access(fs, NULL, ".", X_OK), 0);
	assert_int_equal(vfs_access(fs, NULL, "nope", F_OK), -ENOENT);
	assert_int_equal(vfs_access(fs, NULL, "f", 8), -EINVAL);
}

/* Allocation failures anywhere: errors come back, nothing leaks or breaks. */
static void test_out_of_memory(void **state)
{
	(void)state;
	for (long n = 0; n < 40; n++) {
		struct file *f = NULL;
		int err;

		host_heap_fail_after = n;
		err = vfs_open(fs, NULL, "oom/file", O_RDWR | O_CREAT, 0644, &f);
		if (!err) {
			err = (int)kernel_write(f, "data", 4, 8192);
			file_put(f);
		}
		if (err >= 0)
			err = vfs_symlink(fs, "target", NULL, "oom/link");
		if (err >= 0)
			err = vfs_rename(fs, NULL, "oom/link", NULL, "oom/a-very-long-new-name-for-the-link", 0);
		host_heap_fail_after = -1;
		assert_int_equal(host_mutexes_held, 0);
		vfs_unlink(fs, NULL, "oom/file");
		vfs_unlink(fs, NULL, "oom/link");
		vfs_unlink(fs, NULL, "oom/a-very-long-new-name-for-the-link");
		vfs_rmdir(fs, NULL, "oom");
		host_heap_fail_after = n;
		vfs_mkdir(fs, NULL, "oom", 0755);
		host_heap_fail_after = -1;
		if (stat_err("oom"))
			assert_int_equal(vfs_mkdir(fs, NULL, "oom", 0755), 0);
	}
}

/* --- the initramfs --- */

static void test_initramfs(void **state)
{
	struct archive a = { 0 };
	struct cpio_fields hl = { .ino = 77, .mode = S_IFREG | 0755, .nlink = 2, .namesize = -1,
				  .mtime = 1600000000 };
	struct initramfs_stats st;
	size_t bad;

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, "root", 0755), 0);
	ar_simple(&a, S_IFDIR | 0755, ".", NULL);
	ar_simple(&a, S_IFREG | 0755, "./bin/sh", "#!shell");     /* parent made on the way */
	ar_simple(&a, S_IFDIR | 0700, "bin", NULL);                /* then given its mode */
	ar_simple(&a, S_IFLNK | 0777, "bin/ls", "sh");
	ar_simple(&a, S_IFDIR | 01777, "tmp", NULL);
	ar_simple(&a, S_IFCHR | 0600, "console", NULL);
	ar_entry(&a, &hl, "bin/one", NULL, 0);                     /* newc: data with the last */
	ar_entry(&a, &hl, "bin/two", "linked", 6);
	ar_simple(&a, S_IFREG | 0644, "etc/deep/file", "deep");
	ar_trailer(&a);
	assert_int_equal(initramfs_unpack(a.b, a.len, "/t/root", &st, &bad), 0);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.files, 4);
	assert_int_equal(st.dirs, 2);          /* "." is the destination itself */
	assert_int_equal(st.symlinks, 1);
	assert_int_equal(st.nodes, 1);
	assert_int_equal(st.bytes, 7 + 6 + 4);
	assert_string_equal(read_file("root/bin/sh"), "#!shell");
	assert_int_equal(st_of("root/bin", 0).st_mode, S_IFDIR | 0700);
	assert_int_equal(st_of("root/tmp", 0).st_mode, S_IFDIR | 01777);
	assert_int_equal(st_of("root/bin/sh", 0).st_mtime, 1700000000);
	assert_string_equal(read_file("root/bin/ls"), "#!shell");
	assert_string_equal(read_file("root/bin/one"), "linked");
	assert_int_equal(st_of("root/bin/one", 0).st_ino, st_of("root/bin/two", 0).st_ino);
	assert_int_equal(st_of("root/bin/one", 0).st_nlink, 2);
	assert_int_equal(st_of("root/console", 0).st_mode, S_IFCHR | 0600);
	assert_string_equal(read_file("root/etc/deep/file"), "deep");
	ar_free(&a);

	/* A damaged archive unpacks nothing at all. */
	ar_simple(&a, S_IFREG | 0644, "first", "1");
	ar_simple(&a, S_IFREG | 0644, "../escape", "2");
	ar_trailer(&a);
	assert_int_equal(initramfs_unpack(a.b, a.len, "/t/root", &st, &bad), -EINVAL);
	assert_true(bad > 0);
	assert_int_equal(stat_err("root/first"), -ENOENT);
	ar_free(&a);
	/* Entries the VFS refuses are counted and skipped; the rest goes on. */
	ar_simple(&a, S_IFREG | 0644, "bin/sh/under-a-file", "x");
	ar_simple(&a, S_IFREG | 0644, "ok", "fine");
	ar_trailer(&a);
	assert_int_equal(initramfs_unpack(a.b, a.len, "/t/root", &st, &bad), 0);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.files, 1);
	assert_string_equal(read_file("root/ok"), "fine");
	ar_free(&a);
}

static void test_initramfs_module(void **state)
{
	static struct boot_info bi;

	(void)state;
	bi.module_count = 3;
	bi.modules[0].cmdline = "other";
	bi.modules[1].cmdline = "initramfsx";
	bi.modules[2].cmdline = "initramfs extra words";
	assert_ptr_equal(initramfs_find_module(&bi), &bi.modules[2]);
	bi.module_count = 2;
	assert_null(initramfs_find_module(&bi));
}

int main(void)
{
	static struct boot_info bi;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sparse_and_truncate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotdot_and_cwd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hard_links_and_unlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getdents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mount_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attrs_and_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initramfs, setup, teardown),
		cmocka_unit_test(test_initramfs_module),
	};

	fs_init(&bi);                        /* ramfs root, devfs on /dev; no module */
	return cmocka_run_group_tests_name("vfs", tests, NULL, NULL);
}
