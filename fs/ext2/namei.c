/*
 * ext2 names: lookup, making files, directories, device nodes and symlinks,
 * hard links, unlink, rmdir and rename, each as directory-entry changes
 * (dir.c) plus link counts. The VFS holds the namespace lock around them.
 */
#include <tessera/errno.h>
#include "ext2.h"

#define EXT2_LINK_MAX 32000          /* Linux's ext2 limit on i_links_count */

static int lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	u32 ino;
	int err = ext2_find_ino(dir, name, len, &ino);

	if (err)
		return err;
	/*
	 * The dcache asks only for names it has no entry for, and an in-memory
	 * directory always has its one entry: finding it here means a second
	 * name for a directory (a loop such as a flipped ".." byte).
	 */
	*out = inode_find(dir->sb, ino);
	if (*out && (S_ISDIR((*out)->mode) || !(*out)->nlink)) {
		const char *what = S_ISDIR((*out)->mode) ? "directory with two names"
							 : "name of a deleted inode";

		iput(*out);
		return ext2_corrupt(dir->sb, what, dir->ino, ino);
	}
	return *out ? 0 : ext2_iget(dir->sb, ino, out);
}

/* Every way of making a name ends here: a new inode under a new entry. */
static int make(struct inode *dir, const char *name, size_t len, u32 mode, kdev_t rdev,
		const char *target, struct inode **out)
{
	struct inode *inode;
	int err;

	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (S_ISDIR(mode) && dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	inode = ext2_new_inode(dir, mode, &err);
	if (!inode)
		return err;
	inode->rdev = rdev;
	if (S_ISDIR(mode)) {
		inode->nlink = 2;
		err = ext2_make_empty_dir(inode, dir);
	} else if (target) {
		err = ext2_write_symlink(inode, target);
	} else {
		err = ext2_write_inode(inode);
	}
	if (!err)
		err = ext2_add_entry(dir, name, len, inode);
	if (err) {
		inode->nlink = 0;       /* eviction frees it again */
		iput(inode);
		return err;
	}
	if (S_ISDIR(mode)) {
		dir->nlink++;           /* the child's ".." */
		ext2_write_inode(dir);
	}
	*out = inode;
	return 0;
}

static int create(struct inode *dir, const char *name, size_t len, u32 mode,
		  struct inode **out)
{
	return make(dir, name, len, mode, 0, NULL, out);
}

static int mkdir(struct inode *dir, const char *name, size_t len, u32 mode,
		 struct inode **out)
{
	return make(dir, name, len, mode, 0, NULL, out);
}

static int mknod(struct inode *dir, const char *name, size_t len, u32 mode, kdev_t rdev,
		 struct inode **out)
{
	return make(dir, name, len, mode, rdev, NULL, out);
}

static int symlink(struct inode *dir, const char *name, size_t len, const char *target,
		   struct inode **out)
{
	return make(dir, name, len, S_IFLNK | 0777, 0, target, out);
}

static int link(struct inode *inode, struct inode *dir, const char *name, size_t len)
{
	int err;

	if (inode->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_add_entry(dir, name, len, inode);
	if (err)
		return err;
	inode->nlink++;
	inode->ctime = vfs_now();
	return ext2_write_inode(inode);
}

static int unlink(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	int err;

	/* More names than links: a link count too low on disk. */
	if (!inode->nlink)
		return ext2_corrupt(dir->sb, "link count", inode->ino, 0);
	err = ext2_remove_entry(dir, name, len, inode);

	if (err)
		return err;
	inode->nlink--;
	inode->ctime = vfs_now();
	return ext2_write_inode(inode);   /* the last iput frees it when nlink is 0 */
}

static int rmdir(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	int err = ext2_dir_is_empty(inode);

	if (err <= 0)
		return err ? err : -ENOTEMPTY;
	err = ext2_remove_entry(dir, name, len, inode);
	if (err)
		return err;
	inode->nlink = 0;
	dir->nlink--;
	ext2_write_inode(dir);
	return ext2_write_inode(inode);
}

static void drop_target(struct inode *new_dir, struct inode *target)
{
	if (S_ISDIR(target->mode)) {
		target->nlink = 0;
		new_dir->nlink--;
	} else if (target->nlink) {
		target->nlink--;
	}
	target->ctime = vfs_now();
	ext2_write_inode(target);
}

static int rename(struct inode *old_dir, const char *old_name, size_t old_len,
		  struct inode *new_dir, const char *new_name, size_t new_len,
		  struct inode *inode, struct inode *target)
{
	int err;

	if (target && S_ISDIR(target->mode)) {
		err = ext2_dir_is_empty(target);
		if (err <= 0)
			return err ? err : -ENOTEMPTY;
	}
	err = target ? ext2_retarget_entry(new_dir, new_name, new_len, (u32)target->ino, inode)
		     : ext2_add_entry(new_dir, new_name, new_len, inode);
	if (err)
		return err;
	if (target)
		drop_target(new_dir, target);
	err = ext2_remove_entry(old_dir, old_name, old_len, inode);
	if (err)
		return err;
	if (S_ISDIR(inode->mode) && old_dir != new_dir) {
		err = ext2_retarget_entry(inode, "..", 2, (u32)old_dir->ino, new_dir);
		if (err)
			return err;
		old_dir->nlink--;
		new_dir->nlink++;
		ext2_write_inode(old_dir);
		ext2_write_inode(new_dir);
	}
	inode->ctime = vfs_now();
	return ext2_write_inode(inode);
}

const struct inode_ops ext2_dir_iops = {
	.lookup = lookup,
	.create = create,
	.mkdir = mkdir,
	.mknod = mknod,
	.symlink = symlink,
	.link = link,
	.unlink = unlink,
	.rmdir = rmdir,
	.rename = rename,
	.setattr = ext2_setattr,
};

