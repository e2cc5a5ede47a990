/*
 * Copies between filesystems and the buffer a read or write names, which
 * is kernel memory or (through the system-call layer's copy functions) a
 * program's.
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
