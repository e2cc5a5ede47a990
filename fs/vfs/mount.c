/*
 * The mount table: which superblock's root covers which directory, path
 * references (a path pins its mount and dentry), mount and unmount, and
 * the per-process root and working directory.
 */
#include <fs/devfs.h>
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>
#include "internal.h"

static struct list_head mounts = LIST_HEAD_INIT(mounts);

struct fs_struct init_fs = { .umask = 022 };

void __path_get(const struct path *p)
{
	if (!p->mnt)
		return;
	p->mnt->refs++;
	dget(p->dentry);
}

void __path_put(struct path *p)
{
	if (!p->mnt)
		return;
	dput(p->dentry);
	p->mnt->refs--;
	p->mnt = NULL;
	p->dentry = NULL;
}

void path_get(const struct path *p)
{
	vfs_namespace_lock();
	__path_get(p);
	vfs_namespace_unlock();
}

void path_put(struct path *p)
{
	vfs_namespace_lock();
	__path_put(p);
	vfs_namespace_unlock();
}

bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

bool path_rdonly(const struct path *p)
{
	return (p->mnt->flags & MNT_RDONLY) || (p->dentry->sb->flags & SB_RDONLY);
}

/* The newest mount on d inside parent, so the last one mounted is what shows. */
struct vfsmount *lookup_mnt(struct vfsmount *parent, struct dentry *d)
{
	struct list_head *pos;

	if (!d->mounted)
		return NULL;
	for (pos = mounts.prev; pos != &mounts; pos = pos->prev) {
		struct vfsmount *m = list_entry(pos, struct vfsmount, node);

		if (m->parent == parent && m->mountpoint == d)
			return m;
	}
	return NULL;
}

void follow_mounts(struct path *p)
{
	struct vfsmount *m;

	while ((m = lookup_mnt(p->mnt, p->dentry))) {
		struct path next = { m, m->root };

		__path_get(&next);
		__path_put(p);
		*p = next;
	}
}

void fs_struct_copy(struct fs_struct *dst, const struct fs_struct *src)
{
	vfs_namespace_lock();
	dst->root = src->root;
	dst->cwd = src->cwd;
	dst->umask = src->umask;
	__path_get(&dst->root);
	__path_get(&dst->cwd);
	vfs_namespace_unlock();
}

void fs_struct_release(struct fs_struct *fs)
{
	vfs_namespace_lock();
	__path_put(&fs->root);
	__path_put(&fs->cwd);
	vfs_namespace_unlock();
}

static struct vfsmount *mnt_alloc(struct super_block *sb, const char *source,
				  unsigned int flags)
{
	struct vfsmount *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->sb = sb;
	m->root = dget(sb->root);
	m->refs = 1;                 /* the table's */
	m->flags = flags & MNT_RDONLY;
	strscpy(m->source, source ? source : "none", sizeof(m->source));
	return m;
}

/*
 * FS_REQUIRES_DEV: the block device that source names, through fs's tree,
 * or (for the root, before there is a tree) among devfs's nodes.
 */
static int source_dev(struct fs_struct *fs, const char *source, kdev_t *dev)
{
	struct path p;
	u32 mode = 0;
	int err;

	if (!source || !*source)
		return -ENOENT;
	if (fs && fs->root.mnt) {
		err = __lookup(fs, NULL, source, LOOKUP_FOLLOW, &p);
		if (err)
			return err;
		mode = p.dentry->inode->mode;
		*dev = p.dentry->inode->rdev;
		__path_put(&p);
	} else if (IS_ENABLED(CONFIG_DEVFS)) {
		err = devfs_find_locked(source, &mode, dev);
		if (err)
			return err;
	}
	return S_ISBLK(mode) ? 0 : -EINVAL;     /* Linux says ENOTBLK */
}

static int make_sb(struct fs_struct *fs, const char *type, struct mount_args *args,
		   struct super_block **sb)
{
	struct fs_type *t = find_filesystem(type ? type : "ramfs");
	int err;

	if (!t)
		return -ENODEV;
	if (t->flags & FS_REQUIRES_DEV) {
		err = source_dev(fs, args->source, &args->dev);
		if (err)
			return err;
	}
	err = t->mount(t, args, sb);
	if (err)
		return err;
	if (args->flags & MS_RDONLY)
		(*sb)->flags |= SB_RDONLY;
	return 0;
}

int vfs_mount_root(const char *type, const char *source, unsigned int flags,
		   const void *data)
{
	struct mount_args args = { .source = source, .flags = flags, .data = data };
	struct super_block *sb;
	struct vfsmount *m;
	int err;

	vfs_namespace_lock();
	err = init_fs.root.mnt ? -EBUSY : make_sb(NULL, type, &args, &sb);
	if (err)
		goto out;
	m = mnt_alloc(sb, source, flags);
	if (!m) {
		sb_free(sb);
		err = -ENOMEM;
		goto out;
	}
	list_add_tail(&m->node, &mounts);
	init_fs.root = (struct path){ m, m->root };
	init_fs.cwd = init_fs.root;
	__path_get(&init_fs.root);
	__path_get(&init_fs.cwd);
out:
	vfs_namespace_unlock();
	return err;
}

int vfs_mount(struct fs_struct *fs, const char *source, const char *target,
	      const char *type, unsigned int flags, const void *data)
{
	struct mount_args args = { .source = source, .flags = flags, .data = data };
	struct super_block *sb;
	struct vfsmount *m;
	struct path mp;
	int err;

	if (flags & ~(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC))
		return -EINVAL;     /* no remount or bind mounts yet */
	vfs_namespace_lock();
	err = __lookup(fs, NULL, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &mp);
	if (err)
		goto out;
	err = make_sb(fs, type, &args, &sb);
	if (err)
		goto put;
	m = mnt_alloc(sb, source, flags);
	if (!m) {
		sb_free(sb);
		err = -ENOMEM;
		goto put;
	}
	/* The mount keeps mp's references as its parent and mount point. */
	m->parent = mp.mnt;
	m->mountpoint = mp.dentry;
	mp.dentry->mounted++;
	list_add_tail(&m->node, &mounts);
	goto out;
put:
	__path_put(&mp);
out:
	vfs_namespace_unlock();
	return err;
}

static bool has_children(struct vfsmount *m)
{
	struct list_head *pos;

	list_for_each(pos, &mounts)
		if (list_entry(pos, struct vfsmount, node)->parent == m)
			return true;
	return false;
}

/*
 * Busy: a path into it besides the table's (an open file, a working
 * directory), a mount on top of something inside, or a dentry in use.
 */
static int detach(struct vfsmount *m)
{
	struct path mp = { m->parent, m->mountpoint };

	if (m->refs > 1 || has_children(m))
		return -EBUSY;
	d_prune(m->sb, 0);
	if (m->sb->dentries > 1)
		return -EBUSY;
	if (m->sb->ops && m->sb->ops->sync_fs)
		m->sb->ops->sync_fs(m->sb);
	list_del(&m->node);
	m->mountpoint->mounted--;
	__path_put(&mp);
	dput(m->root);
	sb_free(m->sb);
	kfree(m);
	return 0;
}

int vfs_umount(struct fs_struct *fs, const char *target, unsigned int flags)
{
	struct path p;
	struct vfsmount *m;
	int err;

	if (flags)
		return -EINVAL;     /* MNT_FORCE and MNT_DETACH: not supported */
	vfs_namespace_lock();
	err = __lookup(fs, NULL, target, LOOKUP_FOLLOW, &p);
	if (err)
		goto out;
	m = p.mnt;
	/* The lock keeps m alive once our own references are dropped. */
	if (p.dentry != m->root)
		err = -EINVAL;
	else if (!m->parent)
		err = -EBUSY;       /* the root stays */
	__path_put(&p);
	if (!err)
		err = detach(m);
out:
	vfs_namespace_unlock();
	return err;
}

void for_each_mount(void (*fn)(struct vfsmount *m, const char *path, void *ctx), void *ctx)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	struct list_head *pos;

	if (!buf)
		return;
	vfs_namespace_lock();
	list_for_each(pos, &mounts) {
		struct vfsmount *m = list_entry(pos, struct vfsmount, node);
		struct path p = { m, m->root };

		if (vfs_path_name(&init_fs.root, &p, buf, PATH_MAX) < 0)
			strscpy(buf, "?", PATH_MAX);
		fn(m, buf, ctx);
	}
	vfs_namespace_unlock();
	kfree(buf);
}
