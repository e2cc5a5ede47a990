/*
 * rename(): the one namespace call with two parents. The VFS checks what
 * POSIX requires of every filesystem (types, moving a directory under
 * itself, one filesystem, mount points), then moves the cached dentry.
 */
#include <fs/vfs.h>
#include <tessera/errno.h>
#include "internal.h"

struct rename_ends {
	struct parent_lookup old, new;
	struct dentry *from, *to;            /* to: NULL when the new name is free */
};

/* In Linux's order: trailing slashes, the two ancestry traps, then types. */
static int check_types(struct rename_ends *r)
{
	bool dir = S_ISDIR(r->from->inode->mode);

	if (!dir && (r->old.trailing_slash || r->new.trailing_slash))
		return -ENOTDIR;
	/* A directory cannot move into its own subtree... */
	if (d_is_ancestor(r->from, r->new.dir.dentry))
		return -EINVAL;
	/* ...nor replace one of its own ancestors. */
	if (r->to && d_is_ancestor(r->to, r->old.dir.dentry))
		return -ENOTEMPTY;
	/* Two names of one file: POSIX says do nothing, successfully. */
	if (r->to && r->to->inode == r->from->inode)
		return 1;
	if (r->to && dir && !S_ISDIR(r->to->inode->mode))
		return -ENOTDIR;
	if (r->to && !dir && S_ISDIR(r->to->inode->mode))
		return -EISDIR;
	return 0;
}

static int find_ends(struct rename_ends *r, unsigned int flags)
{
	int err;

	if (r->old.type != LAST_NORM || r->new.type != LAST_NORM)
		return -EBUSY;
	if (r->old.dir.mnt != r->new.dir.mnt)
		return -EXDEV;
	if (path_rdonly(&r->old.dir))
		return -EROFS;
	err = lookup_child(r->old.dir.dentry, r->old.last, r->old.last_len, &r->from);
	if (err)
		return err;
	err = lookup_child(r->new.dir.dentry, r->new.last, r->new.last_len, &r->to);
	if (err == -ENOENT)
		r->to = NULL;
	else if (err)
		return err;
	if (r->from->mounted || (r->to && r->to->mounted))
		return -EBUSY;
	if (r->to && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	return 0;
}

static int do_rename(struct rename_ends *r)
{
	struct inode *old_dir = r->old.dir.dentry->inode;
	int err;

	err = check_types(r);
	if (err)
		return err < 0 ? err : 0;
	if (!old_dir->iops || !old_dir->iops->rename)
		return -EPERM;
	err = old_dir->iops->rename(old_dir, r->old.last, r->old.last_len,
				    r->new.dir.dentry->inode, r->new.last, r->new.last_len,
				    r->from->inode, r->to ? r->to->inode : NULL);
	if (err)
		return err;
	d_drop_aliases(r->from);
	if (r->to) {
		d_drop_aliases(r->to);
		d_drop(r->to);
	}
	/* Out of memory for the new name: forget the entry; a lookup finds it again. */
	if (d_move(r->from, r->new.dir.dentry, r->new.last, r->new.last_len))
		d_drop(r->from);
	return 0;
}

int vfs_rename(struct fs_struct *fs, const struct path *old_base, const char *old_path,
	       const struct path *new_base, const char *new_path, unsigned int flags)
{
	struct rename_ends r = { 0 };
	int err;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	vfs_namespace_lock();
	err = __lookup_parent(fs, old_base, old_path, &r.old);
	if (err)
		goto out;
	err = __lookup_parent(fs, new_base, new_path, &r.new);
	if (err)
		goto put_old;
	err = find_ends(&r, flags);
	if (!err)
		err = do_rename(&r);
	if (r.to)
		dput(r.to);
	if (r.from)
		dput(r.from);
	__path_put(&r.new.dir);
put_old:
	__path_put(&r.old.dir);
out:
	vfs_namespace_unlock();
	return err;
}
