/*
 * File descriptor tables: the slots a process's fds index, the
 * close-on-exec bits, and dup/dup2/dup3. A table grows by doubling from
 * FD_FIRST_SIZE up to FD_MAX; struct files lives inside the process.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <lib/string.h>

#define FD_FIRST_SIZE  16
#define BITS           (8 * sizeof(unsigned long))
#define WORDS(n)       (((n) + BITS - 1) / BITS)

_Static_assert(CONFIG_VFS_FD_MAX >= FD_FIRST_SIZE, "VFS_FD_MAX below the first table size");

void files_init(struct files *t)
{
	mutex_init(&t->lock);
	t->size = 0;
	t->fd = NULL;
	t->cloexec = NULL;
}

static bool get_cloexec(const struct files *t, unsigned int fd)
{
	return t->cloexec[fd / BITS] & (1UL << (fd % BITS));
}

static void set_cloexec(struct files *t, unsigned int fd, bool on)
{
	if (on)
		t->cloexec[fd / BITS] |= 1UL << (fd % BITS);
	else
		t->cloexec[fd / BITS] &= ~(1UL << (fd % BITS));
}

/* Makes slot `need` exist. Lock held. 0, -EMFILE past FD_MAX, -ENOMEM. */
static int expand(struct files *t, unsigned int need)
{
	unsigned int size = t->size ? t->size : FD_FIRST_SIZE;
	struct file **fd;
	unsigned long *bits;

	if (need >= FD_MAX)
		return -EMFILE;
	if (need < t->size)
		return 0;
	while (size <= need)
		size *= 2;
	if (size > FD_MAX)
		size = FD_MAX;
	fd = kzalloc(size * sizeof(*fd), GFP_KERNEL);
	bits = kzalloc(WORDS(size) * sizeof(*bits), GFP_KERNEL);
	if (!fd || !bits) {
		kfree(fd);
		kfree(bits);
		return -ENOMEM;
	}
	if (t->size) {
		memcpy(fd, t->fd, t->size * sizeof(*fd));
		memcpy(bits, t->cloexec, WORDS(t->size) * sizeof(*bits));
	}
	kfree(t->fd);
	kfree(t->cloexec);
	t->fd = fd;
	t->cloexec = bits;
	t->size = size;
	return 0;
}

/* The lowest free slot >= min, growing the table if all are taken. Lock held. */
static int free_slot(struct files *t, unsigned int min)
{
	unsigned int i;
	int err;

	for (i = min; i < t->size; i++)
		if (!t->fd[i])
			return (int)i;
	err = expand(t, i);
	return err ? err : (int)i;
}

static int install_locked(struct files *t, struct file *f, int min_fd, unsigned int flags)
{
	int fd;

	if (min_fd < 0 || min_fd >= FD_MAX)
		return -EINVAL;
	fd = free_slot(t, (unsigned int)min_fd);
	if (fd < 0)
		return fd;
	t->fd[fd] = f;
	set_cloexec(t, (unsigned int)fd, flags & O_CLOEXEC);
	return fd;
}

int fd_install(struct files *t, struct file *f, int min_fd, unsigned int flags)
{
	int fd;

	mutex_lock(&t->lock);
	fd = install_locked(t, f, min_fd, flags);
	mutex_unlock(&t->lock);
	return fd == -EINVAL ? -EMFILE : fd;
}

static struct file *slot(struct files *t, int fd)
{
	if (fd < 0 || (unsigned int)fd >= t->size)
		return NULL;
	return t->fd[fd];
}

struct file *fd_get(struct files *t, int fd)
{
	struct file *f;

	mutex_lock(&t->lock);
	f = slot(t, fd);
	if (f)
		file_get(f);
	mutex_unlock(&t->lock);
	return f;
}

int fd_close(struct files *t, int fd)
{
	struct file *f;

	mutex_lock(&t->lock);
	f = slot(t, fd);
	if (f)
		t->fd[fd] = NULL;
	mutex_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);             /* outside the table lock: release may sleep */
	return 0;
}

int fd_dup(struct files *t, int fd, int min_fd, unsigned int flags)
{
	struct file *f;
	int nfd;

	mutex_lock(&t->lock);
	f = slot(t, fd);
	if (!f) {
		nfd = -EBADF;
	} else {
		nfd = install_locked(t, f, min_fd, flags);
		if (nfd >= 0)
			file_get(f);
	}
	mutex_unlock(&t->lock);
	return nfd;
}

int fd_dup3(struct files *t, int fd, int newfd, unsigned int flags)
{
	struct file *f, *old = NULL;
	int err;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (fd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	mutex_lock(&t->lock);
	f = slot(t, fd);
	err = f ? expand(t, (unsigned int)newfd) : -EBADF;
	if (!err) {
		old = t->fd[newfd];
		t->fd[newfd] = file_get(f);
		set_cloexec(t, (unsigned int)newfd, flags & O_CLOEXEC);
	}
	mutex_unlock(&t->lock);
	if (old)
		file_put(old);
	return err ? err : newfd;
}

int fd_dup2(struct files *t, int fd, int newfd)
{
	struct file *f;

	if (fd != newfd)
		return fd_dup3(t, fd, newfd, 0);
	f = fd_get(t, fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return newfd;
}

int fd_get_flags(struct files *t, int fd)
{
	int r;

	mutex_lock(&t->lock);
	r = slot(t, fd) ? (get_cloexec(t, (unsigned int)fd) ? FD_CLOEXEC : 0) : -EBADF;
	mutex_unlock(&t->lock);
	return r;
}

int fd_set_flags(struct files *t, int fd, int fdflags)
{
	int r = 0;

	mutex_lock(&t->lock);
	if (slot(t, fd))
		set_cloexec(t, (unsigned int)fd, fdflags & FD_CLOEXEC);
	else
		r = -EBADF;
	mutex_unlock(&t->lock);
	return r;
}

int files_copy(struct files *dst, struct files *src)
{
	int err;

	mutex_lock(&src->lock);
	err = src->size ? expand(dst, src->size - 1) : 0;
	if (!err) {
		for (unsigned int i = 0; i < src->size; i++) {
			dst->fd[i] = src->fd[i] ? file_get(src->fd[i]) : NULL;
			set_cloexec(dst, i, src->fd[i] && get_cloexec(src, i));
		}
	}
	mutex_unlock(&src->lock);
	return err;
}

/* Empties every slot (or only the close-on-exec ones); files drop outside the lock. */
static void close_if(struct files *t, bool cloexec_only)
{
	for (unsigned int i = 0; i < t->size; i++) {
		struct file *f;

		mutex_lock(&t->lock);
		f = t->fd[i];
		if (f && (!cloexec_only || get_cloexec(t, i)))
			t->fd[i] = NULL;
		else
			f = NULL;
		mutex_unlock(&t->lock);
		if (f)
			file_put(f);
	}
}

void files_close_on_exec(struct files *t)
{
	close_if(t, true);
}

void files_release(struct files *t)
{
	close_if(t, false);
	kfree(t->fd);
	kfree(t->cloexec);
	t->fd = NULL;
	t->cloexec = NULL;
	t->size = 0;
}
