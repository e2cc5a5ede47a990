/* ramfs's own structures, shared by its inode, directory and file code. */
#ifndef FS_RAMFS_INTERNAL_H
#define FS_RAMFS_INTERNAL_H

#include <fs/ramfs.h>

/* One name in a directory; holds a reference on its inode. */
struct ramfs_dirent {
	struct list_head node;       /* in the directory, ascending cookie */
	struct inode *inode;
	u64 cookie;                  /* getdents position, never reused */
	u32 len;
	char name[];
};

struct ramfs_inode {
	struct inode vfs;
	/* Directories. */
	struct list_head entries;
	u64 next_cookie;
	u32 nentries;
	/* Regular files: page pointers, NULL for holes. */
	void **pages;
	u64 npages;                  /* slots in pages */
	/* Symlinks. */
	char *target;
};

struct ramfs_sb {
	u64 next_ino;
	u64 pages_used;
	/* Entries of evicted directories whose inodes still need a put (see reap). */
	struct list_head reap;
	bool reaping;
};

/* Positions 0 and 1 are "." and ".."; entries count from here. */
#define RAMFS_FIRST_COOKIE 2

static inline struct ramfs_inode *RAMFS_I(struct inode *inode)
{
	return container_of(inode, struct ramfs_inode, vfs);
}

static inline struct ramfs_sb *RAMFS_SB(struct super_block *sb)
{
	return sb->priv;
}

extern const struct inode_ops ramfs_dir_iops;
extern const struct file_ops ramfs_dir_fops;
extern const struct inode_ops ramfs_file_iops;
extern const struct file_ops ramfs_file_fops;

/* inode.c */
struct inode *ramfs_new_inode(struct super_block *sb, u32 mode, kdev_t rdev);
int ramfs_setattr(struct inode *inode, const struct iattr *ia);
/* file.c */
int ramfs_truncate(struct inode *inode, u64 size);
void ramfs_free_pages(struct inode *inode);

#endif
