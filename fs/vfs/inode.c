/*
 * Inodes: allocation through the filesystem, the reference count whose
 * last drop evicts, attribute changes and what stat() reports. Counts are
 * changed only under the namespace lock.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "internal.h"

#define ST_BLKSIZE_DEFAULT 4096

struct inode *new_inode(struct super_block *sb, u64 ino)
{
	struct inode *inode;

	if (sb->ops && sb->ops->alloc_inode)
		inode = sb->ops->alloc_inode(sb);
	else
		inode = kzalloc(sizeof(*inode), GFP_KERNEL);
	if (!inode)
		return NULL;
	inode->ino = ino;
	inode->sb = sb;
	inode->refs = 1;
	inode->nlink = 1;
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	mutex_init(&inode->lock);
	list_add_tail(&inode->sb_node, &sb->inodes);
	return inode;
}

struct inode *inode_find(struct super_block *sb, u64 ino)
{
	struct list_head *pos;

	list_for_each(pos, &sb->inodes) {
		struct inode *inode = list_entry(pos, struct inode, sb_node);

		if (inode->ino == ino && inode->refs > 0)
			return iget(inode);
	}
	return NULL;
}

struct inode *iget(struct inode *inode)
{
	inode->refs++;
	return inode;
}

void iput(struct inode *inode)
{
	const struct super_ops *ops;

	if (!inode || --inode->refs > 0)
		return;
	ops = inode->sb->ops;
	if (ops && ops->evict_inode)
		ops->evict_inode(inode);
	list_del(&inode->sb_node);
	if (ops && ops->destroy_inode)
		ops->destroy_inode(inode);
	else
		kfree(inode);
}

/* The VFS's part of setattr; the filesystem's setattr does the rest (truncate). */
int inode_setattr(struct inode *inode, struct iattr *ia)
{
	if ((ia->valid & ATTR_SIZE) && !S_ISREG(inode->mode))
		return S_ISDIR(inode->mode) ? -EISDIR : -EINVAL;
	if (ia->valid & ATTR_MODE)
		ia->mode = (inode->mode & S_IFMT) | (ia->mode & S_IALLUGO);
	if (!inode->iops || !inode->iops->setattr)
		return -EPERM;
	return inode->iops->setattr(inode, ia);
}

/* Linux's new_encode_dev: what st_dev and st_rdev carry and musl's major() decodes. */
unsigned long dev_encode(kdev_t dev)
{
	unsigned long ma = MAJOR(dev), mi = MINOR(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffUL) << 12);
}

void inode_fill_stat(struct inode *inode, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = dev_encode(inode->sb->dev);
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = dev_encode(inode->rdev);
	st->st_size = (long)inode->size;
	st->st_blksize = inode->sb->block_size ? inode->sb->block_size : ST_BLKSIZE_DEFAULT;
	st->st_blocks = (long)inode->blocks;
	st->st_atime = inode->atime.sec;
	st->st_atime_nsec = inode->atime.nsec;
	st->st_mtime = inode->mtime.sec;
	st->st_mtime_nsec = inode->mtime.nsec;
	st->st_ctime = inode->ctime.sec;
	st->st_ctime_nsec = inode->ctime.nsec;
}

/* Pipes and other nameless files keep their inodes on this one. */
static struct fs_type anon_type = { .name = "anon_inodefs" };

struct super_block *anon_sb(void)
{
	static struct super_block *sb;

	if (!sb)
		sb = sb_alloc(&anon_type, NULL);
	return sb;
}
