/*
 * FAT directory operations: lookup (case-insensitive, long or 8.3 name),
 * create, mkdir, unlink, rmdir and rename, which rewrites a moved
 * directory's "..". No hard links, symlinks or device nodes (-EPERM).
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "fat.h"

static int lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct fat_dirent *de = kmalloc(sizeof(*de), GFP_KERNEL);
	int err;

	if (!de)
		return -ENOMEM;
	err = fat_dir_find(dir, name, len, de);
	if (!err)
		*out = fat_iget(dir->sb, de, &err);
	kfree(de);
	return err;
}

/* A fresh short entry: name, attributes, first cluster, times of now. */
static void entry_init(struct super_block *sb, u8 *raw, const u8 *name, u8 attr, u32 cl)
{
	u16 date, time;

	memset(raw, 0, FAT_DIRENT_SIZE);
	memcpy(raw, name, FAT_NAME_LEN);
	if (raw[0] == FAT_DE_FREE)
		raw[0] = FAT_DE_KANJI_E5;
	raw[DE_ATTR] = attr;
	fat_time_from_unix(vfs_now(), &date, &time);
	put_le16(raw + DE_CTIME, time);
	put_le16(raw + DE_CDATE, date);
	put_le16(raw + DE_ADATE, date);
	put_le16(raw + DE_MTIME, time);
	put_le16(raw + DE_MDATE, date);
	fat_de_set_cluster(FAT_SB(sb), raw, cl);
}

/* The name's entries from raw (its short name is chosen here). */
static int add_named(struct inode *dir, const char *name, size_t len, u8 *raw,
		     struct fat_dirent *de)
{
	u16 *units = kmalloc(FAT_LFN_MAX * sizeof(u16), GFP_KERNEL);
	u32 n = 0;
	int err;

	if (!units)
		return -ENOMEM;
	err = len > FAT_LFN_MAX ? -ENAMETOOLONG : fat_utf8_to_lfn(name, len, units, &n);
	if (!err && fat_short_exact(name, len, raw, &raw[DE_NTRES]))
		n = 0;          /* an 8.3 name in one case per part needs no long name */
	else if (!err)
		err = fat_dir_alias(dir, name, len, raw);
	if (!err)
		err = fat_dir_add(dir, units, n, raw, de);
	kfree(units);
	return err;
}

static void touch(struct inode *dir)
{
	dir->mtime = dir->ctime = vfs_now();
}

static int make(struct inode *dir, const char *name, size_t len, u8 attr, u32 cl,
		struct inode **out)
{
	struct fat_dirent *de = kmalloc(sizeof(*de), GFP_KERNEL);
	u8 raw[FAT_DIRENT_SIZE];
	int err;

	if (!de)
		return -ENOMEM;
	entry_init(dir->sb, raw, (const u8 *)"           ", attr, cl);
	err = add_named(dir, name, len, raw, de);
	if (!err)
		*out = fat_iget(dir->sb, de, &err);
	if (!err)
		touch(dir);
	kfree(de);
	return err;
}

static int create(struct inode *dir, const char *name, size_t len, u32 mode,
		  struct inode **out)
{
	if (!S_ISREG(mode))
		return -EPERM;
	return make(dir, name, len, FAT_ATTR_ARCHIVE, 0, out);
}

/* A new directory cluster with "." and "..". */
static int new_dir_cluster(struct inode *dir, u32 *out)
{
	struct super_block *sb = dir->sb;
	struct fat_sb *fs = FAT_SB(sb);
	u32 parent = dir->ino == FAT_ROOT_INO ? 0 : FAT_I(dir)->start;
	u8 raw[FAT_DIRENT_SIZE];
	u32 cl;
	int err = fat_alloc(sb, 0, &cl);

	if (err)
		return err;
	err = fat_zero_cluster(sb, cl);
	entry_init(sb, raw, (const u8 *)".          ", FAT_ATTR_DIR, cl);
	if (!err)
		err = fat_slot_io(sb, fat_cluster_sector(fs, cl), 0, raw, true);
	entry_init(sb, raw, (const u8 *)"..         ", FAT_ATTR_DIR, parent);
	if (!err)
		err = fat_slot_io(sb, fat_cluster_sector(fs, cl), FAT_DIRENT_SIZE, raw, true);
	if (err) {
		fat_free_chain(sb, cl);
		return err;
	}
	*out = cl;
	return 0;
}

static int mkdir(struct inode *dir, const char *name, size_t len, u32 mode,
		 struct inode **out)
{
	u32 cl;
	int err = new_dir_cluster(dir, &cl);

	(void)mode;
	if (err)
		return err;
	err = make(dir, name, len, FAT_ATTR_DIR, cl, out);
	if (err) {
		fat_free_chain(dir->sb, cl);
		return err;
	}
	dir->nlink++;
	return 0;
}

/* inode's own entry, where lookup or create found it: no directory scan. */
static int entry_of(struct inode *inode, struct fat_dirent *de)
{
	struct fat_inode *fi = FAT_I(inode);

	if (!fi->de_sector)
		return -ENOENT;
	de->sector = fi->de_sector;
	de->off = fi->de_off;
	de->first_slot = fi->de_first;
	de->slot = fi->de_slot;
	return fat_slot_io(inode->sb, de->sector, de->off, de->raw, false);
}

/*
 * Deletes inode's slots and forgets where they were, under the inode lock so
 * a write's fat_write_inode cannot put the entry back. A file's clusters go
 * when its last user does; a directory's now (nothing can be made in it).
 */
static int remove(struct inode *dir, struct inode *inode, const struct fat_dirent *de)
{
	int err;

	mutex_lock(&inode->lock);
	err = fat_dir_remove(dir, de->first_slot, de->slot);
	if (!err) {
		FAT_I(inode)->de_sector = 0;
		FAT_I(inode)->de_off = 0;
		inode->nlink = 0;
		inode->ctime = vfs_now();
	}
	mutex_unlock(&inode->lock);
	if (err)
		return err;
	touch(dir);
	if (!S_ISDIR(inode->mode))
		return 0;
	dir->nlink--;
	err = fat_free_chain(dir->sb, FAT_I(inode)->start);
	FAT_I(inode)->start = 0;
	FAT_I(inode)->cache_cl = 0;
	inode->size = 0;
	return err;
}

static int with_entry(struct inode *dir, const char *name, size_t len, struct inode *inode,
		      bool need_empty)
{
	struct fat_dirent *de = kmalloc(sizeof(*de), GFP_KERNEL);
	int err;

	if (!de)
		return -ENOMEM;
	err = entry_of(inode, de);
	if (!err && need_empty)
		err = fat_dir_is_empty(inode);
	if (!err)
		err = remove(dir, inode, de);
	kfree(de);
	return err;
}

static int unlink(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	return with_entry(dir, name, len, inode, false);
}

static int rmdir(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	return with_entry(dir, name, len, inode, true);
}

/* A directory moved to new_dir: its ".." names new_dir's cluster (0 for the root). */
static int fix_dotdot(struct inode *inode, struct inode *new_dir)
{
	u8 raw[FAT_DIRENT_SIZE];
	u64 sector;
	u32 off;
	int err = fat_dir_dotdot(inode, raw, &sector, &off);

	if (err)
		return err;
	fat_de_set_cluster(FAT_SB(inode->sb), raw,
			   new_dir->ino == FAT_ROOT_INO ? 0 : FAT_I(new_dir)->start);
	return fat_slot_io(inode->sb, sector, off, raw, true);
}

/* The old slots go and the inode follows its new entry, as one step for writers. */
static int move_entry(struct inode *old_dir, struct inode *inode, const struct fat_dirent *old,
		      const struct fat_dirent *new)
{
	struct fat_inode *fi = FAT_I(inode);
	int err;

	mutex_lock(&inode->lock);
	err = fat_dir_remove(old_dir, old->first_slot, old->slot);
	if (!err) {
		fi->de_sector = new->sector;
		fi->de_off = new->off;
		fi->de_first = new->first_slot;
		fi->de_slot = new->slot;
		inode->ctime = vfs_now();
		err = fat_write_inode(inode);
	}
	mutex_unlock(&inode->lock);
	return err;
}

struct rename_ctx {
	struct fat_dirent old, target, new;
	u8 raw[FAT_DIRENT_SIZE];
};

static int rename(struct inode *old_dir, const char *old_name, size_t old_len,
		  struct inode *new_dir, const char *new_name, size_t new_len,
		  struct inode *inode, struct inode *target)
{
	struct rename_ctx *c = kmalloc(sizeof(*c), GFP_KERNEL);
	int err;

	if (!c)
		return -ENOMEM;
	err = entry_of(inode, &c->old);
	if (!err && target)
		err = entry_of(target, &c->target);
	if (!err && target && S_ISDIR(target->mode))
		err = fat_dir_is_empty(target);
	/* The new name first: a failure leaves the old one whole. */
	memcpy(c->raw, c->old.raw, FAT_DIRENT_SIZE);
	c->raw[DE_NTRES] = 0;           /* the old name's case bits */
	if (!err)
		err = add_named(new_dir, new_name, new_len, c->raw, &c->new);
	if (!err && target)
		err = remove(new_dir, target, &c->target);
	if (!err && S_ISDIR(inode->mode) && old_dir != new_dir) {
		err = fix_dotdot(inode, new_dir);
		old_dir->nlink--;
		new_dir->nlink++;
	}
	if (!err)
		err = move_entry(old_dir, inode, &c->old, &c->new);
	if (!err) {
		touch(old_dir);
		touch(new_dir);
	}
	kfree(c);
	return err;
}

const struct inode_ops fat_dir_iops = {
	.lookup = lookup,
	.create = create,
	.mkdir = mkdir,
	.unlink = unlink,
	.rmdir = rmdir,
	.rename = rename,
	.setattr = fat_setattr,
};
