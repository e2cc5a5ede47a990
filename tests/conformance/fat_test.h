/*
 * Helpers shared by the FAT host tests (fat_interop.c, fat_corrupt.c): the
 * kernel's VFS with ramfs as "/", /dev/sda for fs_host.c's image and FAT
 * mounted on /mnt, plus kernel-side file helpers. Include after cmocka.h.
 */
#ifndef TESTS_CONFORMANCE_FAT_TEST_H
#define TESTS_CONFORMANCE_FAT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fs/fat.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <block/bcache.h>
#include <tessera/errno.h>
#include "fs_host.h"
#include "vfs_host.h"

static struct blkdev *fat_test_bd;

/* ramfs as "/", the FAT types registered, /dev/sda and /mnt made. Once per process. */
static inline void fat_test_boot(void)
{
	if (ramfs_init() || fat_init() || vfs_mount_root("ramfs", "rootfs", 0, NULL) ||
	    vfs_mkdir(&init_fs, NULL, "/dev", 0755) || vfs_mkdir(&init_fs, NULL, "/mnt", 0755) ||
	    vfs_mknod(&init_fs, NULL, "/dev/sda", S_IFBLK | 0600, FS_HOST_DEV)) {
		fprintf(stderr, "fat_test: cannot set up the VFS\n");
		exit(1);
	}
}

/* Attaches img as /dev/sda and mounts it on /mnt; the mount's result. */
static inline int fat_test_mount(const char *img, u32 sector_size)
{
	int err;

	fat_test_bd = fs_host_attach(img, FS_HOST_DEV, sector_size);
	if (!fat_test_bd)
		return -ENODEV;
	err = vfs_mount(&init_fs, "/dev/sda", "/mnt", "vfat", 0, NULL);
	if (err) {
		bcache_invalidate(fat_test_bd);
		fs_host_detach(fat_test_bd);
		fat_test_bd = NULL;
	}
	return err;
}

static inline int fat_test_umount(void)
{
	int err = vfs_umount(&init_fs, "/mnt", 0);

	if (err)
		return err;
	bcache_invalidate(fat_test_bd);
	fs_host_detach(fat_test_bd);
	fat_test_bd = NULL;
	return 0;
}

/* Writes len bytes (O_CREAT|O_TRUNC); bytes written or -errno. */
static inline long fat_put(const char *path, const void *data, size_t len)
{
	struct file *f;
	long n;
	int err = vfs_open(&init_fs, NULL, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);

	if (err)
		return err;
	n = len ? kernel_write(f, data, len, 0) : 0;
	file_put(f);
	return n;
}

/* Reads up to max bytes; bytes read or -errno. */
static inline long fat_get(const char *path, void *buf, size_t max)
{
	struct file *f;
	long n, total = 0;
	int err = vfs_open(&init_fs, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	while ((size_t)total < max) {
		n = kernel_read(f, (char *)buf + total, max - (size_t)total, (u64)total);
		if (n <= 0) {
			total = n < 0 ? n : total;
			break;
		}
		total += n;
	}
	file_put(f);
	return total;
}

/* Calls fn for every name in dir (not "." or ".."); 0 or -errno. */
static inline int fat_list(const char *dir, void (*fn)(const char *name, unsigned type, void *ctx),
			   void *ctx)
{
	struct file *f;
	char buf[4096];
	long n;
	int err = vfs_open(&init_fs, NULL, dir, O_RDONLY | O_DIRECTORY, 0, &f);

	if (err)
		return err;
	for (;;) {
		struct iobuf b = iobuf_kernel(buf, sizeof(buf));

		n = vfs_getdents64(f, &b);
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				fn(d->d_name, d->d_type, ctx);
			off += d->d_reclen;
		}
	}
	file_put(f);
	return (int)n;
}

/* A byte pattern that differs by file and offset. */
static inline void fat_pattern(u8 *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (u8)((i * 31 + seed * 7 + (i >> 9)) & 0xff);
}

#endif
