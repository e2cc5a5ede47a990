/*
 * KTESTs of the initramfs: an archive built here unpacked under a scratch
 * ramfs, a damaged one refused whole, and (when GRUB loaded one) the boot
 * module checked entry by entry against what is now in the root.
 */
#include <fs/cpio.h>
#include <fs/initramfs.h>
#include <fs/vfs.h>
#include <asm/page.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <lib/format.h>
#include <lib/string.h>

#define MNT       "/ktest-initramfs"
#define ARCH_MAX  2048

static struct fs_struct *fs = &init_fs;
static char arch[ARCH_MAX];
static size_t arch_len;

static void put(const void *p, size_t n)
{
	if (arch_len + n <= ARCH_MAX)
		memcpy(arch + arch_len, p, n);
	arch_len += n;
}

static void pad(void)
{
	static const char zeros[4];

	put(zeros, (4 - arch_len % 4) % 4);
}

static void entry(u32 mode, const char *name, const char *data)
{
	char hdr[CPIO_HEADER_SIZE + 1];
	size_t size = data ? strlen(data) : 0;

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 (u32)arch_len, mode, 0u, 0u, 1u, 1700000000u, (u32)size, 0u, 0u, 0u, 0u,
		 (u32)strlen(name) + 1, 0u);
	put(hdr, CPIO_HEADER_SIZE);
	put(name, strlen(name) + 1);
	pad();
	put(data, size);
	pad();
}

static void build(void)
{
	arch_len = 0;
	entry(S_IFDIR | 0755, ".", NULL);
	entry(S_IFREG | 0755, "bin/prog", "#!/bin/sh\n");
	entry(S_IFLNK | 0777, "bin/alias", "prog");
	entry(S_IFDIR | 01777, "tmp", NULL);
	entry(S_IFREG | 0644, "etc/hostname", "tessera\n");
	entry(0, CPIO_TRAILER, NULL);
}

static bool mount_scratch(struct ktest *t)
{
	int err = vfs_mkdir(fs, NULL, MNT, 0755);

	if (err && err != -EEXIST) {
		ktest_fail(t, __FILE__, __LINE__, "mkdir: %d", err);
		return false;
	}
	err = vfs_mount(fs, "ktest", MNT, "ramfs", 0, NULL);
	if (err)
		ktest_fail(t, __FILE__, __LINE__, "mount: %d", err);
	return !err;
}

KTEST(initramfs, unpack)
{
	struct initramfs_stats st;
	struct stat sb;
	struct file *f;
	char buf[16];
	size_t bad;

	build();
	KT_EXPECT(t, arch_len <= ARCH_MAX);
	if (!mount_scratch(t))
		return;
	KT_EXPECT_EQ(t, initramfs_unpack(arch, arch_len, MNT, &st, &bad), 0);
	KT_EXPECT_EQ(t, st.files, 2);
	KT_EXPECT_EQ(t, st.symlinks, 1);
	KT_EXPECT_EQ(t, st.errors, 0);
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, MNT "/tmp", 0, &sb), 0);
	KT_EXPECT_EQ(t, sb.st_mode, S_IFDIR | 01777);
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, MNT "/bin/alias", 0, &sb), 0);
	KT_EXPECT_EQ(t, sb.st_mode, S_IFREG | 0755);
	KT_EXPECT_EQ(t, sb.st_mtime, 1700000000);
	KT_EXPECT_EQ(t, vfs_open(fs, NULL, MNT "/etc/hostname", O_RDONLY, 0, &f), 0);
	KT_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), 0), 8);
	KT_EXPECT(t, memcmp(buf, "tessera\n", 8) == 0);
	file_put(f);
	KT_EXPECT_EQ(t, vfs_umount(fs, MNT, 0), 0);
}

KTEST(initramfs, damaged_archive_unpacks_nothing)
{
	struct initramfs_stats st;
	struct stat sb;
	size_t bad = 0;

	build();
	memcpy(arch + arch_len - 20, "zz", 2);   /* the trailer's check field: not hex */
	if (!mount_scratch(t))
		return;
	KT_EXPECT_EQ(t, initramfs_unpack(arch, arch_len, MNT, &st, &bad), -EINVAL);
	KT_EXPECT(t, bad > 0);
	KT_EXPECT_EQ(t, vfs_stat(fs, NULL, MNT "/bin", 0, &sb), -ENOENT);
	build();
	KT_EXPECT_EQ(t, initramfs_unpack(arch, arch_len - 4, MNT, &st, &bad), -EINVAL);
	KT_EXPECT_EQ(t, vfs_umount(fs, MNT, 0), 0);
}

static bool archive_valid(const struct boot_module *m)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	cpio_iter_init(&it, phys_to_virt(m->start), m->end - m->start);
	while ((r = cpio_next(&it, &e)) > 0)
		;
	return r == 0;
}

/* A damaged module leaves the root empty: only what the kernel and the tests made. */
static void expect_empty_root(struct ktest *t)
{
	static const char *const allowed[] = { ".", "..", "dev", MNT + 1, "ktest-vfs" };
	static char buf[512];
	struct file *f;
	long n;

	KT_EXPECT_EQ(t, vfs_open(fs, NULL, "/", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	while ((n = vfs_getdents64(f, &(struct iobuf){ buf, sizeof(buf), NULL })) > 0) {
		for (long off = 0; off < n; ) {
			const struct linux_dirent64 *de = (const void *)(buf + off);
			bool ok = false;

			for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
				ok |= strcmp(de->d_name, allowed[i]) == 0;
			if (!ok)
				ktest_fail(t, __FILE__, __LINE__, "/%s exists", de->d_name);
			off += de->d_reclen;
		}
	}
	file_put(f);
}

/* Each entry of the boot module is in the root with its type (and size). */
KTEST(initramfs, boot_module_unpacked)
{
	const struct boot_module *m = initramfs_find_module(&boot_info);
	struct cpio_iter it;
	struct cpio_entry e;
	char path[CPIO_NAME_MAX + 1];
	int checked = 0;

	if (!m)
		KT_SKIP(t, "no initramfs module was loaded");
	if (!archive_valid(m)) {
		expect_empty_root(t);
		return;
	}
	cpio_iter_init(&it, phys_to_virt(m->start), m->end - m->start);
	while (cpio_next(&it, &e) > 0) {
		struct stat sb;

		if (!*e.path)
			continue;
		snprintf(path, sizeof(path), "/%s", e.path);
		if (vfs_stat(fs, NULL, path, AT_SYMLINK_NOFOLLOW, &sb)) {
			ktest_fail(t, __FILE__, __LINE__, "%s: missing", path);
			continue;
		}
		if ((sb.st_mode & S_IFMT) != (e.mode & S_IFMT))
			ktest_fail(t, __FILE__, __LINE__, "%s: type %o, archive %o", path,
				   sb.st_mode & S_IFMT, e.mode & S_IFMT);
		/* A hard-linked file's data comes with its last name. */
		if (S_ISREG(e.mode) && e.nlink < 2 && (size_t)sb.st_size != e.size)
			ktest_fail(t, __FILE__, __LINE__, "%s: %ld bytes, archive %zu", path,
				   sb.st_size, e.size);
		checked++;
	}
	KT_EXPECT(t, checked > 0);
}
