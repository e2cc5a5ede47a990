/*
 * ramfs directories: a list of names in creation order, each with a
 * getdents cookie that is never reused, so a reader that lseeks back to a
 * position it was given neither skips nor repeats names when others are
 * removed. The VFS holds the namespace lock around every call here.
 */
#include <mm/heap.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "ramfs.h"

static struct ramfs_dirent *find(struct inode *dir, const char *name, size_t len)
{
	struct list_head *pos;

	list_for_each(pos, &RAMFS_I(dir)->entries) {
		struct ramfs_dirent *de = list_entry(pos, struct ramfs_dirent, node);

		if (de->len == len && memcmp(de->name, name, len) == 0)
			return de;
	}
	return NULL;
}

static struct ramfs_dirent *dirent_alloc(const char *name, size_t len, struct inode *inode)
{
	struct ramfs_dirent *de;

	if (len > NAME_MAX)
		return NULL;
	de = kmalloc(sizeof(*de) + len + 1, GFP_KERNEL);
	if (!de)
		return NULL;
	de->inode = inode;
	de->len = (u32)len;
	memcpy(de->name, name, len);
	de->name[len] = '\0';
	return de;
}

static void touch(struct inode *dir)
{
	dir->mtime = dir->ctime = vfs_now();
}

static void link_dirent(struct inode *dir, struct ramfs_dirent *de)
{
	struct ramfs_inode *rd = RAMFS_I(dir);

	de->cookie = rd->next_cookie++;
	list_add_tail(&de->node, &rd->entries);
	rd->nentries++;
	touch(dir);
}

static void unlink_dirent(struct inode *dir, struct ramfs_dirent *de)
{
	list_del(&de->node);
	RAMFS_I(dir)->nentries--;
	touch(dir);
}

static int lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ramfs_dirent *de = find(dir, name, len);

	if (!de)
		return -ENOENT;
	*out = iget(de->inode);
	return 0;
}

/* Every way of making a name ends here: a new inode under a new entry. */
static int make(struct inode *dir, const char *name, size_t len, u32 mode, kdev_t rdev,
		const char *target, struct inode **out)
{
	struct inode *inode = ramfs_new_inode(dir->sb, mode, rdev);
	struct ramfs_dirent *de;

	if (!inode)
		return -ENOMEM;
	if (target) {
		inode->size = strlen(target);
		RAMFS_I(inode)->target = kmalloc(inode->size + 1, GFP_KERNEL);
		if (RAMFS_I(inode)->target)
			memcpy(RAMFS_I(inode)->target, target, inode->size + 1);
	}
	de = dirent_alloc(name, len, inode);
	if (!de || (target && !RAMFS_I(inode)->target)) {
		kfree(de);
		inode->nlink = 0;
		iput(inode);
		return len > NAME_MAX ? -ENAMETOOLONG : -ENOMEM;
	}
	link_dirent(dir, de);       /* the entry keeps new_inode's reference */
	if (S_ISDIR(mode))
		dir->nlink++;           /* the child's ".." */
	*out = iget(inode);
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
	struct ramfs_dirent *de = dirent_alloc(name, len, inode);

	if (!de)
		return len > NAME_MAX ? -ENAMETOOLONG : -ENOMEM;
	iget(inode);
	inode->nlink++;
	inode->ctime = vfs_now();
	link_dirent(dir, de);
	return 0;
}

/* Drops the entry's reference; open files and dentries keep the inode alive. */
static void remove(struct inode *dir, struct ramfs_dirent *de)
{
	struct inode *inode = de->inode;

	unlink_dirent(dir, de);
	if (S_ISDIR(inode->mode)) {
		inode->nlink = 0;
		dir->nlink--;
	} else {
		inode->nlink--;
	}
	inode->ctime = vfs_now();
	iput(inode);
	kfree(de);
}

static int unlink(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct ramfs_dirent *de = find(dir, name, len);

	if (!de || de->inode != inode)
		return -ENOENT;
	remove(dir, de);
	return 0;
}

static int rmdir(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct ramfs_dirent *de = find(dir, name, len);

	if (!de || de->inode != inode)
		return -ENOENT;
	if (RAMFS_I(inode)->nentries)
		return -ENOTEMPTY;
	remove(dir, de);
	return 0;
}

static int rename(struct inode *old_dir, const char *old_name, size_t old_len,
		  struct inode *new_dir, const char *new_name, size_t new_len,
		  struct inode *inode, struct inode *target)
{
	struct ramfs_dirent *de = find(old_dir, old_name, old_len), *tde = NULL, *nde;

	if (!de || de->inode != inode)
		return -ENOENT;
	if (target) {
		tde = find(new_dir, new_name, new_len);
		if (!tde || tde->inode != target)
			return -ENOENT;
		if (S_ISDIR(target->mode) && RAMFS_I(target)->nentries)
			return -ENOTEMPTY;
	}
	/* Allocate first: failing later would leave half a rename. */
	nde = dirent_alloc(new_name, new_len, inode);
	if (!nde)
		return -ENOMEM;
	if (tde)
		remove(new_dir, tde);
	unlink_dirent(old_dir, de);
	kfree(de);
	link_dirent(new_dir, nde);      /* the reference moves with the name */
	if (S_ISDIR(inode->mode) && old_dir != new_dir) {
		old_dir->nlink--;
		new_dir->nlink++;
	}
	inode->ctime = vfs_now();
	return 0;
}

static unsigned int dtype(u32 mode)
{
	return (mode & S_IFMT) >> 12;   /* DT_* are the S_IFMT values shifted */
}

static int iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct list_head *pos;

	if (!vfs_emit_dots(f, ctx, RAMFS_FIRST_COOKIE))
		return 0;
	list_for_each(pos, &RAMFS_I(dir)->entries) {
		struct ramfs_dirent *de = list_entry(pos, struct ramfs_dirent, node);

		if (de->cookie < ctx->pos)
			continue;
		if (!ctx->emit(ctx, de->name, de->len, de->inode->ino, dtype(de->inode->mode)))
			return 0;
		ctx->pos = de->cookie + 1;
	}
	return 0;
}

const struct inode_ops ramfs_dir_iops = {
	.lookup = lookup,
	.create = create,
	.mkdir = mkdir,
	.mknod = mknod,
	.symlink = symlink,
	.link = link,
	.unlink = unlink,
	.rmdir = rmdir,
	.rename = rename,
	.setattr = ramfs_setattr,
};

const struct file_ops ramfs_dir_fops = {
	.iterate = iterate,
};
