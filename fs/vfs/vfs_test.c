/*
 * KTESTs of the VFS, ramfs and devfs on the real heap, page allocator and
 * mutexes: each case works in a fresh ramfs mounted on /ktest-vfs, and
 * memory must come back to where it was once the mount is gone.
 */
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/printk.h>
#include <lib/format.h>
#include <lib/string.h>

#define MNT "/ktest-vfs"

static struct fs_struct *fs = &init_fs;

static bool mount_scratch(struct ktest *t)
{
	int err;

	if (!IS_ENABLED(CONFIG_RAMFS)) {
		t->skip_reason = "no ramfs";
		return false;
	}
	err = vfs_mkdir(fs, NULL, MNT, 0755);
	if (err && err != -EEXIST) {
		ktest_fail(t, __FILE__, __LINE__, "mkdir " MNT ": %d", err);
		return false;
	}
	err = vfs_mount(fs, "ktest", MNT, "ramfs", 0, NULL);
	if (err)
		ktest_fail(t, __FILE__, __LINE__, "mount: %d", err);
	return !err;
}

static void umount_scratch(struct ktest *t)
{
	KT_EXPECT_EQ(t, vfs_umount(fs, MNT, 0), 0);
}

static struct super_block *vfs_test_sb(struct ktest *t)
{
	struct path p;
	struct super_block *sb;

	if (vfs_lookup(fs, NULL, MNT, LOOKUP_FOLLOW, &p)) {
		ktest_fail(t, __FILE__, __LINE__, "lookup " MNT);
		return NULL;
	}
	sb = p.dentry->sb;
	path_put(&p);
	return sb;
}

static long write_str(const char *path, const char *s)
{
	struct file *f;
	long n;
	int err = vfs_open(fs, NULL, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);

	if (err)
		return err;
	n = kernel_write(f, s, strlen(s), 0);
	file_put(f);
	return n;
}

static long read_str(const char *path, char *buf, size_t size)
{
	struct file *f;
	long n;
	int err = vfs_open(fs, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = kernel_read(f, buf, size - 1, 0);
	if (n >= 0)
		buf[n] = '\0';
	file_put(f);
	return n;
}

KTEST(vfs, root_and_dev)
{
	struct stat st;

	if (!IS_ENABLED(CONFIG_RAMFS))
		KT_SKIP(t, "no ramfs: nothing is mounted");
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, "/", 0, &st), 0);
	KT_EXPECT(t, S_ISDIR(st.st_mode));
	if (!IS_ENABLED(CONFIG_DEVFS))
		KT_SKIP(t, "no devfs");
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, "/dev/null", 0, &st), 0);
	KT_EXPECT_EQ(t, st.st_mode, S_IFCHR | 0666);
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, "/dev/console", 0, &st), 0);
	KT_EXPECT_EQ(t, st.st_rdev, 0x501);
}

KTEST(vfs, files)
{
	static char big[3 * 4096 + 100], back[sizeof(big)];
	struct file *f;
	struct stat st;

	if (!mount_scratch(t))
		return;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 13);
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, MNT "/big", O_RDWR | O_CREAT | O_EXCL, 0600, &f), 0);
	KT_EXPECT_EQ(t, kernel_write(f, big, sizeof(big), 0), sizeof(big));
	KT_EXPECT_EQ(t, kernel_read(f, back, sizeof(back), 0), sizeof(back));
	KT_EXPECT(t, memcmp(big, back, sizeof(big)) == 0);
	KT_EXPECT_EQ(t, vfs_lseek(f, -100, SEEK_END), 3 * 4096);
	KT_EXPECT_EQ(t, vfs_ftruncate(f, 10), 0);
	KT_EXPECT_EQ(t, vfs_fstat(f, &st), 0);
	KT_EXPECT_EQ(t, st.st_size, 10);
	KT_EXPECT_EQ(t, st.st_blocks, 8);
	/* Unlinked while open: still readable until closed. */
	KT_EXPECT_EQ(t, vfs_unlink(fs, NULL, MNT "/big"), 0);
	KT_EXPECT_EQ(t, kernel_read(f, back, 100, 0), 10);
	file_put(f);
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, MNT "/big", O_RDONLY, 0, &f), -ENOENT);
	umount_scratch(t);
}

KTEST(vfs, directories_links_rename)
{
	char buf[64];
	struct fs_struct mine;
	struct stat a, b;

	if (!mount_scratch(t))
		return;
	KT_EXPECT_EQ(t, vfs_mkdir(fs, NULL, MNT "/a", 0755), 0);
	KT_EXPECT_EQ(t, vfs_mkdir(fs, NULL, MNT "/a/b", 0755), 0);
	KT_EXPECT_EQ(t, write_str(MNT "/a/b/f", "text"), 4);
	KT_EXPECT_EQ(t, vfs_symlink(fs, "b/f", NULL, MNT "/a/rel"), 0);
	KT_EXPECT_EQ(t, vfs_symlink(fs, MNT "/a/loop", NULL, MNT "/a/loop"), 0);
	KT_EXPECT_EQ(t, vfs_link(fs, NULL, MNT "/a/b/f", NULL, MNT "/hard", 0), 0);
	KT_EXPECT_EQ(t, read_str(MNT "/a/rel", buf, sizeof(buf)), 4);
	KT_EXPECT_STREQ(t, buf, "text");
	KT_EXPECT_EQ(t, read_str(MNT "/a/loop", buf, sizeof(buf)), -ELOOP);
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, MNT "/a/b/../b/./f", 0, &a), 0);
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, MNT "/hard", 0, &b), 0);
	KT_EXPECT_EQ(t, a.st_ino, b.st_ino);
	KT_EXPECT_EQ(t, a.st_nlink, 2);
	KT_EXPECT_EQ(t, vfs_rename(fs, NULL, MNT "/a/b", NULL, MNT "/c", 0), 0);
	KT_EXPECT_EQ(t, read_str(MNT "/c/f", buf, sizeof(buf)), 4);
	KT_EXPECT_EQ(t, vfs_rmdir(fs, NULL, MNT "/c"), -ENOTEMPTY);
	/* A process's own view: cwd inside the mount, ".." back out over it. */
	fs_struct_copy(&mine, fs);
	KT_EXPECT_EQ(t, vfs_chdir(&mine, NULL, MNT "/c"), 0);
	KT_EXPECT_EQ(t, vfs_getcwd(&mine, buf, sizeof(buf)), (long)sizeof(MNT "/c"));
	KT_EXPECT_STREQ(t, buf, MNT "/c");
	KT_EXPECT_EQ(t, vfs_umount(fs, MNT, 0), -EBUSY);
	KT_EXPECT_EQ(t, vfs_stat(&mine, NULL, "../..", 0, &a), 0);
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, "/", 0, &b), 0);
	KT_EXPECT_EQ(t, a.st_ino, b.st_ino);
	KT_EXPECT_EQ(t, a.st_dev, b.st_dev);
	fs_struct_release(&mine);
	umount_scratch(t);
}

static void count_entry(struct ktest *t, const char *buf, long n, int *count)
{
	for (long off = 0; off < n; ) {
		const struct linux_dirent64 *de = (const void *)(buf + off);

		if (de->d_reclen == 0 || de->d_reclen % 8) {
			ktest_fail(t, __FILE__, __LINE__, "bad d_reclen %u", de->d_reclen);
			return;
		}
		(*count)++;
		off += de->d_reclen;
	}
}

KTEST(vfs, getdents)
{
	static char buf[256];
	struct file *f;
	int count = 0;
	long n;

	if (!mount_scratch(t))
		return;
	for (int i = 0; i < 30; i++) {
		char name[32];

		snprintf(name, sizeof(name), MNT "/file-%d", i);
		KT_EXPECT_EQ(t, write_str(name, ""), 0);
	}
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, MNT, O_RDONLY | O_DIRECTORY, 0, &f), 0);
	for (;;) {
		struct iobuf b = iobuf_kernel(buf, sizeof(buf));

		n = vfs_getdents64(f, &b);
		if (n <= 0)
			break;
		count_entry(t, buf, n, &count);
	}
	KT_EXPECT_EQ(t, n, 0);
	KT_EXPECT_EQ(t, count, 32);              /* . and .. too */
	file_put(f);
	umount_scratch(t);
}

KTEST(vfs, devices)
{
	char buf[16];
	struct file *f;
	struct iobuf b;
	static const char line[] = "# vfs: this line came through /dev/console\n";

	if (!IS_ENABLED(CONFIG_DEVFS))
		KT_SKIP(t, "no devfs");
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, "/dev/zero", O_RDONLY, 0, &f), 0);
	memset(buf, 1, sizeof(buf));
	b = iobuf_kernel(buf, sizeof(buf));
	KT_EXPECT_EQ(t, vfs_read(f, &b), sizeof(buf));
	KT_EXPECT_EQ(t, buf[0] | buf[15], 0);
	file_put(f);
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, "/dev/full", O_WRONLY, 0, &f), 0);
	b = iobuf_kernel(buf, 1);
	KT_EXPECT_EQ(t, vfs_write(f, &b), -ENOSPC);
	file_put(f);
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, "/dev/console", O_WRONLY, 0, &f), 0);
	b = iobuf_kernel((void *)line, sizeof(line) - 1);
	KT_EXPECT_EQ(t, vfs_write(f, &b), sizeof(line) - 1);
	file_put(f);
}

KTEST(vfs, fd_table)
{
	struct files tab, child;
	struct file *f;

	if (!IS_ENABLED(CONFIG_DEVFS))
		KT_SKIP(t, "no devfs");
	files_init(&tab);
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, "/dev/null", O_RDWR, 0, &f), 0);
	KT_EXPECT_EQ(t, fd_install(&tab, f, 0, 0), 0);
	KT_EXPECT_EQ(t, fd_dup2(&tab, 0, 2), 2);
	KT_EXPECT_EQ(t, fd_dup(&tab, 0, 0, O_CLOEXEC), 1);
	KT_EXPECT_EQ(t, fd_get_flags(&tab, 1), FD_CLOEXEC);
	files_init(&child);
	KT_EXPECT_EQ(t, files_copy(&child, &tab), 0);
	files_close_on_exec(&child);
	KT_EXPECT_EQ(t, fd_get_flags(&child, 1), -EBADF);
	KT_EXPECT_EQ(t, fd_get_flags(&child, 2), 0);
	files_release(&child);
	KT_EXPECT_EQ(t, fd_close(&tab, 0), 0);
	KT_EXPECT_EQ(t, fd_close(&tab, 0), -EBADF);
	files_release(&tab);
}

/* Everything a scratch filesystem used comes back when it is unmounted. */
KTEST(vfs, memory_returns)
{
	struct pmm_stats p0, p1;
	struct heap_stats h0, h1;
	struct super_block *sb;

	if (strcmp(heap_name(), "bump") == 0)
		KT_SKIP(t, "the bump heap never reuses memory");
	vfs_drop_caches();
	if (!mount_scratch(t))
		return;
	umount_scratch(t);              /* the first mount leaves the mount point cached */
	vfs_drop_caches();
	pmm_get_stats(&p0);
	heap_get_stats(&h0);
	if (!mount_scratch(t))
		return;
	KT_EXPECT_EQ(t, vfs_mkdir(fs, NULL, MNT "/dir", 0755), 0);
	for (int i = 0; i < 50; i++) {
		static char data[5000];
		char name[32];
		struct file *f;

		snprintf(name, sizeof(name), MNT "/dir/f%d", i);
		KT_EXPECT_EQ(t, vfs_open(fs, NULL, name, O_WRONLY | O_CREAT, 0644, &f), 0);
		KT_EXPECT_EQ(t, kernel_write(f, data, sizeof(data), 0), sizeof(data));
		file_put(f);
	}
	sb = vfs_test_sb(t);
	if (sb)
		KT_EXPECT_EQ(t, ramfs_pages_used(sb), 100);
	umount_scratch(t);
	vfs_drop_caches();
	pmm_get_stats(&p1);
	heap_get_stats(&h1);
	KT_EXPECT_EQ(t, h1.bytes_in_use, h0.bytes_in_use);
	KT_EXPECT_EQ(t, p1.free_pages + h1.pages_held, p0.free_pages + h0.pages_held);
}
