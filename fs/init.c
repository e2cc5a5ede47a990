/*
 * The file layer's boot: register the linked filesystem types, mount the
 * disk that root= names as "/" (or a ramfs with the initramfs unpacked into
 * it), then devfs on /dev and procfs on /proc. A new filesystem type adds
 * its register call to fs_types[] below.
 */
#include <fs/devfs.h>
#include <fs/ext2.h>
#include <fs/fat.h>
#include <fs/initramfs.h>
#include <fs/procfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <lib/string.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/printk.h>

struct fs_init_step {
	const char *name;
	int (*init)(void);           /* NULL when the type is not linked */
};

static const struct fs_init_step fs_types[] = {
	{ "ramfs", IS_ENABLED(CONFIG_RAMFS) ? ramfs_init : NULL },
	{ "devfs", IS_ENABLED(CONFIG_DEVFS) ? devfs_init : NULL },
	{ "ext2", IS_ENABLED(CONFIG_FS_EXT2) ? ext2_init : NULL },
	{ "vfat", IS_ENABLED(CONFIG_FS_FAT) ? fat_init : NULL },
	{ "proc", IS_ENABLED(CONFIG_FS_PROC) ? procfs_init : NULL },
};

static void register_types(void)
{
	for (unsigned int i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++) {
		int err;

		if (!fs_types[i].init)
			continue;
		err = fs_types[i].init();
		if (err)
			pr_err("vfs: %s not available (error %d)\n", fs_types[i].name, err);
	}
}

#define ROOT_ARG_MAX    64
#define ROOT_TYPES_MAX  8

/* root=/dev/sda1 rootfstype=ext2 ro: as Linux reads them. */
static char root_dev[ROOT_ARG_MAX], root_type[ROOT_ARG_MAX];
static unsigned int root_flags;

static int root_setup(const char *val)
{
	if (!val || strscpy(root_dev, val, sizeof(root_dev)) < 0)
		return -EINVAL;
	return 0;
}
KERNEL_PARAM("root", root_setup);

static int rootfstype_setup(const char *val)
{
	if (!val || strscpy(root_type, val, sizeof(root_type)) < 0)
		return -EINVAL;
	return 0;
}
KERNEL_PARAM("rootfstype", rootfstype_setup);

static int ro_setup(const char *val)
{
	root_flags |= MS_RDONLY;
	return 0;
}
KERNEL_PARAM("ro", ro_setup);

static int rw_setup(const char *val)
{
	root_flags &= ~MS_RDONLY;
	return 0;
}
KERNEL_PARAM("rw", rw_setup);

/* A virtual filesystem on dir, made first if missing (a read-only root may lack it). */
static void mount_virtual(const char *type, const char *dir)
{
	int err = vfs_mount(&init_fs, type, dir, type, 0, NULL);

	if (err == -ENOENT) {
		err = vfs_mkdir(&init_fs, NULL, dir, 0755);
		if (err) {
			pr_err("vfs: cannot create %s (error %d)\n", dir, err);
			return;
		}
		err = vfs_mount(&init_fs, type, dir, type, 0, NULL);
	}
	if (err)
		pr_err("vfs: %s not mounted on %s (error %d)\n", type, dir, err);
}

struct dev_types {
	const char *name[ROOT_TYPES_MAX];
	unsigned int count;
};

static void collect_dev_type(struct fs_type *type, void *ctx)
{
	struct dev_types *t = ctx;

	if ((type->flags & FS_REQUIRES_DEV) && t->count < ROOT_TYPES_MAX)
		t->name[t->count++] = type->name;
}

/* root=: the named type, or each disk filesystem in turn as Linux tries them. */
static int mount_disk_root(void)
{
	struct dev_types t = { .count = 0 };
	int err = -ENODEV;

	if (root_type[0])
		return vfs_mount_root(root_type, root_dev, root_flags, NULL);
	for_each_filesystem(collect_dev_type, &t);
	for (unsigned int i = 0; i < t.count && err; i++)
		err = vfs_mount_root(t.name[i], root_dev, root_flags, NULL);
	return err;
}

void fs_init(const struct boot_info *bi)
{
	bool disk_root = false;
	int err;

	register_types();
	if (root_dev[0]) {
		err = mount_disk_root();
		disk_root = !err;
		if (err)
			pr_err("vfs: cannot mount root=%s%s%s (error %d): using the initramfs\n",
			       root_dev, root_type[0] ? " rootfstype=" : "", root_type, err);
	}
	if (!disk_root) {
		err = vfs_mount_root("ramfs", "rootfs", 0, NULL);
		if (err) {
			pr_err("vfs: no root filesystem (error %d): files are unavailable\n", err);
			return;
		}
		if (IS_ENABLED(CONFIG_INITRAMFS))
			initramfs_init(bi);
	}
	if (IS_ENABLED(CONFIG_DEVFS))
		mount_virtual("devfs", "/dev");
	if (find_filesystem("proc"))
		mount_virtual("proc", "/proc");
	pr_info("vfs: root is %s%s%s\n", disk_root ? root_dev : "ramfs",
		disk_root ? (root_flags & MS_RDONLY ? " (read-only)" : " (read-write)") : "",
		IS_ENABLED(CONFIG_DEVFS) ? ", devfs on /dev" : "");
}
