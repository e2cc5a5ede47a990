/*
 * open(): resolve or create the name, check the flags against what it is,
 * truncate, pick the file operations (the driver's, for device nodes) and
 * call the filesystem's or driver's open.
 */
#include <fs/vfs.h>
#include <tessera/errno.h>
#include "internal.h"

static bool wants_write(unsigned int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

static int create_last(struct fs_struct *fs, struct parent_lookup *pl, u32 mode,
		       struct path *out)
{
	struct inode *dir = pl->dir.dentry->inode, *inode;
	struct dentry *d;
	int err;

	if (!dir->nlink)
		return -ENOENT;         /* the directory was removed while in use */
	if (path_rdonly(&pl->dir))
		return -EROFS;
	if (!dir->iops || !dir->iops->create)
		return -EACCES;
	err = dir->iops->create(dir, pl->last, pl->last_len,
				S_IFREG | (mode & 07777 & ~fs->umask), &inode);
	if (err)
		return err;
	d = d_alloc(pl->dir.dentry, pl->last, pl->last_len, inode);
	if (!d) {
		iput(inode);
		return -ENOMEM;
	}
	*out = (struct path){ pl->dir.mnt, d };
	pl->dir.mnt->refs++;
	return 0;
}

/* O_CREAT: the last component may be missing, then it is made here. */
static int open_create(struct fs_struct *fs, const struct path *base, const char *path,
		       unsigned int flags, u32 mode, struct path *out)
{
	struct parent_lookup pl;
	int err = __lookup_parent(fs, base, path, &pl);

	if (err)
		return err;
	if (pl.type != LAST_NORM || pl.trailing_slash) {
		err = -EISDIR;
		goto out;
	}
	err = lookup_last(&pl, out);
	if (err == -ENOENT) {
		err = create_last(fs, &pl, mode, out);
		goto out;
	}
	if (err)
		goto out;
	if (flags & O_EXCL) {
		__path_put(out);
		err = -EEXIST;
	} else if (S_ISLNK(out->dentry->inode->mode) && !(flags & O_NOFOLLOW)) {
		/* An existing symlink: open what it points at (a dangling one fails). */
		__path_put(out);
		err = __lookup(fs, base, path, LOOKUP_FOLLOW, out);
	}
out:
	__path_put(&pl.dir);
	return err;
}

static int may_open(const struct path *p, unsigned int flags)
{
	u32 mode = p->dentry->inode->mode;

	if (S_ISLNK(mode))
		return -ELOOP;          /* O_NOFOLLOW on a symlink */
	if ((flags & O_DIRECTORY) && !S_ISDIR(mode))
		return -ENOTDIR;
	if (S_ISDIR(mode) && (wants_write(flags) || (flags & O_CREAT)))
		return -EISDIR;
	if (wants_write(flags) && S_ISREG(mode) && path_rdonly(p))
		return -EROFS;
	if (S_ISFIFO(mode) || S_ISSOCK(mode))
		return -ENXIO;          /* named pipes and sockets: not yet */
	return 0;
}

/* Device nodes open the driver registered for their number. */
static int pick_ops(struct file *f)
{
	u32 type = f->inode->mode & S_IFMT;

	if (type == S_IFCHR || type == S_IFBLK) {
		f->ops = find_device(type, f->inode->rdev);
		if (!f->ops)
			return -ENXIO;
	}
	return f->ops ? 0 : -ENXIO;
}

static int resolve(struct fs_struct *fs, const struct path *base, const char *path,
		   unsigned int flags, u32 mode, struct file **out)
{
	struct iattr trunc = { .valid = ATTR_SIZE, .size = 0 };
	struct path p;
	int err;

	if (flags & O_CREAT)
		err = open_create(fs, base, path, flags, mode, &p);
	else
		err = __lookup(fs, base, path, (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	err = may_open(&p, flags);
	if (!err && (flags & O_TRUNC) && S_ISREG(p.dentry->inode->mode) &&
	    (flags & O_ACCMODE) != O_RDONLY && p.dentry->inode->size)
		err = inode_setattr(p.dentry->inode, &trunc);
	if (!err) {
		*out = file_alloc(&p, p.dentry->inode, flags);
		if (!*out)
			err = -ENOMEM;
	}
	if (err)
		__path_put(&p);
	return err;
}

int vfs_open(struct fs_struct *fs, const struct path *base, const char *path,
	     unsigned int flags, u32 mode, struct file **out)
{
	struct file *f;
	int err;

	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	vfs_namespace_lock();
	err = resolve(fs, base, path, flags, mode, &f);
	vfs_namespace_unlock();
	if (err)
		return err;
	err = pick_ops(f);
	if (!err && f->ops->open)
		err = f->ops->open(f->inode, f);
	if (err) {
		f->ops = NULL;          /* never opened: no release */
		file_put(f);
		return err;
	}
	*out = f;
	return 0;
}
