/*
 * FAT file data: reads and writes sector by sector through the buffer
 * cache, growing the cluster chain as a write needs; a write past the end
 * first fills the gap with zeros (FAT has no holes).
 */
#include <lib/string.h>
#include <tessera/errno.h>
#include "fat.h"

/* Moves len bytes between b at boff (NULL b: zeros) and the file at pos. */
static long xfer(struct inode *inode, struct iobuf *b, size_t boff, u64 pos, size_t len,
		 bool write)
{
	struct fat_sb *fs = FAT_SB(inode->sb);
	size_t done = 0;
	int err = 0;

	while (done < len) {
		u64 at = pos + done;
		u32 in_cl = (u32)(at % fs->csize), in_sec = in_cl % fs->ssize, cl;
		size_t n = fs->ssize - in_sec < len - done ? fs->ssize - in_sec : len - done;
		struct buf *bh;

		err = fat_bmap(inode, (u32)(at / fs->csize), write, &cl);
		if (err == -ENOENT)
			err = fat_corrupt(inode->sb, "file shorter than its size, cluster",
					  FAT_I(inode)->start);
		if (!err)
			err = bread(fs->bd, fat_cluster_sector(fs, cl) + in_cl / fs->ssize,
				    fs->ssize, &bh);
		if (err)
			break;
		if (!write)
			err = iobuf_copy_to(b, boff + done, bh->data + in_sec, n);
		else if (b)
			err = iobuf_copy_from(b, boff + done, bh->data + in_sec, n);
		else
			memset(bh->data + in_sec, 0, n);
		if (write)
			bdirty(bh);
		brelse(bh);
		if (err)
			break;
		done += n;
	}
	return done ? (long)done : err;
}

int fat_fill_zero(struct inode *inode, u64 size)
{
	size_t len = (size_t)(size - inode->size);
	long n = xfer(inode, NULL, 0, inode->size, len, true);

	if (n < 0)
		return (int)n;
	if ((size_t)n < len)
		return -ENOSPC;
	inode->size = size;
	return 0;
}

static long read(struct file *f, struct iobuf *b, u64 *pos)
{
	struct inode *inode = f->inode;
	size_t len;
	long n = 0;

	mutex_lock(&inode->lock);
	len = *pos >= inode->size ? 0 : (size_t)(inode->size - *pos);
	if (len > b->len)
		len = b->len;
	if (len)
		n = xfer(inode, b, 0, *pos, len, false);
	if (n > 0)
		*pos += (u64)n;
	mutex_unlock(&inode->lock);
	return n;
}

static long write_locked(struct inode *inode, struct iobuf *b, u64 *pos, bool append)
{
	size_t len = b->len;
	long n;
	int err;

	if (append)
		*pos = inode->size;
	if (*pos >= FAT_MAX_FILE_SIZE)
		return len ? -EFBIG : 0;
	if (len > FAT_MAX_FILE_SIZE - *pos)
		len = (size_t)(FAT_MAX_FILE_SIZE - *pos);
	if (!len)
		return 0;
	if (*pos > inode->size) {
		err = fat_fill_zero(inode, *pos);
		if (err)
			return err;
	}
	n = xfer(inode, b, 0, *pos, len, true);
	if (n <= 0)
		return n;
	*pos += (u64)n;
	if (*pos > inode->size)
		inode->size = *pos;
	inode->mtime = inode->ctime = vfs_now();
	err = fat_write_inode(inode);
	return err ? err : n;
}

static long write(struct file *f, struct iobuf *b, u64 *pos)
{
	struct inode *inode = f->inode;
	long n;

	mutex_lock(&inode->lock);
	n = write_locked(inode, b, pos, f->flags & O_APPEND);
	mutex_unlock(&inode->lock);
	return n;
}

static int fsync(struct file *f)
{
	struct inode *inode = f->inode;
	int err;

	mutex_lock(&inode->lock);
	err = fat_write_inode(inode);
	mutex_unlock(&inode->lock);
	if (!err)
		err = fat_write_fsinfo(inode->sb);
	return err ? err : bsync(FAT_SB(inode->sb)->bd);
}

const struct inode_ops fat_file_iops = {
	.setattr = fat_setattr,
};

const struct file_ops fat_file_fops = {
	.read = read,
	.write = write,
	.fsync = fsync,
};
