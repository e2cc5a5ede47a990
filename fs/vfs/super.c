/*
 * Filesystem types and superblocks: the registry `mount -t` searches, the
 * anonymous device numbers virtual filesystems report as st_dev, and the
 * namespace lock that serialises the tree.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>
#include "internal.h"

static struct list_head fs_types = LIST_HEAD_INIT(fs_types);
static DEFINE_MUTEX(namespace_mutex);
static unsigned int next_anon_minor = 1;

void vfs_namespace_lock(void)
{
	mutex_lock(&namespace_mutex);
}

void vfs_namespace_unlock(void)
{
	mutex_unlock(&namespace_mutex);
}

/* Types register at boot, before anything mounts, so the list needs no lock. */
int register_filesystem(struct fs_type *type)
{
	if (find_filesystem(type->name))
		return -EEXIST;
	list_add_tail(&type->node, &fs_types);
	return 0;
}

struct fs_type *find_filesystem(const char *name)
{
	struct list_head *pos;

	if (!name)
		return NULL;
	list_for_each(pos, &fs_types) {
		struct fs_type *t = list_entry(pos, struct fs_type, node);

		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

void for_each_filesystem(void (*fn)(struct fs_type *type, void *ctx), void *ctx)
{
	struct list_head *pos;

	list_for_each(pos, &fs_types)
		fn(list_entry(pos, struct fs_type, node), ctx);
}

struct super_block *sb_alloc(struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return NULL;
	sb->type = type;
	sb->ops = ops;
	sb->block_size = 4096;
	/* Major 0 is "unnamed" in Linux: what ramfs and procfs report too. */
	sb->dev = MKDEV(0, __atomic_fetch_add(&next_anon_minor, 1, __ATOMIC_RELAXED));
	list_init(&sb->inodes);
	return sb;
}

int sb_set_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = d_alloc_root(root);

	if (!d)
		return -ENOMEM;
	sb->root = d;
	return 0;
}

void sb_free(struct super_block *sb)
{
	if (!sb)
		return;
	if (sb->root) {
		d_drop(sb->root);
		dput(sb->root);
		sb->root = NULL;
	}
	if (sb->ops && sb->ops->put_super)
		sb->ops->put_super(sb);
	if (!list_empty(&sb->inodes))
		pr_warn("vfs: %s: inodes still in use at unmount, leaked\n", sb->type->name);
	else
		kfree(sb);
}
