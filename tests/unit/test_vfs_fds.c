/*
 * Open files on the host VFS: fd tables (dup, dup2, dup3, close-on-exec,
 * fork copies, EMFILE), nameless files, devfs devices and mknod'ed nodes,
 * and the initramfs unpacker on archives built here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpio_build.h"
#include "vfs_util.h"
#include <fs/devfs.h>

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

static long anon_read(struct file *f, struct iobuf *b, u64 *pos)
{
	(void)pos;
	return iobuf_copy_to(b, 0, f->priv, 4) ? -EFAULT : 4;
}

static int anon_released;

static void anon_release(struct inode *inode, struct file *f)
{
	(void)inode;
	(void)f;
	anon_released++;
}

/* Nameless files (what pipes will be): fstat works, seeking does not. */
static void test_anon_files(void **state)
{
	static const struct file_ops ops = { .read = anon_read, .release = anon_release };
	struct file *f = file_alloc_anon(&ops, S_IFIFO, O_RDONLY, "pipe");
	char buf[8];
	struct stat st;
	struct iobuf b = iobuf_kernel(buf, sizeof(buf));

	(void)state;
	assert_non_null(f);
	assert_int_equal(vfs_read(f, &b), 4);
	assert_memory_equal(buf, "pipe", 4);
	assert_int_equal(vfs_fstat(f, &st), 0);
	assert_int_equal(st.st_mode & S_IFMT, S_IFIFO);
	assert_int_equal(vfs_lseek(f, 0, SEEK_SET), -ESPIPE);
	assert_int_equal(kernel_read(f, buf, 1, 0), -ESPIPE);
	assert_int_equal(vfs_ftruncate(f, 0), -EINVAL);
	b = iobuf_kernel("x", 1);
	assert_int_equal(vfs_write(f, &b), -EBADF);
	file_get(f);
	file_put(f);
	assert_int_equal(anon_released, 0);
	file_put(f);
	assert_int_equal(anon_released, 1);
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


/* A disk filesystem's view: the VFS resolves the source to a device number. */
static kdev_t fake_dev;

static int fake_mount(struct fs_type *type, const struct mount_args *args,
		      struct super_block **out)
{
	struct super_block *sb = sb_alloc(type, &ramfs_super_ops);

	fake_dev = args->dev;
	if (!sb)
		return -ENOMEM;
	if (ramfs_fill_super(sb, 0755)) {
		sb_free(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

static struct fs_type fake_type = { .name = "fakedisk", .flags = FS_REQUIRES_DEV,
				    .mount = fake_mount };

static void test_block_source(void **state)
{
	u32 mode;
	kdev_t dev;

	(void)state;
	if (!find_filesystem("fakedisk"))
		assert_int_equal(register_filesystem(&fake_type), 0);
	assert_int_equal(register_filesystem(&fake_type), -EEXIST);
	assert_int_equal(vfs_mkdir(fs, NULL, "m", 0755), 0);
	assert_int_equal(vfs_mknod(fs, NULL, "sda1", S_IFBLK | 0600, MKDEV(8, 1)), 0);
	assert_int_equal(vfs_symlink(fs, "sda1", NULL, "disk"), 0);
	assert_int_equal(vfs_mount(fs, "disk", "m", "fakedisk", 0, NULL), 0);
	assert_int_equal(fake_dev, MKDEV(8, 1));
	assert_int_equal(vfs_umount(fs, "m", 0), 0);
	assert_int_equal(vfs_mount(fs, "/dev/null", "m", "fakedisk", 0, NULL), -EINVAL);
	assert_int_equal(vfs_mount(fs, "nothere", "m", "fakedisk", 0, NULL), -ENOENT);
	assert_int_equal(vfs_mount(fs, NULL, "m", "fakedisk", 0, NULL), -ENOENT);
	/* Before any root exists, "/dev/NAME" is looked up among devfs's nodes. */
	assert_int_equal(devfs_register("fakeblk", S_IFBLK | 0600, MKDEV(8, 16)), 0);
	heap_before += 3;       /* the node stays (list entry, inode, name): no unregister */
	assert_int_equal(devfs_register("fakeblk", S_IFBLK | 0600, MKDEV(8, 16)), -EEXIST);
	assert_int_equal(devfs_register("a/b", S_IFBLK | 0600, MKDEV(8, 17)), -EINVAL);
	assert_int_equal(devfs_register("reg", S_IFREG | 0600, 0), -EINVAL);
	assert_int_equal(st_of("/dev/fakeblk", 0).st_rdev, 0x810);
	vfs_namespace_lock();
	assert_int_equal(devfs_find_locked("/dev/fakeblk", &mode, &dev), 0);
	assert_int_equal(devfs_find_locked("fakeblk", &mode, &dev), -ENOENT);
	assert_int_equal(devfs_find_locked("/dev/none", &mode, &dev), -ENOENT);
	vfs_namespace_unlock();
	assert_int_equal(mode, S_IFBLK | 0600);
	assert_int_equal(dev, MKDEV(8, 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VFS_TEST(test_fd_table),
		VFS_TEST(test_devices),
		VFS_TEST(test_anon_files),
		VFS_TEST(test_block_source),
		VFS_TEST(test_initramfs),
		cmocka_unit_test(test_initramfs_module),
	};

	return vfs_test_run("vfs_fds", tests, sizeof(tests) / sizeof(tests[0]));
}
