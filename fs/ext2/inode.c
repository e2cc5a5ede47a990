/*
 * ext2 inodes: reading one from its group's table (checked field by field),
 * writing it back after every change, allocating and freeing them, truncate,
 * attributes, symlink bodies (fast ones in i_block, slow ones in a block).
 */
#include <mm/heap.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "ext2.h"

#define EXT2_S_IFMT_OK(m) (S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m) || S_ISCHR(m) || \
			   S_ISBLK(m) || S_ISFIFO(m) || S_ISSOCK(m))

static const struct inode_ops ext2_link_iops;
static const struct inode_ops ext2_special_iops;

struct inode *ext2_alloc_inode(struct super_block *sb)
{
	struct ext2_inode *ei = kzalloc(sizeof(*ei), GFP_KERNEL);

	(void)sb;
	return ei ? &ei->vfs : NULL;
}

void ext2_destroy_inode(struct inode *inode)
{
	kfree(EXT2_I(inode));
}

/* Where inode ino lives: the table block and the byte offset in it. */
static int locate(struct super_block *sb, u64 ino, u32 *block, u32 *off)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u32 g, index;

	if (ino < 1 || ino > es->inodes_count)
		return ext2_corrupt(sb, "inode number", ino, 0);
	g = (u32)((ino - 1) / es->ipg);
	index = (u32)((ino - 1) % es->ipg);
	*block = es->gd[g].bg_inode_table + index * es->inode_size / es->bs;
	*off = index * es->inode_size % es->bs;
	return 0;
}

static void set_ops(struct inode *inode)
{
	switch (inode->mode & S_IFMT) {
	case S_IFDIR:
		inode->iops = &ext2_dir_iops;
		inode->fops = &ext2_dir_fops;
		break;
	case S_IFREG:
		inode->iops = &ext2_file_iops;
		inode->fops = &ext2_file_fops;
		break;
	case S_IFLNK:
		inode->iops = &ext2_link_iops;
		break;
	default:
		inode->iops = &ext2_special_iops;   /* open finds the driver by rdev */
		break;
	}
}

static bool fast_symlink(struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	u64 acl = EXT2_I(inode)->file_acl ? es->bs / 512 : 0;

	return S_ISLNK(inode->mode) && inode->blocks == acl;
}

/* Fields that no valid inode has: refuse them here, once, instead of at every use. */
static int check_dinode(struct super_block *sb, u64 ino, const struct ext2_dinode *d, u64 size)
{
	struct ext2_sb *es = EXT2_SB(sb);

	if (!d->i_links_count || !EXT2_S_IFMT_OK(d->i_mode))
		return ext2_corrupt(sb, "inode (deleted or bad mode)", ino, 0);
	if (size > ext2_max_size(es))
		return ext2_corrupt(sb, "inode size", ino, 0);
	if (S_ISDIR(d->i_mode) && (size % es->bs || !size))
		return ext2_corrupt(sb, "directory size", ino, 0);
	if (S_ISLNK(d->i_mode) && (size >= es->bs || !size))
		return ext2_corrupt(sb, "symlink size", ino, 0);
	return 0;
}

static void fill_inode(struct inode *inode, const struct ext2_dinode *d, u64 size)
{
	struct ext2_inode *ei = EXT2_I(inode);

	inode->mode = d->i_mode;
	inode->nlink = d->i_links_count;
	inode->uid = d->i_uid | (u32)d->i_uid_high << 16;
	inode->gid = d->i_gid | (u32)d->i_gid_high << 16;
	inode->size = size;
	inode->blocks = d->i_blocks;
	inode->atime = (struct vfs_time){ d->i_atime, 0 };
	inode->mtime = (struct vfs_time){ d->i_mtime, 0 };
	inode->ctime = (struct vfs_time){ d->i_ctime, 0 };
	memcpy(ei->i_block, d->i_block, sizeof(ei->i_block));
	ei->flags = d->i_flags;
	ei->file_acl = d->i_file_acl;
	ei->generation = d->i_generation;
	if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) {
		/* Linux's encodings: old (8:8) in i_block[0], new in i_block[1]. */
		u32 old = d->i_block[0], nw = d->i_block[1];

		inode->rdev = old ? MKDEV((old >> 8) & 0xff, old & 0xff)
				  : MKDEV((nw >> 8) & 0xfff, (nw & 0xff) | ((nw >> 12) & 0xfff00));
	}
	set_ops(inode);
}

int ext2_iget(struct super_block *sb, u32 ino, struct inode **out)
{
	struct ext2_dinode d;
	struct inode *inode = inode_find(sb, ino);
	u32 block, off;
	struct buf *b;
	u64 size;
	int err;

	if (inode) {
		*out = inode;
		return 0;
	}
	err = locate(sb, ino, &block, &off);
	if (!err)
		err = ext2_bread(sb, block, &b);
	if (err)
		return err;
	memcpy(&d, b->data + off, sizeof(d));
	brelse(b);
	size = d.i_size;
	if (S_ISREG(d.i_mode))
		size |= (u64)d.i_size_high << 32;
	err = check_dinode(sb, ino, &d, size);
	if (err)
		return err;
	inode = new_inode(sb, ino);
	if (!inode)
		return -ENOMEM;
	fill_inode(inode, &d, size);
	if (fast_symlink(inode) && size >= EXT2_FAST_LINK_MAX) {
		iput(inode);
		return ext2_corrupt(sb, "fast symlink size", ino, 0);
	}
	*out = inode;
	return 0;
}

static void fill_dinode(struct inode *inode, struct ext2_dinode *d)
{
	struct ext2_inode *ei = EXT2_I(inode);

	d->i_mode = (u16)inode->mode;
	d->i_links_count = (u16)inode->nlink;
	d->i_uid = (u16)inode->uid;
	d->i_uid_high = (u16)(inode->uid >> 16);
	d->i_gid = (u16)inode->gid;
	d->i_gid_high = (u16)(inode->gid >> 16);
	d->i_size = (u32)inode->size;
	d->i_size_high = S_ISREG(inode->mode) ? (u32)(inode->size >> 32) : 0;
	d->i_blocks = (u32)inode->blocks;
	d->i_atime = (u32)inode->atime.sec;
	d->i_mtime = (u32)inode->mtime.sec;
	d->i_ctime = (u32)inode->ctime.sec;
	d->i_flags = ei->flags;
	d->i_file_acl = ei->file_acl;
	d->i_generation = ei->generation;
	/* A set i_dtime is what marks an inode deleted for e2fsck. */
	d->i_dtime = inode->nlink ? 0 : (u32)inode->ctime.sec;
	memcpy(d->i_block, ei->i_block, sizeof(d->i_block));
	if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) {
		u32 ma = MAJOR(inode->rdev), mi = MINOR(inode->rdev);

		memset(d->i_block, 0, sizeof(d->i_block));
		if (ma < 256 && mi < 256)
			d->i_block[0] = ma << 8 | mi;
		else
			d->i_block[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
	}
}

/* A file over 2 GiB sets large_file, as Linux does, so e2fsck accepts it. */
static void note_large_file(struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);

	if (inode->size <= EXT2_MAX_SIZE_32 || es->raw.s_rev_level == 0 ||
	    (es->raw.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE))
		return;
	es->raw.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	es->dirty = true;
}

int ext2_write_inode(struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	u32 block, off;
	struct buf *b;
	int err;

	if (inode->sb->flags & SB_RDONLY)
		return 0;
	err = locate(inode->sb, inode->ino, &block, &off);
	if (err)
		return err;
	mutex_lock(&es->lock);
	note_large_file(inode);
	err = ext2_bread(inode->sb, block, &b);
	if (!err) {
		fill_dinode(inode, (struct ext2_dinode *)(b->data + off));
		bdirty(b);
		brelse(b);
	}
	mutex_unlock(&es->lock);
	return err;
}

/* Clears the on-disk inode (all inode_size bytes) for a new file. */
static int zero_dinode(struct super_block *sb, u64 ino)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u32 block, off;
	struct buf *b;
	int err = locate(sb, ino, &block, &off);

	if (err)
		return err;
	mutex_lock(&es->lock);
	err = ext2_bread(sb, block, &b);
	if (!err) {
		memset(b->data + off, 0, es->inode_size);
		bdirty(b);
		brelse(b);
	}
	mutex_unlock(&es->lock);
	return err;
}

struct inode *ext2_new_inode(struct inode *dir, u32 mode, int *err)
{
	struct super_block *sb = dir->sb;
	struct inode *inode;
	u32 ino;

	*err = ext2_new_inode_nr(sb, (u32)dir->ino, S_ISDIR(mode), &ino);
	if (*err)
		return NULL;
	*err = zero_dinode(sb, ino);
	inode = *err ? NULL : new_inode(sb, ino);
	if (!inode) {
		ext2_free_inode_nr(sb, ino, S_ISDIR(mode));
		*err = *err ? *err : -ENOMEM;
		return NULL;
	}
	inode->mode = mode;
	EXT2_I(inode)->generation = (u32)inode->ctime.sec ^ ino;
	set_ops(inode);
	*err = ext2_write_inode(inode);
	if (*err) {
		inode->nlink = 0;
		iput(inode);
		return NULL;
	}
	return inode;
}

int ext2_truncate(struct inode *inode, u64 size)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	u64 keep = (size + es->bs - 1) / es->bs;
	u32 tail = (u32)(size % es->bs), blk;
	int err = 0;

	if (size > ext2_max_size(es))
		return -EFBIG;
	if (size < inode->size) {
		err = ext2_truncate_blocks(inode, keep);
		/* Bytes past the end stay zero, so growing again reads zeros. */
		if (tail && !ext2_bmap(inode, size / es->bs, false, &blk) && blk) {
			struct buf *b;

			if (!ext2_bread(inode->sb, blk, &b)) {
				memset(b->data + tail, 0, es->bs - tail);
				bdirty(b);
				brelse(b);
			}
		}
	}
	inode->size = size;
	inode->mtime = inode->ctime = vfs_now();
	if (!err)
		err = ext2_write_inode(inode);
	return err;
}

int ext2_setattr(struct inode *inode, const struct iattr *ia)
{
	int err = 0;

	if (ia->valid & ATTR_SIZE) {
		mutex_lock(&inode->lock);
		err = ext2_truncate(inode, ia->size);
		mutex_unlock(&inode->lock);
		if (err)
			return err;
	}
	setattr_copy(inode, ia);
	return ext2_write_inode(inode);
}

/* Drops the extended-attribute block's reference (mke2fs -d may copy xattrs). */
static void put_xattr_block(struct inode *inode)
{
	struct ext2_inode *ei = EXT2_I(inode);
	struct buf *b;
	u32 *refcount;
	bool last;

	if (!ei->file_acl || ext2_bread(inode->sb, ei->file_acl, &b))
		return;
	refcount = (u32 *)b->data + 1;          /* h_magic, h_refcount, ... */
	last = *refcount <= 1;
	if (!last) {
		(*refcount)--;
		bdirty(b);
	}
	brelse(b);
	if (last && !ext2_free_block(inode->sb, ei->file_acl))
		inode->blocks -= EXT2_SB(inode->sb)->bs / 512;
	ei->file_acl = 0;
}

void ext2_evict_inode(struct inode *inode)
{
	bool is_dir = S_ISDIR(inode->mode);

	if (inode->nlink || (inode->sb->flags & SB_RDONLY))
		return;
	if (!fast_symlink(inode) && !S_ISCHR(inode->mode) && !S_ISBLK(inode->mode))
		ext2_truncate_blocks(inode, 0);
	put_xattr_block(inode);
	inode->size = 0;
	inode->mtime = inode->ctime = vfs_now();
	ext2_write_inode(inode);                /* links 0 writes i_dtime */
	ext2_free_inode_nr(inode->sb, (u32)inode->ino, is_dir);
}

static long readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = inode->size < size ? inode->size : size;
	struct buf *b;
	u32 blk;
	int err;

	if (fast_symlink(inode)) {
		memcpy(buf, EXT2_I(inode)->i_block, n);
		return (long)n;
	}
	err = ext2_bmap(inode, 0, false, &blk);
	if (!err && !blk)
		err = ext2_corrupt(inode->sb, "symlink without a block", inode->ino, 0);
	if (!err)
		err = ext2_bread(inode->sb, blk, &b);
	if (err)
		return err;
	memcpy(buf, b->data, n);
	brelse(b);
	return (long)n;
}

/* Writes a new symlink's target: in i_block when short, else in one block. */
int ext2_write_symlink(struct inode *inode, const char *target)
{
	size_t len = strlen(target);
	struct buf *b;
	u32 blk;
	int err;

	if (len >= EXT2_SB(inode->sb)->bs)
		return -ENAMETOOLONG;
	inode->size = len;
	if (len < EXT2_FAST_LINK_MAX) {
		memcpy(EXT2_I(inode)->i_block, target, len);
		return ext2_write_inode(inode);
	}
	err = ext2_bmap(inode, 0, true, &blk);
	if (!err)
		err = ext2_bread(inode->sb, blk, &b);
	if (err)
		return err;
	memcpy(b->data, target, len);
	bdirty(b);
	brelse(b);
	return ext2_write_inode(inode);
}

static const struct inode_ops ext2_link_iops = {
	.readlink = readlink,
	.setattr = ext2_setattr,
};

static const struct inode_ops ext2_special_iops = {
	.setattr = ext2_setattr,
};

const struct inode_ops ext2_file_iops = {
	.setattr = ext2_setattr,
};
