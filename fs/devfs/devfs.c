/*
 * devfs: one ramfs superblock holding a node for every registered device.
 * Nodes registered before the mount are made when it happens; later ones
 * go straight into the mounted tree. Like Linux's devtmpfs there is a
 * single instance, so mounting it twice gives -EBUSY.
 */
#include <fs/devfs.h>
#include <fs/ramfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>

struct devfs_node {
	struct list_head node;
	u32 mode;
	kdev_t rdev;
	char name[];
};

/* Both under the namespace lock. */
static struct list_head nodes = LIST_HEAD_INIT(nodes);
static struct super_block *devfs_sb;
static struct super_ops devfs_ops;

static struct devfs_node *find(const char *name)
{
	struct list_head *pos;

	list_for_each(pos, &nodes) {
		struct devfs_node *n = list_entry(pos, struct devfs_node, node);

		if (strcmp(n->name, name) == 0)
			return n;
	}
	return NULL;
}

/* Namespace lock held. */
static int make_node(struct super_block *sb, const struct devfs_node *n)
{
	struct inode *dir = sb->root->inode, *inode;
	int err = dir->iops->mknod(dir, n->name, strlen(n->name), n->mode, n->rdev, &inode);

	if (!err)
		iput(inode);
	return err;
}

int devfs_register(const char *name, u32 mode, kdev_t rdev)
{
	size_t len = strnlen(name, NAME_MAX + 1);
	struct devfs_node *n;
	int err = 0;

	if (!len || len > NAME_MAX || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || (!S_ISCHR(mode) && !S_ISBLK(mode)))
		return -EINVAL;
	n = kmalloc(sizeof(*n) + len + 1, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->mode = mode;
	n->rdev = rdev;
	memcpy(n->name, name, len + 1);
	vfs_namespace_lock();
	if (find(name))
		err = -EEXIST;
	else if (devfs_sb)
		err = make_node(devfs_sb, n);
	if (!err)
		list_add_tail(&n->node, &nodes);
	vfs_namespace_unlock();
	if (err)
		kfree(n);
	return err;
}

int devfs_find_locked(const char *path, u32 *mode, kdev_t *dev)
{
	static const char prefix[] = "/dev/";
	const struct devfs_node *n;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0)
		return -ENOENT;
	n = find(path + sizeof(prefix) - 1);
	if (!n)
		return -ENOENT;
	*mode = n->mode;
	*dev = n->rdev;
	return 0;
}

static void devfs_put_super(struct super_block *sb)
{
	devfs_sb = NULL;
	ramfs_super_ops.put_super(sb);
}

/* Called with the namespace lock held (vfs_mount). */
static int devfs_mount(struct fs_type *type, const struct mount_args *args,
		       struct super_block **out)
{
	struct super_block *sb;
	struct list_head *pos;
	int err;

	if (devfs_sb)
		return -EBUSY;
	sb = sb_alloc(type, &devfs_ops);
	if (!sb)
		return -ENOMEM;
	err = ramfs_fill_super(sb, 0755);
	sb->magic = DEVFS_MAGIC;
	list_for_each(pos, &nodes) {
		if (err)
			break;
		err = make_node(sb, list_entry(pos, struct devfs_node, node));
	}
	if (err) {
		sb_free(sb);
		return err;
	}
	devfs_sb = sb;
	*out = sb;
	return 0;
}

static struct fs_type devfs_type = {
	.name = "devfs",
	.mount = devfs_mount,
};

int devfs_init(void)
{
	int err;

	devfs_ops = ramfs_super_ops;
	devfs_ops.put_super = devfs_put_super;
	err = register_filesystem(&devfs_type);
	if (!err)
		err = devfs_mem_init();
	if (!err)
		err = devfs_console_init();
	if (!err && IS_ENABLED(CONFIG_BLOCK))
		err = devfs_blk_init();
	return err;
}
