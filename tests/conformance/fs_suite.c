/*
 * One filesystem conformance suite, written against the VFS calls only
 * (include/fs/vfs.h), built once per type (-DFS_TYPE="ext2"). Each case gets
 * a fresh image from the host's mkfs, mounted on /mnt; after it the image
 * is unmounted and the host's fsck must find nothing wrong. A new type adds
 * a profile line below. Usage: fs_suite_<type> [variant...] (default: all);
 * FS_TEST=<case> runs one case, FS_KEEP=1 keeps the images.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <block/bcache.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <tessera/errno.h>
#include "fs_host.h"
#include "fs_suite.h"
#include "vfs_host.h"

int ext2_init(void) __attribute__((weak));
int fat_init(void) __attribute__((weak));

static const struct fs_profile profiles[] = {
	{ "ext2", ext2_init,
	  FS_CAP_LINKS | FS_CAP_SYMLINKS | FS_CAP_SPARSE | FS_CAP_NLINK | FS_CAP_UNIX,
	  "mke2fs -q -F -t ext2 -N 12000 %s %s 32M",
	  "mke2fs -q -F -t ext2 %s -d %s %s 8M",
	  "e2fsck -fn %s",
	  { { "1k", "-b 1024", 0 }, { "2k", "-b 2048", 0 }, { "4k", "-b 4096", 4096 },
	    { "rev0", "-b 1024 -r 0 -I 128", 0 } } },
	{ "vfat", fat_init, 0,
	  "rm -f %2$s && mkfs.fat -S 512 -C %2$s %1$s",
	  "rm -f %3$s && mkfs.fat -S 512 -C %3$s %1$s && mcopy -s -i %3$s %2$s/* ::/",
	  "fsck.fat -n %s",
	  { { "fat12", "-F 12 -s 8 12288", 0 }, { "fat16", "-F 16 -s 4 32768", 0 },
	    { "fat32", "-F 32 -s 1 40960", 0 } } },
};

const struct fs_profile *prof;
const struct fs_variant *var;
struct fs_struct *fs = &init_fs;
char image[512];
static struct blkdev *disk;
static long heap_at_mount;

/* --- helpers: every VFS error fails the case with the call that made it --- */

const char *P(const char *rel)
{
	static char bufs[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(bufs[i], sizeof(bufs[i]), MNT "/%s", rel);
	return bufs[i];
}

struct file *xopen(const char *rel, unsigned int flags)
{
	struct file *f = NULL;
	int err = vfs_open(fs, NULL, P(rel), flags, 0644, &f);

	if (err)
		fail_msg("open %s: %d", rel, err);
	return f;
}

u8 pattern(u64 i, unsigned int seed)
{
	return (u8)(i * 31 + seed + (i >> 9) * 7);
}

u8 *pattern_buf(size_t len, unsigned int seed)
{
	u8 *b = malloc(len ? len : 1);

	for (size_t i = 0; i < len; i++)
		b[i] = pattern(i, seed);
	return b;
}

void put_file(const char *rel, const void *data, size_t len)
{
	struct file *f = xopen(rel, O_WRONLY | O_CREAT | O_TRUNC);

	assert_int_equal(kernel_write(f, data, len, 0), (long)len);
	file_put(f);
}

void check_bytes(const char *rel, u64 at, const void *want, size_t len)
{
	struct file *f = xopen(rel, O_RDONLY);
	u8 *got = malloc(len ? len : 1);

	assert_int_equal(kernel_read(f, got, len, at), (long)len);
	if (memcmp(got, want, len))
		fail_msg("%s: bytes at %llu differ", rel, (unsigned long long)at);
	free(got);
	file_put(f);
}

struct stat xstat(const char *rel, unsigned int flags)
{
	struct stat st;
	int err = vfs_stat(fs, NULL, P(rel), flags, &st);

	if (err)
		fail_msg("stat %s: %d", rel, err);
	return st;
}

int stat_err(const char *rel)
{
	struct stat st;

	return vfs_stat(fs, NULL, P(rel), AT_SYMLINK_NOFOLLOW, &st);
}

u64 free_blocks(void)
{
	struct statfs st;

	assert_int_equal(vfs_statfs(fs, NULL, MNT, &st), 0);
	return st.f_bfree;
}

u32 block_size(void)
{
	struct statfs st;

	assert_int_equal(vfs_statfs(fs, NULL, MNT, &st), 0);
	return (u32)st.f_bsize;
}

/* Calls fn for every name in a directory but "." and ".."; returns how many. */
long for_each_name(const char *rel, void (*fn)(const char *name, void *ctx), void *ctx)
{
	struct file *f = xopen(rel, O_RDONLY | O_DIRECTORY);
	static char buf[8192];
	long count = 0, n;

	for (;;) {
		struct iobuf b = iobuf_kernel(buf, sizeof(buf));

		n = vfs_getdents64(f, &b);
		assert_true(n >= 0);
		if (!n)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);

			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				count++;
				if (fn)
					fn(de->d_name, ctx);
			}
			off += de->d_reclen;
		}
	}
	file_put(f);
	return count;
}

/* --- fixture --- */

int mount_image(void)
{
	disk = fs_host_attach(image, FS_HOST_DEV, var->sector_size ? var->sector_size : 512);
	if (!disk)
		return -1;
	return vfs_mount(fs, DEV_NODE, MNT, prof->type, 0, NULL);
}

void unmount_image(void)
{
	struct bcache_stats st;

	assert_int_equal(vfs_umount(fs, MNT, 0), 0);
	bcache_get_stats(&st);
	fs_host_detach(disk);
	disk = NULL;
	/* Every buffer was released and written: nothing of the disk stays cached. */
	assert_int_equal(st.buffers, 0);
	assert_int_equal(host_mutexes_held, 0);
}

static void fsck_image(void)
{
	int status = fs_host_run(prof->fsck, image);

	if (status)
		fail_msg("%s %s: fsck exit %d:\n%s", prof->type, var->name, status, fs_host_output);
}

static int setup(void **state)
{
	(void)state;
	snprintf(image, sizeof(image), "%s/%s-%s.img", fs_host_tmpdir(), prof->type, var->name);
	if (fs_host_run(prof->mkfs, var->mkfs_args, image)) {
		fprintf(stderr, "mkfs failed: %s\n", fs_host_output);
		return -1;
	}
	heap_at_mount = host_heap_live;
	if (mount_image()) {
		fprintf(stderr, "mount %s failed\n", image);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unmount_image();
	/* Unmounting gives back everything mounting and the case took. */
	assert_int_equal(host_heap_live, heap_at_mount);
	fsck_image();
	fs_host_remove(image);
	return 0;
}

/* Unmounts and mounts the same image again: what follows reads the disk. */
void remount(void)
{
	unmount_image();
	assert_int_equal(mount_image(), 0);
}

/* --- cases --- */

static void create_write_read(void **state)
{
	size_t len = 70000;
	u8 *data = pattern_buf(len, 1);

	(void)state;
	put_file("f", data, len);
	assert_int_equal(xstat("f", 0).st_size, (long)len);
	check_bytes("f", 0, data, len);
	remount();
	check_bytes("f", 0, data, len);
	assert_true(S_ISREG(xstat("f", 0).st_mode));
	free(data);
}

static void overwrite_append(void **state)
{
	size_t len = 10000;
	u8 *data = pattern_buf(len + 5000, 2), *mid = pattern_buf(3000, 9);
	struct file *f;
	struct stat before;

	(void)state;
	put_file("f", data, len);
	before = xstat("f", 0);
	f = xopen("f", O_WRONLY);
	assert_int_equal(kernel_write(f, mid, 3000, 5000), 3000);
	file_put(f);
	memcpy(data + 5000, mid, 3000);
	f = xopen("f", O_WRONLY | O_APPEND);
	{
		struct iobuf b = iobuf_kernel(data + len, 5000);

		assert_int_equal(vfs_write(f, &b), 5000);
	}
	file_put(f);
	assert_int_equal(xstat("f", 0).st_size, (long)(len + 5000));
	assert_true(xstat("f", 0).st_mtime >= before.st_mtime);
	remount();
	check_bytes("f", 0, data, len + 5000);
	free(data);
	free(mid);
}

static void truncate_shrink_extend(void **state)
{
	size_t len = 300000;
	u8 *data = pattern_buf(len, 3), *zero = calloc(1, 200000);
	u64 before;

	(void)state;
	put_file("f", data, len);
	before = free_blocks();
	assert_int_equal(vfs_truncate(fs, NULL, P("f"), 1000), 0);
	assert_int_equal(xstat("f", 0).st_size, 1000);
	assert_true(free_blocks() >= before + (len - 1000) / block_size() - 2);
	check_bytes("f", 0, data, 1000);
	assert_int_equal(vfs_truncate(fs, NULL, P("f"), 200000), 0);
	assert_int_equal(xstat("f", 0).st_size, 200000);
	check_bytes("f", 1000, zero, 199000);
	check_bytes("f", 0, data, 1000);
	remount();
	check_bytes("f", 1000, zero, 199000);
	assert_int_equal(vfs_truncate(fs, NULL, P("f"), 0), 0);
	assert_int_equal(xstat("f", 0).st_size, 0);
	free(data);
	free(zero);
}

static void rename_across_dirs(void **state)
{
	u8 *a = pattern_buf(5000, 4), *b = pattern_buf(100, 5);

	(void)state;
	assert_int_equal(vfs_mkdir(fs, NULL, P("a"), 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, P("b"), 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, P("a/sub"), 0755), 0);
	put_file("a/sub/x", b, 100);
	put_file("a/f", a, 5000);
	assert_int_equal(vfs_rename(fs, NULL, P("a/f"), NULL, P("b/g"), 0), 0);
	assert_int_equal(stat_err("a/f"), -ENOENT);
	check_bytes("b/g", 0, a, 5000);
	assert_int_equal(vfs_rename(fs, NULL, P("a/sub"), NULL, P("b/sub2"), 0), 0);
	check_bytes("b/sub2/x", 0, b, 100);
	put_file("b/h", b, 100);
	assert_int_equal(vfs_rename(fs, NULL, P("b/g"), NULL, P("b/h"), 0), 0);
	check_bytes("b/h", 0, a, 5000);
	assert_int_equal(vfs_mkdir(fs, NULL, P("b/empty"), 0755), 0);
	assert_int_equal(vfs_rename(fs, NULL, P("b/sub2"), NULL, P("b/empty"), 0), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, P("a/full"), 0755), 0);
	put_file("a/full/y", b, 1);
	assert_int_equal(vfs_rename(fs, NULL, P("b/empty"), NULL, P("a/full"), 0), -ENOTEMPTY);
	if (prof->caps & FS_CAP_NLINK) {
		assert_int_equal(xstat("a", 0).st_nlink, 3);
		assert_int_equal(xstat("b", 0).st_nlink, 3);
	}
	remount();
	check_bytes("b/empty/x", 0, b, 100);
	check_bytes("b/h", 0, a, 5000);
	assert_int_equal(stat_err("b/g"), -ENOENT);
	assert_int_equal(vfs_rmdir(fs, NULL, P("a")), -ENOTEMPTY);
	free(a);
	free(b);
}

static void unlink_while_open(void **state)
{
	size_t len = 200000;
	u8 *data = pattern_buf(len, 6), *got = malloc(len);
	u64 before;
	struct file *f;

	(void)state;
	before = free_blocks();
	put_file("f", data, len);
	assert_true(free_blocks() < before);
	f = xopen("f", O_RDONLY);
	assert_int_equal(vfs_unlink(fs, NULL, P("f")), 0);
	assert_int_equal(stat_err("f"), -ENOENT);
	assert_int_equal(kernel_read(f, got, len, 0), (long)len);
	assert_memory_equal(got, data, len);
	assert_true(free_blocks() < before);
	file_put(f);
	assert_int_equal(free_blocks(), before);
	free(data);
	free(got);
}

static void hard_links(void **state)
{
	u8 *data;

	(void)state;
	if (!(prof->caps & FS_CAP_LINKS))
		skip();
	data = pattern_buf(3000, 8);
	assert_int_equal(vfs_mkdir(fs, NULL, P("d"), 0755), 0);
	put_file("f", data, 3000);
	assert_int_equal(vfs_link(fs, NULL, P("f"), NULL, P("d/g"), 0), 0);
	assert_int_equal(xstat("f", 0).st_nlink, 2);
	assert_int_equal(xstat("f", 0).st_ino, xstat("d/g", 0).st_ino);
	remount();
	assert_int_equal(xstat("d/g", 0).st_nlink, 2);
	assert_int_equal(vfs_unlink(fs, NULL, P("f")), 0);
	assert_int_equal(xstat("d/g", 0).st_nlink, 1);
	check_bytes("d/g", 0, data, 3000);
	free(data);
}

static void symlinks(void **state)
{
	char longt[200], buf[256];
	u8 *data;

	(void)state;
	if (!(prof->caps & FS_CAP_SYMLINKS))
		skip();
	data = pattern_buf(500, 10);
	memset(longt, 'x', sizeof(longt) - 1);
	longt[sizeof(longt) - 1] = '\0';
	put_file("target", data, 500);
	assert_int_equal(vfs_symlink(fs, "target", NULL, P("short")), 0);
	assert_int_equal(vfs_symlink(fs, longt, NULL, P("long")), 0);
	remount();
	assert_int_equal(vfs_readlink(fs, NULL, P("short"), buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "target", 6);
	assert_int_equal(vfs_readlink(fs, NULL, P("long"), buf, sizeof(buf)), 199);
	assert_memory_equal(buf, longt, 199);
	assert_true(S_ISLNK(xstat("long", AT_SYMLINK_NOFOLLOW).st_mode));
	assert_int_equal(xstat("long", AT_SYMLINK_NOFOLLOW).st_size, 199);
	check_bytes("short", 0, data, 500);
	assert_int_equal(vfs_unlink(fs, NULL, P("long")), 0);
	assert_int_equal(vfs_unlink(fs, NULL, P("short")), 0);
	free(data);
}

static void unix_attrs(void **state)
{
	struct iattr ia = { .valid = ATTR_UID | ATTR_GID | ATTR_MTIME, .uid = 70000, .gid = 42,
			    .mtime = { 1234567890, 0 } };
	struct stat st;

	(void)state;
	if (!(prof->caps & FS_CAP_UNIX))
		skip();
	put_file("f", "x", 1);
	assert_int_equal(vfs_chmod(fs, NULL, P("f"), 0751), 0);
	assert_int_equal(vfs_setattr(fs, NULL, P("f"), 0, &ia), 0);
	assert_int_equal(vfs_mknod(fs, NULL, P("tty"), S_IFCHR | 0640, MKDEV(4, 1)), 0);
	assert_int_equal(vfs_mknod(fs, NULL, P("big"), S_IFBLK | 0600, MKDEV(259, 300)), 0);
	assert_int_equal(vfs_mknod(fs, NULL, P("fifo"), S_IFIFO | 0644, 0), 0);
	remount();
	st = xstat("f", 0);
	assert_int_equal(st.st_mode, S_IFREG | 0751);
	assert_int_equal(st.st_uid, 70000);
	assert_int_equal(st.st_gid, 42);
	assert_int_equal(st.st_mtime, 1234567890);
	st = xstat("tty", 0);
	assert_int_equal(st.st_mode, S_IFCHR | 0640);
	assert_int_equal(st.st_rdev, dev_encode(MKDEV(4, 1)));
	assert_int_equal(xstat("big", 0).st_rdev, dev_encode(MKDEV(259, 300)));
	assert_true(S_ISFIFO(xstat("fifo", 0).st_mode));
	assert_int_equal(vfs_unlink(fs, NULL, P("tty")), 0);
}

static void nested_dirs(void **state)
{
	static const char *const dirs[] = { "a", "a/b", "a/b/c", "a/b/c/d" };

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(vfs_mkdir(fs, NULL, P(dirs[i]), 0755), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, P("a/b"), 0755), -EEXIST);
	assert_int_equal(vfs_rmdir(fs, NULL, P("a")), -ENOTEMPTY);
	put_file("a/b/c/d/f", "hello", 5);
	remount();
	check_bytes("a/b/c/d/f", 0, "hello", 5);
	assert_int_equal(vfs_unlink(fs, NULL, P("a/b/c/d/f")), 0);
	for (int i = 3; i >= 0; i--)
		assert_int_equal(vfs_rmdir(fs, NULL, P(dirs[i])), 0);
	assert_int_equal(stat_err("a"), -ENOENT);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static const struct CMUnitTest cases[] = {
	CASE(create_write_read),
	CASE(overwrite_append),
	CASE(truncate_shrink_extend),
	CASE(rename_across_dirs),
	CASE(unlink_while_open),
	CASE(nested_dirs),
	CASE(unix_attrs),
	CASE(hard_links),
	CASE(symlinks),
	CASE(sparse_file),
	CASE(fill_until_enospc),
	CASE(big_directory),
	CASE(host_tree),
	CASE(random_ops),
};

static void boot_vfs(void)
{
	assert_int_equal(ramfs_init(), 0);
	assert_int_equal(prof->init(), 0);
	assert_int_equal(vfs_mount_root("ramfs", "rootfs", 0, NULL), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, MNT, 0755), 0);
	assert_int_equal(vfs_mknod(fs, NULL, DEV_NODE, S_IFBLK | 0600, FS_HOST_DEV), 0);
}

static const struct fs_profile *find_profile(void)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].type, FS_TYPE) && profiles[i].init)
			return &profiles[i];
	return NULL;
}

static bool wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	char group[64];
	int failed = 0, n;

	prof = find_profile();
	if (!prof) {
		fprintf(stderr, "fs_suite: no profile for %s linked\n", FS_TYPE);
		return 1;
	}
	if (getenv("FS_TEST"))
		cmocka_set_test_filter(getenv("FS_TEST"));
	boot_vfs();
	for (var = prof->variants; var->name; var++) {
		if (!wanted(var->name, argc, argv))
			continue;
		snprintf(group, sizeof(group), "fs_%s_%s", prof->type, var->name);
		n = _cmocka_run_group_tests(group, cases, sizeof(cases) / sizeof(cases[0]), NULL,
					    NULL);
		printf("fs_suite: %s %s: %zu cases, %d failed\n", prof->type, var->name,
		       sizeof(cases) / sizeof(cases[0]), n);
		failed |= n;
	}
	fs_host_cleanup();
	return failed ? 1 : 0;
}
