/*
 * The file layer's boot: register the linked filesystem types, mount a
 * ramfs as "/", unpack the initramfs into it, mount devfs on /dev. A new
 * filesystem type adds its register call to fs_types[] below.
 */
#include <fs/devfs.h>
#include <fs/initramfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <tessera/errno.h>
#include <tessera/printk.h>

struct fs_init_step {
	const char *name;
	int (*init)(void);           /* NULL when the type is not linked */
};

static const struct fs_init_step fs_types[] = {
	{ "ramfs", IS_ENABLED(CONFIG_RAMFS) ? ramfs_init : NULL },
	{ "devfs", IS_ENABLED(CONFIG_DEVFS) ? devfs_init : NULL },
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

static void mount_dev(void)
{
	int err = vfs_mkdir(&init_fs, NULL, "/dev", 0755);

	if (err && err != -EEXIST) {
		pr_err("vfs: cannot create /dev (error %d)\n", err);
		return;
	}
	err = vfs_mount(&init_fs, "devfs", "/dev", "devfs", 0, NULL);
	if (err)
		pr_err("vfs: devfs not mounted on /dev (error %d)\n", err);
}

void fs_init(const struct boot_info *bi)
{
	int err;

	register_types();
	err = vfs_mount_root("ramfs", "rootfs", 0, NULL);
	if (err) {
		pr_err("vfs: no root filesystem (error %d): files are unavailable\n", err);
		return;
	}
	if (IS_ENABLED(CONFIG_INITRAMFS))
		initramfs_init(bi);
	if (IS_ENABLED(CONFIG_DEVFS))
		mount_dev();
	pr_info("vfs: root is ramfs%s\n", IS_ENABLED(CONFIG_DEVFS) ? ", devfs on /dev" : "");
}
