/*
 * ext2 regular-file data: reads and writes block by block through the
 * buffer cache. Holes read as zeros and take no block until written.
 */
#include <tessera/errno.h>
#include "ext2.h"

static int read_block(struct inode *inode, struct iobuf *b, size_t done, u64 at, size_t n)
{
	u32 bs = EXT2_SB(inode->sb)->bs, blk;
	struct buf *bh;
	int err = ext2_bmap(inode, at / bs, false, &blk);

	if (err)
		return err;
	if (!blk)
		return iobuf_zero(b, done, n);
	err = ext2_bread(inode->sb, blk, &bh);
	if (err)
		return err;
	err = iobuf_copy_to(b, done, bh->data + at % bs, n);
	brelse(bh);
	return err;
}

static long read(struct file *f, struct iobuf *b, u64 *pos)
{
	struct inode *inode = f->inode;
	long ret;

	mutex_lock(&inode->lock);
	ret = vfs_read_units(f, b, pos, EXT2_SB(inode->sb)->bs, read_block);
	mutex_unlock(&inode->lock);
	return ret;
}

static int write_block(struct inode *inode, struct iobuf *b, size_t done, u64 at, size_t n)
{
	u32 bs = EXT2_SB(inode->sb)->bs, blk;
	struct buf *bh;
	int err = ext2_bmap(inode, at / bs, true, &blk);

	if (!err)
		err = ext2_bread(inode->sb, blk, &bh);
	if (err)
		return err;
	err = iobuf_copy_from(b, done, bh->data + at % bs, n);
	bdirty(bh);
	brelse(bh);
	return err;
}

static long write(struct file *f, struct iobuf *b, u64 *pos)
{
	struct inode *inode = f->inode;
	struct ext2_sb *es = EXT2_SB(inode->sb);
	long ret;

	mutex_lock(&inode->lock);
	ret = vfs_write_units(f, b, pos, es->bs, ext2_max_size(es), write_block);
	/*
	 * Blocks may have been allocated even when nothing was copied. What
	 * the write returns stands: bytes written, or the error that stopped it.
	 */
	if (ret)
		ext2_write_inode(inode);
	mutex_unlock(&inode->lock);
	return ret;
}

static int fsync(struct file *f)
{
	return ext2_sync_fs(f->inode->sb);
}

const struct file_ops ext2_file_fops = {
	.read = read,
	.write = write,
	.fsync = fsync,
};
