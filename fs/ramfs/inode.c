/*
 * ramfs inodes and superblocks: allocation by type, eviction (a directory's
 * entries are released iteratively, so unmounting a deep tree cannot
 * overflow the kernel stack), attributes, and the "ramfs" type itself.
 */
#include <mm/heap.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "ramfs.h"

static const struct inode_ops link_iops;
static const struct inode_ops special_iops;

static struct inode *alloc_inode(struct super_block *sb)
{
	struct ramfs_inode *ri = kzalloc(sizeof(*ri), GFP_KERNEL);

	if (!ri)
		return NULL;
	list_init(&ri->entries);
	ri->next_cookie = RAMFS_FIRST_COOKIE;
	return &ri->vfs;
}

static void destroy_inode(struct inode *inode)
{
	kfree(RAMFS_I(inode));
}

/*
 * Putting a child may evict it, which may put its own children: instead of
 * recursing, evicted directories hand their entries to one queue that the
 * outermost call drains.
 */
static void reap(struct ramfs_sb *rs)
{
	if (rs->reaping)
		return;
	rs->reaping = true;
	while (!list_empty(&rs->reap)) {
		struct ramfs_dirent *de = list_first_entry(&rs->reap, struct ramfs_dirent, node);

		list_del(&de->node);
		iput(de->inode);
		kfree(de);
	}
	rs->reaping = false;
}

static void evict_inode(struct inode *inode)
{
	struct ramfs_inode *ri = RAMFS_I(inode);
	struct ramfs_sb *rs = RAMFS_SB(inode->sb);

	if (S_ISREG(inode->mode))
		ramfs_free_pages(inode);
	kfree(ri->target);
	ri->target = NULL;
	if (S_ISDIR(inode->mode)) {
		list_splice_tail(&ri->entries, &rs->reap);
		reap(rs);
	}
}

static void put_super(struct super_block *sb)
{
	kfree(sb->priv);
	sb->priv = NULL;
}

const struct super_ops ramfs_super_ops = {
	.alloc_inode = alloc_inode,
	.destroy_inode = destroy_inode,
	.evict_inode = evict_inode,
	.put_super = put_super,
};

struct inode *ramfs_new_inode(struct super_block *sb, u32 mode, kdev_t rdev)
{
	struct inode *inode = new_inode(sb, RAMFS_SB(sb)->next_ino++);

	if (!inode)
		return NULL;
	inode->mode = mode;
	inode->rdev = rdev;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		inode->iops = &ramfs_dir_iops;
		inode->fops = &ramfs_dir_fops;
		inode->nlink = 2;
		break;
	case S_IFREG:
		inode->iops = &ramfs_file_iops;
		inode->fops = &ramfs_file_fops;
		break;
	case S_IFLNK:
		inode->iops = &link_iops;
		break;
	default:
		inode->iops = &special_iops;   /* open finds the driver by rdev */
		break;
	}
	return inode;
}

int ramfs_setattr(struct inode *inode, const struct iattr *ia)
{
	int err = 0;

	if (ia->valid & ATTR_SIZE) {
		mutex_lock(&inode->lock);
		err = ramfs_truncate(inode, ia->size);
		mutex_unlock(&inode->lock);
		if (err)
			return err;
	}
	setattr_copy(inode, ia);
	return 0;
}

static long readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = inode->size < size ? inode->size : size;

	memcpy(buf, RAMFS_I(inode)->target, n);
	return (long)n;
}

static const struct inode_ops link_iops = {
	.readlink = readlink,
	.setattr = ramfs_setattr,
};

static const struct inode_ops special_iops = {
	.setattr = ramfs_setattr,
};

int ramfs_fill_super(struct super_block *sb, u32 mode)
{
	struct ramfs_sb *rs = kzalloc(sizeof(*rs), GFP_KERNEL);
	struct inode *root;

	if (!rs)
		return -ENOMEM;
	rs->next_ino = 1;
	list_init(&rs->reap);
	sb->priv = rs;
	sb->magic = RAMFS_MAGIC;
	root = ramfs_new_inode(sb, S_IFDIR | (mode & 07777), 0);
	if (!root)
		return -ENOMEM;
	if (sb_set_root(sb, root)) {
		iput(root);
		return -ENOMEM;
	}
	return 0;
}

u64 ramfs_pages_used(struct super_block *sb)
{
	return RAMFS_SB(sb)->pages_used;
}

static int ramfs_mount(struct fs_type *type, const struct mount_args *args,
		       struct super_block **out)
{
	struct super_block *sb = sb_alloc(type, &ramfs_super_ops);
	int err;

	if (!sb)
		return -ENOMEM;
	err = ramfs_fill_super(sb, 0755);
	if (err) {
		sb_free(sb);
		return err;
	}
	*out = sb;
	return 0;
}

static struct fs_type ramfs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
};

int ramfs_init(void)
{
	return register_filesystem(&ramfs_type);
}
