/*
 * The filesystem suite's larger cases: 10 000 names in a directory, a
 * 100 MiB sparse file, filling the disk, a tree the host's mkfs wrote, and
 * seeded random operations checked against a model. See fs_suite.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/errno.h>
#include "fs_host.h"
#include "fs_suite.h"

#define BIG_DIR_NAMES 10000

static void mark_name(const char *name, void *ctx)
{
	u8 *seen = ctx;
	int i;

	assert_int_equal(sscanf(name, "n%05d", &i), 1);
	assert_true(i >= 0 && i < BIG_DIR_NAMES);
	assert_int_equal(seen[i], 0);
	seen[i] = 1;
}

void big_directory(void **state)
{
	static u8 seen[BIG_DIR_NAMES];
	char name[32];

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, P("d"), 0755), 0);
	for (int i = 0; i < BIG_DIR_NAMES; i++) {
		snprintf(name, sizeof(name), "d/n%05d", i);
		file_put(xopen(name, O_WRONLY | O_CREAT | O_EXCL));
	}
	memset(seen, 0, sizeof(seen));
	assert_int_equal(for_each_name("d", mark_name, seen), BIG_DIR_NAMES);
	remount();
	memset(seen, 0, sizeof(seen));
	assert_int_equal(for_each_name("d", mark_name, seen), BIG_DIR_NAMES);
	for (int i = 0; i < BIG_DIR_NAMES; i++) {
		snprintf(name, sizeof(name), "d/n%05d", i);
		assert_int_equal(vfs_unlink(fs, NULL, P(name)), 0);
	}
	assert_int_equal(for_each_name("d", NULL, NULL), 0);
	assert_int_equal(vfs_rmdir(fs, NULL, P("d")), 0);
}

void sparse_file(void **state)
{
	u64 size = 100 * MIB, before;
	u8 *zero, z = 'Z';
	struct file *f;
	struct stat st;
	long n;

	(void)state;
	if (!(prof->caps & FS_CAP_SPARSE))
		skip();
	zero = calloc(1, 64 * KIB);
	before = free_blocks();
	f = xopen("sparse", O_RDWR | O_CREAT);
	assert_int_equal(kernel_write(f, &z, 1, size - 1), 1);
	assert_int_equal(vfs_fstat(f, &st), 0);
	assert_int_equal(st.st_size, (long)size);
	/* One data block and at most three indirect ones. */
	assert_true((u64)st.st_blocks * 512 <= 4ULL * block_size());
	assert_true(before - free_blocks() <= 4);
	file_put(f);
	check_bytes("sparse", 0, zero, 64 * KIB);
	check_bytes("sparse", 50 * MIB, zero, 64 * KIB);
	check_bytes("sparse", size - 1 - 64 * KIB, zero, 64 * KIB);
	check_bytes("sparse", size - 1, &z, 1);
	assert_int_equal(vfs_unlink(fs, NULL, P("sparse")), 0);
	assert_int_equal(free_blocks(), before);
	/* Past 4 GiB: the size's high word survives a remount (or the type says EFBIG). */
	size = 5ULL << 30;
	f = xopen("huge", O_RDWR | O_CREAT);
	n = kernel_write(f, &z, 1, size - 1);
	file_put(f);
	if (n == -EFBIG) {
		assert_int_equal(xstat("huge", 0).st_size, 0);
		free(zero);
		return;
	}
	assert_int_equal(n, 1);
	remount();
	assert_int_equal(xstat("huge", 0).st_size, (long)size);
	check_bytes("huge", size - 1, &z, 1);
	check_bytes("huge", size / 2, zero, 64 * KIB);
	free(zero);
}

/* Writes 64 KiB chunks to rel until the disk is full; returns the bytes written. */
static u64 fill(const char *rel)
{
	u8 *chunk = pattern_buf(64 * KIB, 7);
	struct file *f = xopen(rel, O_WRONLY | O_CREAT | O_TRUNC);
	u64 total = 0;
	long n;

	for (;;) {
		struct iobuf b = iobuf_kernel(chunk, 64 * KIB);

		n = vfs_write(f, &b);
		if (n <= 0)
			break;
		total += (u64)n;
	}
	assert_int_equal(n, -ENOSPC);
	file_put(f);
	free(chunk);
	return total;
}

void fill_until_enospc(void **state)
{
	u64 before, first, second;
	u8 small[100] = { 1 };

	(void)state;
	before = free_blocks();
	first = fill("full");
	assert_true(first > (before / 2) * block_size());
	assert_int_equal(free_blocks(), 0);
	{
		struct file *f = xopen("more", O_WRONLY | O_CREAT);

		assert_int_equal(kernel_write(f, small, sizeof(small), 0), -ENOSPC);
		file_put(f);
	}
	assert_int_equal(vfs_unlink(fs, NULL, P("more")), 0);
	assert_int_equal(vfs_unlink(fs, NULL, P("full")), 0);
	assert_int_equal(free_blocks(), before);
	second = fill("again");
	assert_int_equal(second, first);
	assert_int_equal(vfs_unlink(fs, NULL, P("again")), 0);
	put_file("small", small, sizeof(small));
	check_bytes("small", 0, small, sizeof(small));
}

/* --- a tree the host wrote (mkfs -d) read back byte for byte --- */

static const size_t tree_sizes[] = { 0, 1, 1000, 4096, 13 * 4096 + 7, 300000, 1100000 };

void host_tree(void **state)
{
	char dir[512], path[600], img[512], name[32], buf[256];
	char longt[120];

	(void)state;
	if (!prof->mkfs_tree)
		skip();
	snprintf(dir, sizeof(dir), "%s/tree-%s", fs_host_tmpdir(), var->name);
	fs_host_run("rm -rf '%s'", dir);
	assert_int_equal(fs_host_mkdir(dir), 0);
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(fs_host_mkdir(path), 0);
	for (size_t i = 0; i < sizeof(tree_sizes) / sizeof(tree_sizes[0]); i++) {
		u8 *data = pattern_buf(tree_sizes[i], (unsigned int)i + 20);

		snprintf(path, sizeof(path), "%s/%sf%zu", dir, i % 2 ? "sub/" : "", i);
		assert_int_equal(fs_host_write(path, data, tree_sizes[i]), 0);
		free(data);
	}
	memset(longt, 'y', sizeof(longt) - 1);
	longt[sizeof(longt) - 1] = '\0';
	if (prof->caps & FS_CAP_SYMLINKS) {
		snprintf(path, sizeof(path), "%s/link", dir);
		assert_int_equal(fs_host_symlink("sub/f1", path), 0);
		snprintf(path, sizeof(path), "%s/longlink", dir);
		assert_int_equal(fs_host_symlink(longt, path), 0);
	}
	/* Swap the fixture's image for the one with the tree. */
	unmount_image();
	fs_host_remove(image);
	snprintf(img, sizeof(img), "%s/tree-%s.img", fs_host_tmpdir(), var->name);
	if (fs_host_run(prof->mkfs_tree, var->mkfs_args, dir, img))
		fail_msg("mkfs -d: %s", fs_host_output);
	strcpy(image, img);
	assert_int_equal(mount_image(), 0);
	for (size_t i = 0; i < sizeof(tree_sizes) / sizeof(tree_sizes[0]); i++) {
		u8 *data = pattern_buf(tree_sizes[i], (unsigned int)i + 20);

		snprintf(name, sizeof(name), "%sf%zu", i % 2 ? "sub/" : "", i);
		assert_int_equal(xstat(name, 0).st_size, (long)tree_sizes[i]);
		check_bytes(name, 0, data, tree_sizes[i]);
		free(data);
	}
	if (prof->caps & FS_CAP_SYMLINKS) {
		assert_int_equal(vfs_readlink(fs, NULL, P("link"), buf, sizeof(buf)), 6);
		assert_memory_equal(buf, "sub/f1", 6);
		assert_int_equal(vfs_readlink(fs, NULL, P("longlink"), buf, sizeof(buf)), 119);
		assert_memory_equal(buf, longt, 119);
	}
	/* Change the host's tree too, so fsck checks our writes over its layout. */
	assert_int_equal(vfs_unlink(fs, NULL, P("f6")), 0);
	put_file("sub/new", "new", 3);
	assert_int_equal(vfs_rename(fs, NULL, P("f4"), NULL, P("sub/f4"), 0), 0);
}

/* --- seeded random writes, truncates, renames and unlinks against a model --- */

#define MODEL_FILES 12           /* f0..f3 in "", d0/ and d1/ */
#define MODEL_MAX   (256 * 1024)
#define MODEL_OPS   4000

struct model_file {
	bool present;
	size_t size;
	u8 *data;                    /* MODEL_MAX bytes */
};

static void model_name(int i, char *buf, size_t len)
{
	static const char *const dirs[] = { "", "d0/", "d1/" };

	snprintf(buf, len, "%sf%d", dirs[i / 4], i % 4);
}

static void model_check(struct model_file *m)
{
	char name[32];

	for (int i = 0; i < MODEL_FILES; i++) {
		model_name(i, name, sizeof(name));
		if (!m[i].present) {
			assert_int_equal(stat_err(name), -ENOENT);
			continue;
		}
		assert_int_equal(xstat(name, 0).st_size, (long)m[i].size);
		check_bytes(name, 0, m[i].data, m[i].size);
	}
}

static void model_write(struct model_file *f, const char *name, unsigned int *seed)
{
	size_t old = f->present ? f->size : 0;       /* O_CREAT makes a missing one empty */
	size_t at = rand_r(seed) % (old + 20000), len = 1 + rand_r(seed) % 40000;
	u8 *buf = pattern_buf(len, rand_r(seed));
	struct file *fp = xopen(name, O_WRONLY | O_CREAT);

	f->size = old;
	if (at + len > MODEL_MAX)
		at = MODEL_MAX - len;
	assert_int_equal(kernel_write(fp, buf, len, at), (long)len);
	file_put(fp);
	if (at > f->size)
		memset(f->data + f->size, 0, at - f->size);
	memcpy(f->data + at, buf, len);
	if (at + len > f->size)
		f->size = at + len;
	f->present = true;
	free(buf);
}

static void model_step(struct model_file *m, unsigned int *seed)
{
	int i = (int)(rand_r(seed) % MODEL_FILES), j = (int)(rand_r(seed) % MODEL_FILES);
	struct model_file *f = &m[i];
	char name[32], other[32];
	size_t size;

	int op = (int)(rand_r(seed) % 5);

	model_name(i, name, sizeof(name));
	model_name(j, other, sizeof(other));
	if (getenv("FS_MODEL_TRACE"))
		fprintf(stderr, "op %d %s %s size %zu present %d\n", op, name, other, f->size,
			f->present);
	switch (op) {
	case 0:
	case 1:
		model_write(f, name, seed);
		break;
	case 2:
		if (!f->present)
			break;
		size = rand_r(seed) % (f->size * 2 + 1);
		size = size > MODEL_MAX ? MODEL_MAX : size;
		assert_int_equal(vfs_truncate(fs, NULL, P(name), size), 0);
		if (size > f->size)
			memset(f->data + f->size, 0, size - f->size);
		f->size = size;
		break;
	case 3:
		assert_int_equal(vfs_unlink(fs, NULL, P(name)), f->present ? 0 : -ENOENT);
		f->present = false;
		break;
	default:
		if (!f->present || i == j)
			break;
		assert_int_equal(vfs_rename(fs, NULL, P(name), NULL, P(other), 0), 0);
		memcpy(m[j].data, f->data, f->size);
		m[j].size = f->size;
		m[j].present = true;
		f->present = false;
		break;
	}
}

void random_ops(void **state)
{
	struct model_file m[MODEL_FILES];
	unsigned int seed = 42;

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, P("d0"), 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, P("d1"), 0755), 0);
	for (int i = 0; i < MODEL_FILES; i++)
		m[i] = (struct model_file){ false, 0, malloc(MODEL_MAX) };
	for (int op = 1; op <= MODEL_OPS; op++) {
		model_step(m, &seed);
		if (op % 500 == 0) {
			model_check(m);
			remount();
			model_check(m);
		}
	}
	for (int i = 0; i < MODEL_FILES; i++)
		free(m[i].data);
}
