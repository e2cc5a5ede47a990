/*
 * ext2 regular-file data: reads and writes block by block through the
 * buffer cache. Holes read as zeros and take no block until written.
 */
#include <tessera/errno.h>
#include "ext2.h"

static long read(struct file *f, struct iobuf *b, u64 *pos)
{
	struct inode *inode = f->inode;
	u32 bs = EXT2_SB(inode->sb)->bs;
	size_t done = 0, len;
	long err = 0;

	mutex_lock(&inode->lock);
	len = *pos >= inode->size ? 0 : inode->size - *pos;
	if (len > b->len)
		len = b->len;
	while (done < len && !err) {
		u64 at = *pos + done;
		u32 off = (u32)(at % bs), blk;
		size_t n = bs - off < len - done ? bs - off : len - done;
		struct buf *bh;

		err = ext2_bmap(inode, at / bs, false, &blk);
		if (!err && !blk)
			err = iobuf_zero(b, done, n);
		else if (!err && !(err = ext2_bread(inode->sb, blk, &bh))) {
			err = iobuf_copy_to(b, done, bh->data + off, n);
			brelse(bh);
		}
		if (!err)
			done += n;
	}
	*pos += done;
	mutex_unlock(&inode->lock);
	return done ? (long)done : err;
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
	u64 max = ext2_max_size(es);
	size_t done = 0, len = b->len;
	long err = 0;

	mutex_lock(&inode->lock);
	if (f->flags & O_APPEND)
		*pos = inode->size;
	if (*pos >= max)
		err = -EFBIG;
	else if (len > max - *pos)
		len = max - *pos;
	while (done < len && !err) {
		u64 at = *pos + done;
		size_t n = es->bs - at % es->bs;

		if (n > len - done)
			n = len - done;
		err = write_block(inode, b, done, at, n);
		if (!err)
			done += n;
	}
	*pos += done;
	if (done && *pos > inode->size)
		inode->size = *pos;
	if (done)
		inode->mtime = inode->ctime = vfs_now();
	/* Blocks may have been allocated even when nothing was copied. */
	if (done || err) {
		int werr = ext2_write_inode(inode);

		if (!err)
			err = werr;
	}
	mutex_unlock(&inode->lock);
	return done ? (long)done : err;
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
