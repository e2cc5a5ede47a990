/*
 * Shared by the test_vfs* binaries: file helpers that fail the test on
 * error, and the per-test fixture (a fresh ramfs on /t, unmounted after,
 * with heap blocks and pages checked back to where they were).
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

struct fs_struct *fs = &init_fs;

struct file *open_ok(const char *path, unsigned int flags, u32 mode)
{
	struct file *f = NULL;
	int err = vfs_open(fs, NULL, path, flags, mode, &f);

	if (err)
		fail_msg("open %s: %d", path, err);
	assert_int_equal(host_mutexes_held, 0);
	return f;
}

int open_err(const char *path, unsigned int flags)
{
	struct file *f = NULL;
	int err = vfs_open(fs, NULL, path, flags, 0644, &f);

	if (!err)
		file_put(f);
	return err;
}

void write_file(const char *path, const char *data)
{
	struct file *f = open_ok(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct iobuf b = iobuf_kernel((void *)data, strlen(data));

	assert_int_equal(vfs_write(f, &b), (long)strlen(data));
	file_put(f);
}

const char *read_file(const char *path)
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

struct stat st_of(const char *path, unsigned int flags)
{
	struct stat st;
	int err = vfs_stat(fs, NULL, path, flags, &st);

	if (err)
		fail_msg("stat %s: %d", path, err);
	return st;
}

int stat_err(const char *path)
{
	struct stat st;

	return vfs_stat(fs, NULL, path, 0, &st);
}

const char *list_dir(const char *path)
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
long heap_before, pages_before;
static long heap_mark;

int setup(void **state)
{
	(void)state;
	vfs_drop_caches();
	heap_before = host_heap_live;
	pages_before = host_pages_live;
	heap_mark = host_heap_mark();
	assert_int_equal(vfs_mount(fs, "test", "/t", "ramfs", 0, NULL), 0);
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
	return 0;
}

int teardown(void **state)
{
	(void)state;
	assert_int_equal(vfs_chdir(fs, NULL, "/"), 0);
	assert_int_equal(vfs_umount(fs, "/t", 0), 0);
	assert_int_equal(host_mutexes_held, 0);
	assert_int_equal(host_pages_live, pages_before);
	vfs_drop_caches();
	if (host_heap_live != heap_before)
		host_heap_dump_since(heap_mark);
	if (host_heap_live != heap_before)
		fail_msg("%ld heap blocks leaked", host_heap_live - heap_before);
	return 0;
}


int vfs_test_run(const char *name, const struct CMUnitTest *tests, size_t count)
{
	static struct boot_info bi;

	fs_init(&bi);                        /* ramfs root, devfs on /dev; no module */
	vfs_mkdir(fs, NULL, "/t", 0755);     /* each test mounts a fresh ramfs here */
	file_put(file_alloc_anon(&(struct file_ops){ 0 }, S_IFIFO, 0, NULL));  /* its sb stays */
	return _cmocka_run_group_tests(name, tests, count, NULL, NULL);
}
