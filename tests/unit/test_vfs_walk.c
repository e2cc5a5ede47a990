/*
 * Path walks on the host VFS: ".." across mounts and under chroot, the
 * working directory, symlinks and their limits, hard links and unlinking
 * open files, rename's rules, getdents64 positions, mounts and unmounts.
 * The dentry cache is 4 entries here, so it prunes all the time.
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

static void test_dotdot_and_cwd(void **state)
{
	char buf[256];
	struct stat a, b;
	struct path root_save;
	unsigned long ino_a;

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
	ino_a = st_of("/t/a", 0).st_ino;
	root_save = fs->root;
	path_get(&root_save);
	assert_int_equal(vfs_chroot(fs, NULL, "a"), 0);
	assert_int_equal(vfs_chdir(fs, NULL, "/b/c"), 0);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/b/c");
	assert_int_equal(st_of("/../../..", 0).st_ino, ino_a);
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


int main(void)
{
	const struct CMUnitTest tests[] = {
		VFS_TEST(test_dotdot_and_cwd),
		VFS_TEST(test_symlinks),
		VFS_TEST(test_hard_links_and_unlink),
		VFS_TEST(test_rename),
		VFS_TEST(test_getdents),
		VFS_TEST(test_mounts),
		VFS_TEST(test_mount_table),
	};

	return vfs_test_run("vfs_walk", tests, sizeof(tests) / sizeof(tests[0]));
}
