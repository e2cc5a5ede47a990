/*
 * Namespace calls: create and remove names (mkdir, mknod, symlink, link,
 * unlink, rmdir, rename) with the checks every filesystem would otherwise
 * repeat, and keeping the dentry cache in step with what they did.
 */
#include <fs/vfs.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "internal.h"

typedef int (*make_fn)(struct inode *dir, struct parent_lookup *pl, const void *arg,
		       struct inode **out);

/* Looks the parent up and checks the new name is free and writable. */
static int prepare_create(struct fs_struct *fs, const struct path *base, const char *path,
			  struct parent_lookup *pl)
{
	struct dentry *d;
	int err = __lookup_parent(fs, base, path, pl);

	if (err)
		return err;
	if (pl->type != LAST_NORM) {
		err = -EEXIST;
	} else {
		err = lookup_child(pl->dir.dentry, pl->last, pl->last_len, &d);
		if (!err) {
			dput(d);
			err = -EEXIST;
		} else if (err == -ENOENT && pl->dir.dentry->inode->nlink) {
			err = path_rdonly(&pl->dir) ? -EROFS : 0;
		}
	}
	if (err)
		__path_put(&pl->dir);
	return err;
}

static int do_create(struct fs_struct *fs, const struct path *base, const char *path,
		     bool dir_ok_trailing, make_fn make, const void *arg)
{
	struct parent_lookup pl;
	struct inode *inode;
	struct dentry *d;
	int err;

	vfs_namespace_lock();
	err = prepare_create(fs, base, path, &pl);
	if (err)
		goto out;
	if (pl.trailing_slash && !dir_ok_trailing)
		err = -ENOENT;          /* "x/" names a directory that is not there */
	else
		err = make(pl.dir.dentry->inode, &pl, arg, &inode);
	if (!err) {
		d = d_alloc(pl.dir.dentry, pl.last, pl.last_len, inode);
		if (d)
			dput(d);        /* stays cached, unused */
		else
			iput(inode);
	}
	__path_put(&pl.dir);
out:
	vfs_namespace_unlock();
	return err;
}

struct make_args {
	u32 mode;
	kdev_t rdev;
	const char *target;
	u32 umask;
};

static int make_dir(struct inode *dir, struct parent_lookup *pl, const void *arg,
		    struct inode **out)
{
	const struct make_args *a = arg;

	if (!dir->iops || !dir->iops->mkdir)
		return -EPERM;
	return dir->iops->mkdir(dir, pl->last, pl->last_len,
				S_IFDIR | (a->mode & 07777 & ~a->umask), out);
}

static int make_node(struct inode *dir, struct parent_lookup *pl, const void *arg,
		     struct inode **out)
{
	const struct make_args *a = arg;
	u32 type = a->mode & S_IFMT;

	if (type == 0)
		type = S_IFREG;
	if (type == S_IFREG && dir->iops && dir->iops->create)
		return dir->iops->create(dir, pl->last, pl->last_len,
					 S_IFREG | (a->mode & 07777 & ~a->umask), out);
	if (type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK &&
	    type != S_IFREG)
		return -EINVAL;
	if (!dir->iops || !dir->iops->mknod)
		return -EPERM;
	return dir->iops->mknod(dir, pl->last, pl->last_len,
				type | (a->mode & 07777 & ~a->umask), a->rdev, out);
}

static int make_symlink(struct inode *dir, struct parent_lookup *pl, const void *arg,
			struct inode **out)
{
	const struct make_args *a = arg;

	if (!dir->iops || !dir->iops->symlink)
		return -EPERM;
	return dir->iops->symlink(dir, pl->last, pl->last_len, a->target, out);
}

int vfs_mkdir(struct fs_struct *fs, const struct path *base, const char *path, u32 mode)
{
	struct make_args a = { .mode = mode, .umask = fs->umask };

	return do_create(fs, base, path, true, make_dir, &a);
}

int vfs_mknod(struct fs_struct *fs, const struct path *base, const char *path, u32 mode,
	      kdev_t rdev)
{
	struct make_args a = { .mode = mode, .rdev = rdev, .umask = fs->umask };

	return do_create(fs, base, path, false, make_node, &a);
}

int vfs_symlink(struct fs_struct *fs, const char *target, const struct path *base,
		const char *path)
{
	struct make_args a = { .target = target };
	size_t len = strnlen(target, PATH_MAX);

	if (len == 0)
		return -ENOENT;
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	return do_create(fs, base, path, false, make_symlink, &a);
}

/* Finds the victim of unlink/rmdir: its parent and its dentry. */
static int prepare_remove(struct fs_struct *fs, const struct path *base, const char *path,
			  bool dir, struct parent_lookup *pl, struct dentry **victim)
{
	int err = __lookup_parent(fs, base, path, pl);

	if (err)
		return err;
	if (pl->type != LAST_NORM) {
		/* Linux: unlink of ".", ".." or "/" is EISDIR; rmdir says which. */
		if (!dir)
			err = -EISDIR;
		else
			err = pl->type == LAST_DOT ? -EINVAL : pl->type == LAST_DOTDOT ? -ENOTEMPTY
										 : -EBUSY;
		goto fail;
	}
	err = lookup_child(pl->dir.dentry, pl->last, pl->last_len, victim);
	if (err)
		goto fail;
	if (path_rdonly(&pl->dir))
		err = -EROFS;
	else if ((*victim)->mounted)
		err = -EBUSY;
	if (!err)
		return 0;
	dput(*victim);
fail:
	__path_put(&pl->dir);
	return err;
}

static int do_remove(struct fs_struct *fs, const struct path *base, const char *path, bool dir)
{
	struct parent_lookup pl;
	struct dentry *victim = NULL;
	struct inode *d_inode;
	int err;

	vfs_namespace_lock();
	err = prepare_remove(fs, base, path, dir, &pl, &victim);
	if (err)
		goto out;
	d_inode = pl.dir.dentry->inode;
	if (dir && !S_ISDIR(victim->inode->mode))
		err = -ENOTDIR;
	else if (!dir && S_ISDIR(victim->inode->mode))
		err = -EISDIR;
	else if (!dir && pl.trailing_slash)
		err = -ENOTDIR;
	else if (dir)
		err = d_inode->iops->rmdir ? d_inode->iops->rmdir(d_inode, pl.last, pl.last_len,
								   victim->inode) : -EPERM;
	else
		err = d_inode->iops->unlink ? d_inode->iops->unlink(d_inode, pl.last, pl.last_len,
								     victim->inode) : -EPERM;
	if (!err) {
		d_drop_aliases(victim);
		d_drop(victim);         /* freed with its last user: open files keep the inode */
	}
	dput(victim);
	__path_put(&pl.dir);
out:
	vfs_namespace_unlock();
	return err;
}

int vfs_rmdir(struct fs_struct *fs, const struct path *base, const char *path)
{
	return do_remove(fs, base, path, true);
}

int vfs_unlink(struct fs_struct *fs, const struct path *base, const char *path)
{
	return do_remove(fs, base, path, false);
}

int vfs_link(struct fs_struct *fs, const struct path *old_base, const char *old_path,
	     const struct path *new_base, const char *new_path, unsigned int flags)
{
	struct parent_lookup pl;
	struct path old;
	struct inode *dir;
	struct dentry *d;
	int err;

	vfs_namespace_lock();
	err = __lookup(fs, old_base, old_path, (flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0,
		       &old);
	if (err)
		goto out;
	err = prepare_create(fs, new_base, new_path, &pl);
	if (err)
		goto put_old;
	dir = pl.dir.dentry->inode;
	if (pl.trailing_slash)
		err = -ENOENT;
	else if (pl.dir.mnt != old.mnt)
		err = -EXDEV;
	else if (S_ISDIR(old.dentry->inode->mode))
		err = -EPERM;
	else if (!dir->iops || !dir->iops->link)
		err = -EPERM;
	else
		err = dir->iops->link(old.dentry->inode, dir, pl.last, pl.last_len);
	if (!err) {
		d = d_alloc(pl.dir.dentry, pl.last, pl.last_len, iget(old.dentry->inode));
		if (d)
			dput(d);
		else
			iput(old.dentry->inode);
	}
	__path_put(&pl.dir);
put_old:
	__path_put(&old);
out:
	vfs_namespace_unlock();
	return err;
}
