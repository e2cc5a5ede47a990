/*
 * Whole-filesystem and metadata calls: mount, umount2, statfs, fstatfs,
 * sync, syncfs, fsync, fdatasync, truncate, ftruncate and utimensat, with
 * Linux's numbers, flags and errno values.
 */
#include <block/bcache.h>
#include <block/blkdev.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "internal.h"

#define FSTYPE_MAX      64
#define MOUNT_DATA_MAX  4096
#define MS_MGC_MSK      0xffff0000UL    /* old magic in the top bits: ignored, as Linux */
#define MS_NOATIME      0x400
#define MS_NODIRATIME   0x800
#define MS_SILENT       0x8000
#define MS_RELATIME     0x200000
#define MS_STRICTATIME  0x1000000
/* Flags Linux programs pass that change nothing here (no atime updates to tune). */
#define MS_IGNORED      (MS_SILENT | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
#define UMOUNT_NOFOLLOW 0x8

#define UTIME_NOW       ((1L << 30) - 1)
#define UTIME_OMIT      ((1L << 30) - 2)
#define NSEC_PER_SEC    1000000000L

struct timespec_user {
	s64 tv_sec;
	s64 tv_nsec;
};

/* An optional user string (NULL stays NULL) of at most max bytes. */
static char *get_string(u64 ustr, size_t max, long *err)
{
	char *buf;
	long n;

	*err = 0;
	if (!ustr)
		return NULL;
	buf = kmalloc(max, GFP_KERNEL);
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	n = strncpy_from_user(buf, (const char *)ustr, max);
	if (n < 0 || (size_t)n == max) {
		*err = n < 0 ? n : -EINVAL;
		kfree(buf);
		return NULL;
	}
	return buf;
}

/* A file system's dirty state to its disk: its own metadata, then the buffers. */
static int sync_sb(struct super_block *sb)
{
	int err = 0;

	if (sb->ops && sb->ops->sync_fs)
		err = sb->ops->sync_fs(sb);
	if (IS_ENABLED(CONFIG_BLK_CACHE) && blkdev_by_dev(sb->dev)) {
		int e = bsync(blkdev_by_dev(sb->dev));

		err = err ? err : e;
	}
	return err;
}

static void sync_one(struct vfsmount *m, const char *path, void *ctx)
{
	sync_sb(m->sb);
}

long ksys_sync(void)
{
	for_each_mount(sync_one, NULL);
	if (IS_ENABLED(CONFIG_BLK_CACHE))
		return bsync(NULL);
	for (struct blkdev *bd = IS_ENABLED(CONFIG_BLOCK) ? blkdev_first() : NULL; bd;
	     bd = bd->next)
		if (!bd->partno)
			blk_flush(bd);
	return 0;
}

/* MS_REMOUNT: only the read-only bit of a mount that is already there changes. */
static long remount(const char *target, unsigned long flags)
{
	struct path p;
	long err = vfs_lookup(sc_fs(), NULL, target, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	if (p.dentry != p.mnt->root) {
		path_put(&p);
		return -EINVAL;
	}
	if (flags & MS_RDONLY)
		sync_sb(p.mnt->sb);
	vfs_namespace_lock();
	p.mnt->flags = (p.mnt->flags & ~MNT_RDONLY) | (flags & MS_RDONLY);
	p.mnt->sb->flags = (p.mnt->sb->flags & ~SB_RDONLY) | (flags & MS_RDONLY);
	vfs_namespace_unlock();
	path_put(&p);
	return 0;
}

SYSCALL(mount)
{
	unsigned long flags = SC_ARG3(regs) & ~(MS_MGC_MSK | MS_IGNORED);
	char *source = NULL, *target = NULL, *type = NULL, *data = NULL;
	long err;

	target = sc_get_path(SC_ARG1(regs), &err);
	if (target)
		source = get_string(SC_ARG0(regs), PATH_MAX, &err);
	if (!err)
		type = get_string(SC_ARG2(regs), FSTYPE_MAX, &err);
	if (!err)
		data = get_string(SC_ARG4(regs), MOUNT_DATA_MAX, &err);
	if (err)
		goto out;
	if (flags & MS_REMOUNT)
		err = remount(target, flags);
	else if (!type)
		err = -EINVAL;
	else
		err = vfs_mount(sc_fs(), source, target, type, (unsigned int)flags, data);
out:
	kfree(source);
	kfree(target);
	kfree(type);
	kfree(data);
	return err;
}

SYSCALL(umount2)
{
	unsigned int flags = SC_ARG1(regs);
	long err;
	char *target;

	if (flags & ~(MNT_FORCE | MNT_DETACH | UMOUNT_NOFOLLOW) || (flags & MNT_DETACH))
		return -EINVAL;     /* lazy unmounts are not supported */
	target = sc_get_path(SC_ARG0(regs), &err);
	if (!target)
		return err;
	err = vfs_umount(sc_fs(), target, 0);
	/* vfs_umount ran sync_fs; the superblock is gone, so push every buffer. */
	if (!err && IS_ENABLED(CONFIG_BLK_CACHE))
		bsync(NULL);
	kfree(target);
	return err;
}

SYSCALL(statfs)
{
	struct statfs st;
	long err;
	char *path = sc_get_path(SC_ARG0(regs), &err);

	if (!path)
		return err;
	err = vfs_statfs(sc_fs(), NULL, path, &st);
	kfree(path);
	return err ? err : copy_to_user((void *)SC_ARG1(regs), &st, sizeof(st));
}

SYSCALL(fstatfs)
{
	struct file *f = sc_fd_get((int)SC_ARG0(regs));
	struct statfs st;
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fstatfs(f, &st);
	file_put(f);
	return err ? err : copy_to_user((void *)SC_ARG1(regs), &st, sizeof(st));
}

SYSCALL(sync)
{
	ksys_sync();
	return 0;
}

SYSCALL(syncfs)
{
	struct file *f = sc_fd_get((int)SC_ARG0(regs));
	long err;

	if (!f)
		return -EBADF;
	err = sync_sb(f->inode->sb);
	file_put(f);
	return err;
}

/*
 * A filesystem without its own fsync (or one that keeps its metadata in the
 * buffer cache) is made durable by syncing its whole superblock: slower
 * than needed, never less safe.
 */
static long do_fsync(int fd)
{
	struct file *f = sc_fd_get(fd);
	long err;

	if (!f)
		return -EBADF;
	if (f->ops && f->ops->fsync)
		err = vfs_fsync(f);
	else if (f->path.mnt && (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode)))
		err = sync_sb(f->inode->sb);
	else
		err = -EINVAL;      /* pipes and the like, as Linux */
	file_put(f);
	return err;
}

SYSCALL(fsync)     { return do_fsync((int)SC_ARG0(regs)); }
SYSCALL(fdatasync) { return do_fsync((int)SC_ARG0(regs)); }

SYSCALL(truncate)
{
	s64 len = (s64)SC_ARG1(regs);
	long err;
	char *path;

	if (len < 0)
		return -EINVAL;
	path = sc_get_path(SC_ARG0(regs), &err);
	if (!path)
		return err;
	err = vfs_truncate(sc_fs(), NULL, path, (u64)len);
	kfree(path);
	return err;
}

SYSCALL(ftruncate)
{
	s64 len = (s64)SC_ARG1(regs);
	struct file *f;
	long err;

	if (len < 0)
		return -EINVAL;
	f = sc_fd_get((int)SC_ARG0(regs));
	if (!f)
		return -EBADF;
	err = vfs_ftruncate(f, (u64)len);
	file_put(f);
	return err;
}

/* One of utimensat's two times into ia: now, left alone, or as given. */
static long utime_field(const struct timespec_user *ts, unsigned int bit,
			struct vfs_time *out, struct iattr *ia)
{
	if (ts && ts->tv_nsec == UTIME_OMIT)
		return 0;
	if (!ts || ts->tv_nsec == UTIME_NOW)
		*out = vfs_now();
	else if (ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	else
		*out = (struct vfs_time){ ts->tv_sec, (u32)ts->tv_nsec };
	ia->valid |= bit;
	return 0;
}

static long utimens_apply(int dirfd, u64 upath, unsigned int flags, struct iattr *ia)
{
	const struct path *base;
	struct file *dir;
	long err = sc_at_base(dirfd, &dir, &base);
	char *path = NULL;

	if (!err && !upath)         /* futimens: the file dirfd itself */
		err = dir ? vfs_fsetattr(dir, ia) : -EFAULT;
	else if (!err)
		path = sc_get_path(upath, &err);
	if (path && !path[0] && (flags & AT_EMPTY_PATH) && dir)
		err = vfs_fsetattr(dir, ia);
	else if (path)
		err = vfs_setattr(sc_fs(), base, path, flags & AT_SYMLINK_NOFOLLOW, ia);
	if (dir)
		file_put(dir);
	kfree(path);
	return err;
}

SYSCALL(utimensat)
{
	unsigned int flags = SC_ARG3(regs);
	struct timespec_user ts[2], *t = NULL;
	struct iattr ia = { 0 };
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (SC_ARG2(regs)) {
		if (copy_from_user(ts, (void *)SC_ARG2(regs), sizeof(ts)))
			return -EFAULT;
		t = ts;
	}
	err = utime_field(t ? &t[0] : NULL, ATTR_ATIME, &ia.atime, &ia);
	if (!err)
		err = utime_field(t ? &t[1] : NULL, ATTR_MTIME, &ia.mtime, &ia);
	if (err || !ia.valid)
		return err;
	return utimens_apply((int)SC_ARG0(regs), SC_ARG1(regs), flags, &ia);
}
