/*
 * A procfs file: its whole text is generated at open into a kmalloc'd
 * buffer that grows as needed, then reads are bounded copies out of it, so
 * one open sees one consistent snapshot however small the reads are.
 */
#include <lib/format.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "internal.h"

#define PROC_BUF_FIRST  1024    /* most files fit; bigger ones double from here */
#define PROC_POS_MAX    0x7fffffffffffffffLL

static bool grow(struct proc_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : PROC_BUF_FIRST;
	char *p;

	if (b->err)
		return false;
	while (cap < b->len + need)
		cap *= 2;
	if (cap == b->cap)
		return true;
	p = krealloc(b->data, cap, GFP_KERNEL);
	if (!p) {
		b->err = -ENOMEM;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void proc_write(struct proc_buf *b, const void *s, size_t n)
{
	if (!n || !grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static void put_char(char c, void *ctx)
{
	struct proc_buf *b = ctx;

	if (b->len < b->cap || grow(b, 1))
		b->data[b->len++] = c;
}

void proc_printf(struct proc_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_core(put_char, b, fmt, ap);
	va_end(ap);
}

int proc_generate(struct proc_buf *b, proc_show_t show, int pid)
{
	int err = show(b, pid);

	if (!err)
		err = b->err;
	if (err) {
		kfree(b->data);
		*b = (struct proc_buf){ 0 };
	}
	return err;
}

static int proc_open(struct inode *inode, struct file *f)
{
	const struct proc_entry *e = inode->priv;
	struct proc_buf *b;
	int err;

	/* Nothing in /proc is writable yet: refuse before generating anything. */
	if ((f->flags & O_ACCMODE) != O_RDONLY || (f->flags & O_TRUNC))
		return -EACCES;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	err = proc_generate(b, e->show, (int)(inode->ino >> PROC_KEY_SHIFT));
	if (err) {
		kfree(b);
		return err;
	}
	f->priv = b;
	return 0;
}

static void proc_release(struct inode *inode, struct file *f)
{
	struct proc_buf *b = f->priv;

	if (!b)
		return;
	kfree(b->data);
	kfree(b);
}

static long proc_read(struct file *f, struct iobuf *io, u64 *pos)
{
	struct proc_buf *b = f->priv;
	size_t n;
	int err;

	if (*pos >= b->len)
		return 0;
	n = b->len - *pos < io->len ? b->len - *pos : io->len;
	err = iobuf_copy_to(io, 0, b->data + *pos, n);
	if (err)
		return err;
	*pos += n;
	return (long)n;
}

/* SEEK_END means the end of the generated text (the inode's size is 0, as in Linux). */
static s64 proc_llseek(struct file *f, s64 off, int whence)
{
	struct proc_buf *b = f->priv;
	s64 base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (s64)f->pos :
		   whence == SEEK_END ? (s64)b->len : -1;

	if (base < 0 || (off > 0 && base > PROC_POS_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (s64)f->pos;
}

const struct file_ops proc_file_ops = {
	.open = proc_open,
	.release = proc_release,
	.read = proc_read,
	.llseek = proc_llseek,
};
