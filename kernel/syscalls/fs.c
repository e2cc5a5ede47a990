/*
 * File system calls: thin wrappers that copy paths and buffers across the
 * user boundary and call the VFS (include/fs/vfs.h) with the process's fd
 * table and working directory.
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "internal.h"

#define IOV_MAX 1024

struct iovec_user {
	u64 base;
	u64 len;
};

static int user_copy_to(void *dst, const void *src, size_t n)
{
	return copy_to_user(dst, src, n);
}

static int user_copy_from(void *dst, const void *src, size_t n)
{
	return copy_from_user(dst, src, n);
}

static const struct iobuf_ops user_iobuf_ops = {
	.copy_to = user_copy_to,
	.copy_from = user_copy_from,
};

static struct iobuf iobuf_user(u64 base, size_t len)
{
	return (struct iobuf){ .base = (char *)base, .len = len, .ops = &user_iobuf_ops };
}

static struct files *files(void)
{
	return &current_process()->files;
}

static long do_openat(int dirfd, u64 upath, unsigned int flags, u32 mode)
{
	const struct path *base;
	struct file *dir, *f;
	long err = sc_at_base(dirfd, &dir, &base);
	char *path = err ? NULL : sc_get_path(upath, &err);

	if (!err)
		err = vfs_open(sc_fs(), base, path, flags, mode & ~sc_fs()->umask, &f);
	if (!err) {
		err = fd_install(files(), f, 0, flags & O_CLOEXEC);
		if (err < 0)
			file_put(f);
	}
	if (dir)
		file_put(dir);
	kfree(path);
	return err;
}

SYSCALL(open)
{
	return do_openat(AT_FDCWD, SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs));
}

SYSCALL(openat)
{
	return do_openat((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), SC_ARG3(regs));
}

SYSCALL(close)
{
	return fd_close(files(), (int)SC_ARG0(regs));
}

typedef long (*file_io_fn)(struct file *f, struct iobuf *b);

static long file_io(int fd, u64 buf, size_t len, file_io_fn fn)
{
	struct file *f = fd_get(files(), fd);
	struct iobuf b = iobuf_user(buf, len);
	long n;

	if (!f)
		return -EBADF;
	n = access_ok(buf, len) ? fn(f, &b) : -EFAULT;
	file_put(f);
	return n;
}

SYSCALL(read)
{
	return file_io((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), vfs_read);
}

SYSCALL(write)
{
	return file_io((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), vfs_write);
}

SYSCALL(pread64)
{
	struct file *f = fd_get(files(), (int)SC_ARG0(regs));
	struct iobuf b = iobuf_user(SC_ARG1(regs), SC_ARG2(regs));
	long n;

	if (!f)
		return -EBADF;
	n = access_ok(SC_ARG1(regs), SC_ARG2(regs)) ? vfs_pread(f, &b, SC_ARG3(regs)) : -EFAULT;
	file_put(f);
	return n;
}

static long vector_io(int fd, u64 uiov, u64 cnt, file_io_fn fn)
{
	long total = 0;

	if (cnt > IOV_MAX)
		return -EINVAL;
	for (u64 i = 0; i < cnt; i++) {
		struct iovec_user v;
		long n;

		if (copy_from_user(&v, (void *)(uiov + i * sizeof(v)), sizeof(v)))
			return total ? total : -EFAULT;
		if (!v.len)
			continue;
		n = file_io(fd, v.base, v.len, fn);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((u64)n < v.len)
			break;
	}
	return total;
}

SYSCALL(readv)
{
	return vector_io((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), vfs_read);
}

SYSCALL(writev)
{
	return vector_io((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), vfs_write);
}

SYSCALL(lseek)
{
	struct file *f = fd_get(files(), (int)SC_ARG0(regs));
	s64 r;

	if (!f)
		return -EBADF;
	r = vfs_lseek(f, (s64)SC_ARG1(regs), (int)SC_ARG2(regs));
	file_put(f);
	return r;
}

SYSCALL(fstat)
{
	struct file *f = fd_get(files(), (int)SC_ARG0(regs));
	struct stat st;
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fstat(f, &st);
	file_put(f);
	return err ? err : copy_to_user((void *)SC_ARG1(regs), &st, sizeof(st));
}

static long do_fstatat(int dirfd, u64 upath, u64 ust, unsigned int flags)
{
	const struct path *base;
	struct file *dir;
	struct stat st;
	long err = sc_at_base(dirfd, &dir, &base);
	char *path = err ? NULL : sc_get_path(upath, &err);

	if (!err && !path[0] && (flags & AT_EMPTY_PATH) && dir)
		err = vfs_fstat(dir, &st);
	else if (!err)
		err = vfs_stat(sc_fs(), base, path, flags & AT_SYMLINK_NOFOLLOW, &st);
	if (!err)
		err = copy_to_user((void *)ust, &st, sizeof(st));
	if (dir)
		file_put(dir);
	kfree(path);
	return err;
}

SYSCALL(stat)
{
	return do_fstatat(AT_FDCWD, SC_ARG0(regs), SC_ARG1(regs), 0);
}

SYSCALL(lstat)
{
	return do_fstatat(AT_FDCWD, SC_ARG0(regs), SC_ARG1(regs), AT_SYMLINK_NOFOLLOW);
}

SYSCALL(newfstatat)
{
	return do_fstatat((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), SC_ARG3(regs));
}

SYSCALL(getdents64)
{
	return file_io((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), vfs_getdents64);
}

SYSCALL(dup)
{
	return fd_dup(files(), (int)SC_ARG0(regs), 0, 0);
}

SYSCALL(dup2)
{
	return fd_dup2(files(), (int)SC_ARG0(regs), (int)SC_ARG1(regs));
}

SYSCALL(dup3)
{
	return fd_dup3(files(), (int)SC_ARG0(regs), (int)SC_ARG1(regs), SC_ARG2(regs));
}

SYSCALL(fcntl)
{
	int fd = (int)SC_ARG0(regs);
	struct file *f;

	switch (SC_ARG1(regs)) {
	case F_DUPFD:
		return fd_dup(files(), fd, (int)SC_ARG2(regs), 0);
	case F_DUPFD_CLOEXEC:
		return fd_dup(files(), fd, (int)SC_ARG2(regs), O_CLOEXEC);
	case F_GETFD:
		return fd_get_flags(files(), fd);
	case F_SETFD:
		return fd_set_flags(files(), fd, (int)SC_ARG2(regs));
	case F_GETFL:
	case F_SETFL:
		f = fd_get(files(), fd);
		if (!f)
			return -EBADF;
		if (SC_ARG1(regs) == F_SETFL)
			file_set_flags(f, SC_ARG2(regs));
		fd = f->flags;
		file_put(f);
		return SC_ARG1(regs) == F_SETFL ? 0 : fd;
	default:
		return -EINVAL;
	}
}

SYSCALL(ioctl)
{
	struct file *f = fd_get(files(), (int)SC_ARG0(regs));
	long r;

	if (!f)
		return -EBADF;
	r = vfs_ioctl(f, (unsigned int)SC_ARG1(regs), SC_ARG2(regs));
	if (r == -ENOTTY && tty_ioctl_handles(f))
		r = tty_ioctl(f, (unsigned int)SC_ARG1(regs), SC_ARG2(regs));
	file_put(f);
	return r;
}

/* The calls that take one path and nothing else worth copying. */
enum path_op { P_CHDIR, P_MKDIR, P_RMDIR, P_UNLINK, P_ACCESS };

static long path_call(enum path_op op, u64 upath, u64 arg)
{
	long err;
	char *path = sc_get_path(upath, &err);

	if (!path)
		return err;
	switch (op) {
	case P_CHDIR: err = vfs_chdir(sc_fs(), NULL, path); break;
	case P_MKDIR: err = vfs_mkdir(sc_fs(), NULL, path, arg & ~sc_fs()->umask); break;
	case P_RMDIR: err = vfs_rmdir(sc_fs(), NULL, path); break;
	case P_UNLINK: err = vfs_unlink(sc_fs(), NULL, path); break;
	case P_ACCESS: err = vfs_access(sc_fs(), NULL, path, (int)arg); break;
	}
	kfree(path);
	return err;
}

SYSCALL(chdir)  { return path_call(P_CHDIR, SC_ARG0(regs), 0); }
SYSCALL(mkdir)  { return path_call(P_MKDIR, SC_ARG0(regs), SC_ARG1(regs)); }
SYSCALL(rmdir)  { return path_call(P_RMDIR, SC_ARG0(regs), 0); }
SYSCALL(unlink) { return path_call(P_UNLINK, SC_ARG0(regs), 0); }
SYSCALL(access) { return path_call(P_ACCESS, SC_ARG0(regs), SC_ARG1(regs)); }

SYSCALL(rename)
{
	long err;
	char *from = sc_get_path(SC_ARG0(regs), &err);
	char *to = from ? sc_get_path(SC_ARG1(regs), &err) : NULL;

	if (to)
		err = vfs_rename(sc_fs(), NULL, from, NULL, to, 0);
	kfree(from);
	kfree(to);
	return err;
}

/* Two paths: link (old -> new) and symlink (target, new). */
static long two_paths(u64 ua, u64 ub, bool symlink)
{
	long err;
	char *a = sc_get_path(ua, &err);
	char *b = a ? sc_get_path(ub, &err) : NULL;

	if (b)
		err = symlink ? vfs_symlink(sc_fs(), a, NULL, b) : vfs_link(sc_fs(), NULL, a, NULL, b, 0);
	kfree(a);
	kfree(b);
	return err;
}

SYSCALL(link)    { return two_paths(SC_ARG0(regs), SC_ARG1(regs), false); }
SYSCALL(symlink) { return two_paths(SC_ARG0(regs), SC_ARG1(regs), true); }

SYSCALL(readlink)
{
	size_t size = SC_ARG2(regs) < PATH_MAX ? SC_ARG2(regs) : PATH_MAX;
	long n;
	char *path = sc_get_path(SC_ARG0(regs), &n);
	char *buf = path ? kmalloc(PATH_MAX, GFP_KERNEL) : NULL;

	if (path && !buf)
		n = -ENOMEM;
	if (buf) {
		n = vfs_readlink(sc_fs(), NULL, path, buf, size);
		if (n > 0 && copy_to_user((void *)SC_ARG1(regs), buf, n))
			n = -EFAULT;
	}
	kfree(buf);
	kfree(path);
	return n;
}

SYSCALL(getcwd)
{
	size_t size = SC_ARG1(regs) < PATH_MAX ? SC_ARG1(regs) : PATH_MAX;
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	long n;

	if (!buf)
		return -ENOMEM;
	n = vfs_getcwd(sc_fs(), buf, size);
	if (n > 0 && copy_to_user((void *)SC_ARG0(regs), buf, n))
		n = -EFAULT;
	kfree(buf);
	return n;
}
