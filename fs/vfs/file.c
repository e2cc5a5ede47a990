/*
 * Open files: reference counting, and the calls on an open file (read,
 * write, lseek, getdents64, ioctl, fstat, ftruncate) with the checks
 * common to every filesystem: access mode, file type, offsets.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "internal.h"

/* Linux's MAX_RW_COUNT: no single transfer above 2 GiB - 1 page. */
#define MAX_RW_COUNT  0x7ffff000UL
#define S64_MAX       0x7fffffffffffffffLL

struct file *file_get(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->ops && f->ops->release)
		f->ops->release(f->inode, f);
	vfs_namespace_lock();
	__path_put(&f->path);
	iput(f->inode);
	vfs_namespace_unlock();
	kfree(f);
}

/* Namespace lock held; takes a reference on inode (and keeps the caller's on path). */
struct file *file_alloc(struct path *path, struct inode *inode, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	if (path)
		f->path = *path;
	f->inode = iget(inode);
	f->ops = inode->fops;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	f->refs = 1;
	mutex_init(&f->pos_lock);
	return f;
}

struct file *file_alloc_anon(const struct file_ops *ops, u32 mode, unsigned int flags,
			     void *priv)
{
	static u64 next_ino = 1;
	struct super_block *sb;
	struct inode *inode = NULL;
	struct file *f = NULL;

	vfs_namespace_lock();
	sb = anon_sb();
	if (sb)
		inode = new_inode(sb, next_ino++);
	if (inode) {
		inode->mode = mode | S_IRUSR | S_IWUSR;
		inode->fops = ops;
		f = file_alloc(NULL, inode, flags);
		iput(inode);            /* the file holds it now, or nobody */
	}
	vfs_namespace_unlock();
	if (f)
		f->priv = priv;
	return f;
}

/* Offsets are shared by everyone holding the file: one call at a time moves them. */
static bool locks_pos(const struct file *f)
{
	return S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode);
}

static bool seekable(const struct file *f)
{
	u32 m = f->inode->mode;

	return S_ISREG(m) || S_ISDIR(m) || S_ISBLK(m) || (f->ops && f->ops->llseek);
}

static long check_rw(struct file *f, struct iobuf *b, bool write)
{
	unsigned int acc = f->flags & O_ACCMODE;

	if (write ? acc == O_RDONLY : acc == O_WRONLY)
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops || !(write ? f->ops->write : f->ops->read))
		return -EINVAL;
	if (b->len > MAX_RW_COUNT)
		b->len = MAX_RW_COUNT;
	return 0;
}

static long do_rw(struct file *f, struct iobuf *b, u64 *pos, bool write)
{
	long n = check_rw(f, b, write);

	if (n)
		return n;
	if (b->len == 0)
		return 0;
	return write ? f->ops->write(f, b, pos) : f->ops->read(f, b, pos);
}

static long rw_at_pos(struct file *f, struct iobuf *b, bool write)
{
	bool lock = locks_pos(f);
	long n;
	u64 pos;

	if (lock)
		mutex_lock(&f->pos_lock);
	pos = f->pos;
	n = do_rw(f, b, &pos, write);
	f->pos = pos;
	if (lock)
		mutex_unlock(&f->pos_lock);
	return n;
}

long vfs_read(struct file *f, struct iobuf *b)
{
	return rw_at_pos(f, b, false);
}

long vfs_write(struct file *f, struct iobuf *b)
{
	return rw_at_pos(f, b, true);
}

long vfs_pread(struct file *f, struct iobuf *b, u64 pos)
{
	if (!seekable(f))
		return -ESPIPE;
	if (pos > (u64)S64_MAX)
		return -EINVAL;
	return do_rw(f, b, &pos, false);
}

long vfs_pwrite(struct file *f, struct iobuf *b, u64 pos)
{
	if (!seekable(f))
		return -ESPIPE;
	if (pos > (u64)S64_MAX)
		return -EINVAL;
	return do_rw(f, b, &pos, true);
}

long kernel_read(struct file *f, void *buf, size_t len, u64 pos)
{
	struct iobuf b = iobuf_kernel(buf, len);

	return vfs_pread(f, &b, pos);
}

long kernel_write(struct file *f, const void *buf, size_t len, u64 pos)
{
	struct iobuf b = iobuf_kernel((void *)buf, len);

	return vfs_pwrite(f, &b, pos);
}

s64 generic_file_llseek(struct file *f, s64 off, int whence)
{
	s64 base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (s64)f->pos;
		break;
	case SEEK_END:
		base = (s64)f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > S64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (s64)f->pos;
}

s64 vfs_lseek(struct file *f, s64 off, int whence)
{
	bool lock = locks_pos(f);
	s64 r;

	if (!seekable(f))
		return -ESPIPE;
	if (lock)
		mutex_lock(&f->pos_lock);
	if (f->ops && f->ops->llseek)
		r = f->ops->llseek(f, off, whence);
	else
		r = generic_file_llseek(f, off, whence);
	if (lock)
		mutex_unlock(&f->pos_lock);
	return r;
}

long vfs_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return f->ops && f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
}

int vfs_fstat(struct file *f, struct stat *st)
{
	inode_fill_stat(f->inode, st);
	return 0;
}

int vfs_fsetattr(struct file *f, struct iattr *ia)
{
	int err;

	if (f->path.mnt && path_rdonly(&f->path))
		return -EROFS;
	vfs_namespace_lock();
	err = inode_setattr(f->inode, ia);
	vfs_namespace_unlock();
	return err;
}

int vfs_ftruncate(struct file *f, u64 size)
{
	struct iattr ia = { .valid = ATTR_SIZE, .size = size };

	if ((f->flags & O_ACCMODE) == O_RDONLY || !S_ISREG(f->inode->mode))
		return -EINVAL;
	if (size > (u64)S64_MAX)
		return -EINVAL;
	return vfs_fsetattr(f, &ia);
}

int vfs_fsync(struct file *f)
{
	return f->ops && f->ops->fsync ? f->ops->fsync(f) : 0;
}

void file_set_flags(struct file *f, unsigned int flags)
{
	const unsigned int settable = O_APPEND | O_NONBLOCK;

	f->flags = (f->flags & ~settable) | (flags & settable);
}
