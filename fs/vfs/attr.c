/*
 * Calls that read or change what a name points at without changing the
 * namespace: stat, statfs, readlink, attributes, access, and the working
 * directory (chdir, chroot, getcwd).
 */
#include <fs/vfs.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "internal.h"

/* Resolves path, runs fn on the result with the lock held, drops it. */
static int with_path(struct fs_struct *fs, const struct path *base, const char *path,
		     unsigned int flags, int (*fn)(struct path *p, void *arg), void *arg)
{
	struct path p;
	int err;

	vfs_namespace_lock();
	err = __lookup(fs, base, path, flags, &p);
	if (!err) {
		err = fn(&p, arg);
		__path_put(&p);
	}
	vfs_namespace_unlock();
	return err;
}

static int stat_fn(struct path *p, void *arg)
{
	inode_fill_stat(p->dentry->inode, arg);
	return 0;
}

int vfs_stat(struct fs_struct *fs, const struct path *base, const char *path,
	     unsigned int flags, struct stat *st)
{
	return with_path(fs, base, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
			 stat_fn, st);
}

static int statfs_fn(struct path *p, void *arg)
{
	struct super_block *sb = p->dentry->sb;
	struct statfs *st = arg;

	memset(st, 0, sizeof(*st));
	st->f_type = (long)sb->magic;
	st->f_bsize = sb->block_size;
	st->f_frsize = sb->block_size;
	st->f_namelen = NAME_MAX;
	st->f_fsid[0] = (int)sb->dev;
	st->f_flags = (sb->flags & SB_RDONLY) | (p->mnt->flags & MNT_RDONLY);
	return sb->ops && sb->ops->statfs ? sb->ops->statfs(sb, st) : 0;
}

int vfs_statfs(struct fs_struct *fs, const struct path *base, const char *path,
	       struct statfs *st)
{
	return with_path(fs, base, path, LOOKUP_FOLLOW, statfs_fn, st);
}

int vfs_fstatfs(struct file *f, struct statfs *st)
{
	int err;

	if (!f->path.mnt)
		return -EINVAL;
	vfs_namespace_lock();
	err = statfs_fn(&f->path, st);
	vfs_namespace_unlock();
	return err;
}

struct readlink_args {
	char *buf;
	size_t size;
	long len;
};

static int readlink_fn(struct path *p, void *arg)
{
	struct readlink_args *a = arg;
	struct inode *inode = p->dentry->inode;

	if (!S_ISLNK(inode->mode) || !inode->iops || !inode->iops->readlink)
		return -EINVAL;
	a->len = inode->iops->readlink(inode, a->buf, a->size);
	return a->len < 0 ? (int)a->len : 0;
}

long vfs_readlink(struct fs_struct *fs, const struct path *base, const char *path,
		  char *buf, size_t size)
{
	struct readlink_args a = { buf, size, 0 };
	int err;

	if (size == 0)
		return -EINVAL;
	err = with_path(fs, base, path, 0, readlink_fn, &a);
	return err ? err : a.len;
}

void setattr_copy(struct inode *inode, const struct iattr *ia)
{
	if (ia->valid & ATTR_MODE)
		inode->mode = ia->mode;
	if (ia->valid & ATTR_UID)
		inode->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		inode->gid = ia->gid;
	if (ia->valid & ATTR_ATIME)
		inode->atime = ia->atime;
	if (ia->valid & ATTR_MTIME)
		inode->mtime = ia->mtime;
	inode->ctime = vfs_now();
}

static int setattr_fn(struct path *p, void *arg)
{
	if (path_rdonly(p))
		return -EROFS;
	return inode_setattr(p->dentry->inode, arg);
}

int vfs_setattr(struct fs_struct *fs, const struct path *base, const char *path,
		unsigned int flags, struct iattr *ia)
{
	return with_path(fs, base, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
			 setattr_fn, ia);
}

int vfs_truncate(struct fs_struct *fs, const struct path *base, const char *path, u64 size)
{
	struct iattr ia = { .valid = ATTR_SIZE, .size = size };

	return vfs_setattr(fs, base, path, 0, &ia);
}

int vfs_chmod(struct fs_struct *fs, const struct path *base, const char *path, u32 mode)
{
	struct iattr ia = { .valid = ATTR_MODE, .mode = mode };

	return vfs_setattr(fs, base, path, 0, &ia);
}

static int access_fn(struct path *p, void *arg)
{
	int mode = *(int *)arg;
	struct inode *inode = p->dentry->inode;

	if ((mode & W_OK) && path_rdonly(p) && (S_ISREG(inode->mode) || S_ISDIR(inode->mode)))
		return -EROFS;
	/* Everything runs as root: only execute needs a bit, on non-directories. */
	if ((mode & X_OK) && !S_ISDIR(inode->mode) && !(inode->mode & 0111))
		return -EACCES;
	return 0;
}

int vfs_access(struct fs_struct *fs, const struct path *base, const char *path, int mode)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	return with_path(fs, base, path, LOOKUP_FOLLOW, access_fn, &mode);
}

static int swap_fn(struct path *p, void *arg)
{
	struct path *slot = arg;

	__path_get(p);
	__path_put(slot);
	*slot = *p;
	return 0;
}

int vfs_chdir(struct fs_struct *fs, const struct path *base, const char *path)
{
	return with_path(fs, base, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, swap_fn, &fs->cwd);
}

int vfs_chroot(struct fs_struct *fs, const struct path *base, const char *path)
{
	return with_path(fs, base, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, swap_fn, &fs->root);
}

/* Prepends "/name" to the text that ends at buf + *at. */
static int prepend(char *buf, size_t *at, const char *name, size_t len)
{
	if (len + 1 > *at)
		return -ERANGE;
	*at -= len;
	memcpy(buf + *at, name, len);
	buf[--*at] = '/';
	return 0;
}

/* Builds the name right to left, climbing dentries and crossing mounts. */
long vfs_path_name(const struct path *root, const struct path *p, char *buf, size_t size)
{
	struct vfsmount *m = p->mnt;
	struct dentry *d = p->dentry;
	size_t at = size;
	int err = 0;

	if (size < 2)
		return -ERANGE;
	buf[--at] = '\0';
	while (!err && !(m == root->mnt && d == root->dentry)) {
		if (d == m->root) {
			if (!m->parent)
				break;      /* outside the process's root: show from the top */
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		err = prepend(buf, &at, d->name, d->len);
		d = d->parent;
	}
	if (err)
		return err;
	if (at == size - 1)
		buf[--at] = '/';
	memmove(buf, buf + at, size - at);
	return (long)(size - at);
}

/* Like Linux's getcwd(): -ENOENT once the directory has been removed. */
long vfs_getcwd(struct fs_struct *fs, char *buf, size_t size)
{
	struct dentry *d;
	long n = -ENOENT;

	vfs_namespace_lock();
	d = fs->cwd.dentry;
	if (d && (d->parent == d || !list_empty(&d->hash_node)))
		n = vfs_path_name(&fs->root, &fs->cwd, buf, size);
	vfs_namespace_unlock();
	return n;
}
