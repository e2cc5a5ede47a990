/*
 * Copies between filesystems and the buffer a read or write names, which
 * is kernel memory or (through the system-call layer's copy functions) a
 * program's; and the unit-by-unit read and write loops files share.
 */
#include <fs/vfs.h>
#include <tessera/errno.h>
#include <lib/string.h>

#define ZERO_CHUNK 256

int iobuf_copy_to(struct iobuf *b, size_t off, const void *src, size_t n)
{
	if (off > b->len || n > b->len - off)
		return -EFAULT;
	if (b->ops)
		return b->ops->copy_to(b->base + off, src, n);
	memcpy(b->base + off, src, n);
	return 0;
}

int iobuf_copy_from(const struct iobuf *b, size_t off, void *dst, size_t n)
{
	if (off > b->len || n > b->len - off)
		return -EFAULT;
	if (b->ops)
		return b->ops->copy_from(dst, b->base + off, n);
	memcpy(dst, b->base + off, n);
	return 0;
}

int iobuf_zero(struct iobuf *b, size_t off, size_t n)
{
	static const char zeros[ZERO_CHUNK];

	if (!b->ops) {
		if (off > b->len || n > b->len - off)
			return -EFAULT;
		memset(b->base + off, 0, n);
		return 0;
	}
	while (n) {
		size_t chunk = n < ZERO_CHUNK ? n : ZERO_CHUNK;
		int err = iobuf_copy_to(b, off, zeros, chunk);

		if (err)
			return err;
		off += chunk;
		n -= chunk;
	}
	return 0;
}

/* Stops at the first error; returns the bytes moved before it. */
static size_t move_units(struct inode *inode, struct iobuf *b, u64 pos, size_t len, u32 unit,
			 vfs_unit_fn move, long *err)
{
	size_t done = 0;

	while (done < len && !*err) {
		u64 at = pos + done;
		size_t n = unit - at % unit;

		if (n > len - done)
			n = len - done;
		*err = move(inode, b, done, at, n);
		if (!*err)
			done += n;
	}
	return done;
}

long vfs_read_units(struct file *f, struct iobuf *b, u64 *pos, u32 unit, vfs_unit_fn read)
{
	struct inode *inode = f->inode;
	size_t len = *pos >= inode->size ? 0 : inode->size - *pos, done;
	long err = 0;

	if (len > b->len)
		len = b->len;
	done = move_units(inode, b, *pos, len, unit, read, &err);
	*pos += done;
	return done ? (long)done : err;
}

long vfs_write_units(struct file *f, struct iobuf *b, u64 *pos, u32 unit, u64 max_size,
		     vfs_unit_fn write)
{
	struct inode *inode = f->inode;
	size_t len = b->len, done;
	long err = 0;

	if (f->flags & O_APPEND)
		*pos = inode->size;
	if (*pos >= max_size)
		return -EFBIG;
	if (len > max_size - *pos)
		len = max_size - *pos;
	done = move_units(inode, b, *pos, len, unit, write, &err);
	if (!done)
		return err;
	*pos += done;
	/* Only bytes written move the size: a failed write past the end must not grow it. */
	if (*pos > inode->size)
		inode->size = *pos;
	inode->mtime = inode->ctime = vfs_now();
	return (long)done;
}
