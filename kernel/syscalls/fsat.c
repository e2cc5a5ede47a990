/*
 * The directory-relative path calls (mkdirat, unlinkat, renameat2, linkat,
 * symlinkat, readlinkat, fchmodat, faccessat), chmod, fchmod, fchdir, and
 * the user-path helpers every file system call shares (fs.c, fsmount.c).
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "internal.h"

#define RENAME_EXCHANGE  2      /* swapping two names: not supported */

struct fs_struct *sc_fs(void)
{
	return &current_process()->fs;
}

struct file *sc_fd_get(int fd)
{
	return fd_get(&current_process()->files, fd);
}

char *sc_get_path(u64 upath, long *err)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	long n;

	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	n = strncpy_from_user(buf, (const char *)upath, PATH_MAX);
	*err = n < 0 ? n : n == PATH_MAX ? -ENAMETOOLONG : 0;
	if (*err) {
		kfree(buf);
		return NULL;
	}
	return buf;
}

long sc_at_base(int dirfd, struct file **held, const struct path **base)
{
	*held = NULL;
	*base = NULL;
	if (dirfd == AT_FDCWD)
		return 0;
	*held = sc_fd_get(dirfd);
	if (!*held)
		return -EBADF;
	*base = &(*held)->path;
	return 0;
}

/* One dirfd-relative path, resolved and released around one VFS call. */
struct at_path {
	struct file *dir;
	const struct path *base;
	char *path;
};

static long at_get(struct at_path *a, int dirfd, u64 upath)
{
	long err = sc_at_base(dirfd, &a->dir, &a->base);

	a->path = err ? NULL : sc_get_path(upath, &err);
	return err;
}

static void at_put(struct at_path *a)
{
	if (a->dir)
		file_put(a->dir);
	kfree(a->path);
}

SYSCALL(mkdirat)
{
	struct at_path a;
	long err = at_get(&a, (int)SC_ARG0(regs), SC_ARG1(regs));

	if (!err)
		err = vfs_mkdir(sc_fs(), a.base, a.path, SC_ARG2(regs) & ~sc_fs()->umask);
	at_put(&a);
	return err;
}

SYSCALL(unlinkat)
{
	unsigned int flags = SC_ARG2(regs);
	struct at_path a;
	long err;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	err = at_get(&a, (int)SC_ARG0(regs), SC_ARG1(regs));
	if (!err)
		err = flags ? vfs_rmdir(sc_fs(), a.base, a.path)
			    : vfs_unlink(sc_fs(), a.base, a.path);
	at_put(&a);
	return err;
}

static long do_renameat2(int olddir, u64 uold, int newdir, u64 unew, unsigned int flags)
{
	struct at_path from, to = { 0 };
	long err;

	if (flags & RENAME_EXCHANGE)
		return -EINVAL;
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	err = at_get(&from, olddir, uold);
	if (!err)
		err = at_get(&to, newdir, unew);
	if (!err)
		err = vfs_rename(sc_fs(), from.base, from.path, to.base, to.path, flags);
	at_put(&to);
	at_put(&from);
	return err;
}

SYSCALL(renameat)
{
	return do_renameat2((int)SC_ARG0(regs), SC_ARG1(regs), (int)SC_ARG2(regs),
			    SC_ARG3(regs), 0);
}

SYSCALL(renameat2)
{
	return do_renameat2((int)SC_ARG0(regs), SC_ARG1(regs), (int)SC_ARG2(regs),
			    SC_ARG3(regs), SC_ARG4(regs));
}

SYSCALL(linkat)
{
	unsigned int flags = SC_ARG4(regs);
	struct at_path from, to = { 0 };
	long err;

	if (flags & ~AT_SYMLINK_FOLLOW)
		return -EINVAL;
	err = at_get(&from, (int)SC_ARG0(regs), SC_ARG1(regs));
	if (!err)
		err = at_get(&to, (int)SC_ARG2(regs), SC_ARG3(regs));
	if (!err)
		err = vfs_link(sc_fs(), from.base, from.path, to.base, to.path, flags);
	at_put(&to);
	at_put(&from);
	return err;
}

SYSCALL(symlinkat)
{
	struct at_path a = { 0 };
	long err;
	char *target = sc_get_path(SC_ARG0(regs), &err);

	if (target)
		err = at_get(&a, (int)SC_ARG1(regs), SC_ARG2(regs));
	if (target && !err)
		err = vfs_symlink(sc_fs(), target, a.base, a.path);
	at_put(&a);
	kfree(target);
	return err;
}

SYSCALL(readlinkat)
{
	size_t size = SC_ARG3(regs) < PATH_MAX ? SC_ARG3(regs) : PATH_MAX;
	struct at_path a;
	long n = at_get(&a, (int)SC_ARG0(regs), SC_ARG1(regs));
	char *buf = n ? NULL : kmalloc(PATH_MAX, GFP_KERNEL);

	if (!n && !buf)
		n = -ENOMEM;
	if (buf) {
		n = vfs_readlink(sc_fs(), a.base, a.path, buf, size);
		if (n > 0 && copy_to_user((void *)SC_ARG2(regs), buf, n))
			n = -EFAULT;
	}
	kfree(buf);
	at_put(&a);
	return n;
}

static long do_fchmodat(int dirfd, u64 upath, u32 mode)
{
	struct at_path a;
	long err = at_get(&a, dirfd, upath);

	if (!err)
		err = vfs_chmod(sc_fs(), a.base, a.path, mode);
	at_put(&a);
	return err;
}

SYSCALL(chmod)
{
	return do_fchmodat(AT_FDCWD, SC_ARG0(regs), SC_ARG1(regs));
}

SYSCALL(fchmodat)
{
	return do_fchmodat((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs));
}

SYSCALL(fchmod)
{
	struct iattr ia = { .valid = ATTR_MODE, .mode = SC_ARG1(regs) };
	struct file *f = sc_fd_get((int)SC_ARG0(regs));
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fsetattr(f, &ia);
	file_put(f);
	return err;
}

SYSCALL(faccessat)
{
	struct at_path a;
	long err = at_get(&a, (int)SC_ARG0(regs), SC_ARG1(regs));

	if (!err)
		err = vfs_access(sc_fs(), a.base, a.path, (int)SC_ARG2(regs));
	at_put(&a);
	return err;
}

SYSCALL(fchdir)
{
	struct file *f = sc_fd_get((int)SC_ARG0(regs));
	long err;

	if (!f)
		return -EBADF;
	err = f->path.mnt ? vfs_chdir(sc_fs(), &f->path, ".") : -ENOTDIR;
	file_put(f);
	return err;
}
