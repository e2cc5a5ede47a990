/*
 * Pipes: a 4 KiB ring shared by a read file and a write file (anonymous
 * VFS files). Readers block while it is empty, writers while it is full;
 * EOF when the last writer closes, -EPIPE when the last reader has.
 */
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/mutex.h>
#include <tessera/poll.h>
#include <tessera/sched.h>
#include <tessera/wait.h>
#include "internal.h"

#define PIPE_SIZE  4096             /* Linux's is 64 KiB; POSIX needs PIPE_BUF = 4096 */

struct pipe {
	struct mutex lock;
	struct wait_queue wq;        /* readers and writers both: state changes wake all */
	u8 buf[PIPE_SIZE];
	size_t head, count;          /* read position and bytes stored */
	int readers, writers;
};

typedef bool (*pipe_ready_fn)(struct pipe *p);

static bool readable(struct pipe *p)
{
	return p->count || !p->writers;
}

static bool writable(struct pipe *p)
{
	return p->count < PIPE_SIZE || !p->readers;
}

/* Sleeps until ready(p) with the lock dropped; returns with it held. */
static int pipe_wait(struct pipe *p, struct file *f, pipe_ready_fn ready)
{
	while (!ready(p)) {
		struct waiter w;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (signal_pending())
			return -EINTR;
		waiter_init(&w);
		prepare_to_wait(&p->wq, &w);
		mutex_unlock(&p->lock);
		schedule();
		finish_wait(&p->wq, &w);
		mutex_lock(&p->lock);
	}
	return 0;
}

static long pipe_read(struct file *f, struct iobuf *b, u64 *pos)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	long err;

	(void)pos;
	mutex_lock(&p->lock);
	err = pipe_wait(p, f, readable);
	while (!err && done < b->len && p->count) {
		size_t n = PIPE_SIZE - p->head;

		n = n < p->count ? n : p->count;
		n = n < b->len - done ? n : b->len - done;
		err = iobuf_copy_to(b, done, p->buf + p->head, n);
		if (err)
			break;
		p->head = (p->head + n) % PIPE_SIZE;
		p->count -= n;
		done += n;
	}
	wake_up_all(&p->wq);
	mutex_unlock(&p->lock);
	return done ? (long)done : err;
}

static long pipe_write(struct file *f, struct iobuf *b, u64 *pos)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	long err = 0;

	(void)pos;
	mutex_lock(&p->lock);
	while (!err && done < b->len) {
		size_t tail, n;

		err = pipe_wait(p, f, writable);
		if (err)
			break;
		if (!p->readers) {
			signal_send(current_process(), SIGPIPE);
			err = -EPIPE;
			break;
		}
		tail = (p->head + p->count) % PIPE_SIZE;
		n = tail >= p->head && p->count < PIPE_SIZE ? PIPE_SIZE - tail : p->head - tail;
		n = n < b->len - done ? n : b->len - done;
		err = iobuf_copy_from(b, done, p->buf + tail, n);
		if (!err) {
			p->count += n;
			done += n;
		}
		wake_up_all(&p->wq);
	}
	mutex_unlock(&p->lock);
	return done ? (long)done : err;
}

static void pipe_release(struct inode *inode, struct file *f)
{
	struct pipe *p = f->priv;
	bool last;

	(void)inode;
	mutex_lock(&p->lock);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	last = !p->readers && !p->writers;
	wake_up_all(&p->wq);
	mutex_unlock(&p->lock);
	if (last)
		kfree(p);
}

/* Lock-free reads of three ints: a stale answer is corrected by the wake-up that follows. */
static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	size_t count = __atomic_load_n(&p->count, __ATOMIC_ACQUIRE);

	poll_wait(pt, &p->wq);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return (count ? POLLIN | POLLRDNORM : 0) |
		       (__atomic_load_n(&p->writers, __ATOMIC_ACQUIRE) ? 0 : POLLHUP);
	if (!__atomic_load_n(&p->readers, __ATOMIC_ACQUIRE))
		return POLLOUT | POLLWRNORM | POLLERR;
	return count < PIPE_SIZE ? POLLOUT | POLLWRNORM : 0;
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
	.poll = pipe_poll,
};

static long do_pipe2(u64 ufds, unsigned int flags)
{
	struct files *t = &current_process()->files;
	struct pipe *p;
	struct file *r, *w;
	int fds[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	mutex_init(&p->lock);
	wait_queue_init(&p->wq);
	p->readers = p->writers = 1;
	r = file_alloc_anon(&pipe_ops, S_IFIFO, O_RDONLY | (flags & O_NONBLOCK), p);
	w = r ? file_alloc_anon(&pipe_ops, S_IFIFO, O_WRONLY | (flags & O_NONBLOCK), p) : NULL;
	if (!w) {
		if (r)
			file_put(r);    /* one writer left on paper: release does not free p */
		kfree(p);
		return -ENOMEM;
	}
	fds[0] = fd_install(t, r, 0, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(t, w, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			fd_close(t, fds[0]);
		else
			file_put(r);
		file_put(w);
		return -EMFILE;
	}
	if (copy_to_user((void *)ufds, fds, sizeof(fds))) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL(pipe)
{
	return do_pipe2(SC_ARG0(regs), 0);
}

SYSCALL(pipe2)
{
	return do_pipe2(SC_ARG0(regs), SC_ARG1(regs));
}
