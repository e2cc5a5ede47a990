/*
 * What the files of fs/vfs/ share and nothing outside should call: the
 * dentry cache, mount lookups and the path walk, all with the namespace
 * lock held (the __ prefix marks the variants that expect it held).
 */
#ifndef FS_VFS_INTERNAL_H
#define FS_VFS_INTERNAL_H

#include <fs/vfs.h>

#define MAX_NESTED_LINKS  8      /* symlinks inside symlinks, as Linux */
#define MAX_TOTAL_LINKS   40     /* symlinks followed in one walk */

/* --- dcache.c --- */
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len,
		       struct inode *inode);
struct dentry *d_alloc_root(struct inode *inode);
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
/* Unhashes d: no lookup finds it again; it is freed with its last reference. */
void d_drop(struct dentry *d);
/* Unhashes every other cached name of keep's inode (after rmdir, unlink, rename). */
void d_drop_aliases(struct dentry *keep);
int d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len);
/* Frees unused dentries of sb (NULL: any) until at most keep unused remain. */
void d_prune(struct super_block *sb, long keep);
/* Whether ancestor (or its inode, under any name) is d or above it in d's filesystem. */
bool d_is_ancestor(struct dentry *ancestor, struct dentry *d);
bool d_is_ancestor_inode(struct inode *ancestor, struct dentry *d);

/* --- mount.c --- */
struct vfsmount *lookup_mnt(struct vfsmount *parent, struct dentry *d);
void __path_get(const struct path *p);
void __path_put(struct path *p);
/* While p is a mount point, steps onto the root of what is mounted there. */
void follow_mounts(struct path *p);
bool path_equal(const struct path *a, const struct path *b);
bool path_rdonly(const struct path *p);

/* --- namei.c --- */
enum last_type { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };

/* The parent of a path's last component, for calls that create or remove it. */
struct parent_lookup {
	struct path dir;                 /* with references */
	const char *last;                /* points into the caller's path string */
	size_t last_len;
	enum last_type type;
	bool trailing_slash;
};

int __lookup(struct fs_struct *fs, const struct path *base, const char *path,
	     unsigned int flags, struct path *out);
int __lookup_parent(struct fs_struct *fs, const struct path *base, const char *path,
		    struct parent_lookup *pl);
/* The cached or looked-up child of dir, with a reference; -ENOENT. */
int lookup_child(struct dentry *dir, const char *name, size_t len, struct dentry **out);
/* lookup_child() with mounts crossed: the path the name leads to. */
int lookup_last(struct parent_lookup *pl, struct path *out);

/* --- file.c --- */
struct file *file_alloc(struct path *path, struct inode *inode, unsigned int flags);

/* --- inode.c --- */
int inode_setattr(struct inode *inode, struct iattr *ia);
void inode_fill_stat(struct inode *inode, struct stat *st);
struct super_block *anon_sb(void);

#endif
