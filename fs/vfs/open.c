/*
 * open(): resolve or create the name, check the flags against what it is,
 * truncate, pick the file operations (the driver's, for device nodes) and
 * call the filesystem's or driver's open.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
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

/*
 * One step of O_CREAT: the last component of path (from base) is opened,
 * or made when missing. Returns 1, with *out holding it, when it is a
 * symlink to follow. pl->dir is left referenced (or NULL) for the caller.
 */
static int create_step(struct fs_struct *fs, const struct path *base, const char *path,
		       unsigned int flags, u32 mode, struct parent_lookup *pl, struct path *out)
{
	int err = __lookup_parent(fs, base, path, pl);

	if (err) {
		pl->dir.mnt = NULL;
		return err;
	}
	/* "/", "." and ".." exist and are directories; "x/" cannot be created. */
	if (pl->type != LAST_NORM)
		return (flags & O_EXCL) ? -EEXIST : -EISDIR;
	if (pl->trailing_slash)
		return -EISDIR;
	err = lookup_last(pl, out);
	if (err == -ENOENT)
		return create_last(fs, pl, mode, out);
	if (err)
		return err;
	if (flags & O_EXCL) {
		__path_put(out);        /* O_EXCL never follows, even a dangling link */
		return -EEXIST;
	}
	return S_ISLNK(out->dentry->inode->mode) && !(flags & O_NOFOLLOW);
}

/* The body of the symlink at link, into body (PATH_MAX bytes). Drops link. */
static int read_body(struct path *link, char *body)
{
	struct inode *inode = link->dentry->inode;
	long n = inode->iops && inode->iops->readlink ?
		 inode->iops->readlink(inode, body, PATH_MAX - 1) : -EINVAL;

	__path_put(link);
	if (n <= 0)
		return n ? (int)n : -ENOENT;
	body[n] = '\0';
	return 0;
}

/*
 * O_CREAT: the last component may be missing, and as in Linux so may the
 * target at the end of a symlink chain, which is then made.
 */
static int open_create(struct fs_struct *fs, const struct path *base, const char *path,
		       unsigned int flags, u32 mode, struct path *out)
{
	struct path from = { 0 };
	struct parent_lookup pl;
	char *body = NULL;
	int err, links = 0;

	for (;;) {
		err = create_step(fs, from.mnt ? &from : base, path, flags, mode, &pl, out);
		if (err != 1)
			break;
		if (++links > MAX_TOTAL_LINKS)
			err = -ELOOP;
		else if (!body && !(body = kmalloc(PATH_MAX, GFP_KERNEL)))
			err = -ENOMEM;
		else
			err = read_body(out, body);
		if (err) {
			if (links > MAX_TOTAL_LINKS || !body)
				__path_put(out);
			break;
		}
		/* The body resolves from the directory holding the link. */
		__path_put(&from);
		from = pl.dir;
		pl.dir.mnt = NULL;
		path = body;
	}
	if (pl.dir.mnt)
		__path_put(&pl.dir);
	__path_put(&from);
	kfree(body);
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
