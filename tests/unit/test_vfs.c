/*
 * The VFS with ramfs on the host (fs/ built against vfs_host.c): reading
 * and writing files, sparse files and truncation, directories, name
 * limits, attributes, and allocation failures at every step. Each test
 * runs in a fresh ramfs that must give back every block and page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfs_util.h"

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


int main(void)
{
	const struct CMUnitTest tests[] = {
		VFS_TEST(test_files),
		VFS_TEST(test_sparse_and_truncate),
		VFS_TEST(test_directories),
		VFS_TEST(test_names_and_limits),
		VFS_TEST(test_attrs_and_access),
		VFS_TEST(test_out_of_memory),
	};

	return vfs_test_run("vfs", tests, sizeof(tests) / sizeof(tests[0]));
}
