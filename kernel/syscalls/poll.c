/*
 * poll, ppoll, select and pselect6: ask every file's poll callback for its
 * readiness while queueing a waiter on each queue it names, then sleep until
 * one wakes us, a signal comes or the timeout passes. Files without a
 * callback (regular files, /dev/null) are always ready.
 */
#include <asm/tsc.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/poll.h>
#include <tessera/sched.h>
#include "internal.h"

#define NSEC_PER_SEC     1000000000ULL
#define NSEC_PER_MSEC    1000000ULL
#define NSEC_PER_USEC    1000ULL
#define POLL_FOREVER     ((u64)-1)
#define POLL_WAITS_PER_FD 2              /* queues one file may name (pipes and TTY: 1) */
#define SELECT_MAX_FDS   1024            /* FD_SETSIZE */
#define SIGSET_SIZE      8
#define ALWAYS_READY     (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM)
#define SELECT_IN        (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define SELECT_OUT       (POLLOUT | POLLWRNORM | POLLERR)
#define SELECT_EX        POLLPRI

struct poll_entry {
	struct wait_queue *wq;
	struct waiter w;
};

struct poll_table {
	struct poll_entry *entries;
	int used, max;              /* entries filled in this pass, and room */
	int queued;                 /* entries ever initialised (kept across passes) */
	struct wait_queue self;     /* always waited on, so a signal finds us blocked */
};

struct pollfd_user {
	int fd;
	short events, revents;
};

struct timespec_user {
	s64 tv_sec, tv_nsec;
};

struct timeval_user {
	s64 tv_sec, tv_usec;
};

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	struct poll_entry *e;

	if (!pt || pt->used == pt->max)
		return;
	e = &pt->entries[pt->used++];
	if (pt->used > pt->queued) {
		pt->queued = pt->used;
		waiter_init(&e->w);
	} else if (e->wq != wq) {
		finish_wait(e->wq, &e->w);
		waiter_init(&e->w);
	}
	e->wq = wq;
	prepare_to_wait(wq, &e->w);
}

static int table_init(struct poll_table *pt, int nfds)
{
	pt->max = nfds * POLL_WAITS_PER_FD + 1;
	pt->entries = kzalloc(pt->max * sizeof(*pt->entries), GFP_KERNEL);
	pt->used = pt->queued = 0;
	wait_queue_init(&pt->self);
	return pt->entries ? 0 : -ENOMEM;
}

static void table_release(struct poll_table *pt)
{
	for (int i = 0; i < pt->queued; i++)
		finish_wait(pt->entries[i].wq, &pt->entries[i].w);
	kfree(pt->entries);
}

/* A waker took one of our waiters off its queue since this pass began. */
static bool table_woken(const struct poll_table *pt)
{
	for (int i = 0; i < pt->used; i++)
		if (list_empty(&pt->entries[i].w.node))
			return true;
	return false;
}

static unsigned int file_poll(struct files *t, int fd, struct poll_table *pt)
{
	struct file *f = fd_get(t, fd);
	unsigned int mask;

	if (!f)
		return POLLNVAL;
	if (f->ops && f->ops->poll)
		mask = f->ops->poll(f, pt);
	else if (tty_ioctl_handles(f))
		mask = tty_file_poll(f, pt);
	else
		mask = ALWAYS_READY;
	file_put(f);
	return mask;
}

/* One pass over fds: fills revents, returns how many have any. */
static int poll_pass(struct pollfd_user *fds, unsigned int nfds, struct poll_table *pt)
{
	struct files *t = &current_process()->files;
	int n = 0;

	pt->used = 0;
	poll_wait(pt, &pt->self);
	for (unsigned int i = 0; i < nfds; i++) {
		unsigned int want = (u16)fds[i].events | POLLERR | POLLHUP | POLLNVAL;

		fds[i].revents = fds[i].fd < 0 ? 0 : (short)(file_poll(t, fds[i].fd, pt) & want);
		n += fds[i].revents != 0;
	}
	return n;
}

/* Sleeps until a queue wakes us or the deadline (ktime_ns) passes. */
static void poll_sleep(struct poll_table *pt, u64 deadline)
{
	u64 now = ktime_ns();

	if (deadline == POLL_FOREVER) {
		schedule();                     /* prepare_to_wait marked us blocked */
		return;
	}
	if (table_woken(pt) || now >= deadline)
		return;
	schedule_timeout_blocked(deadline);
}

/* The core: 0 when nothing became ready by deadline, -EINTR on a signal. */
static long do_poll(struct pollfd_user *fds, unsigned int nfds, u64 deadline)
{
	struct poll_table pt;
	long n;

	if (table_init(&pt, nfds))
		return -ENOMEM;
	for (;;) {
		n = poll_pass(fds, nfds, &pt);
		if (n || deadline == 0 || ktime_ns() >= deadline)
			break;
		if (signal_pending()) {
			n = -EINTR;
			break;
		}
		poll_sleep(&pt, deadline);
	}
	table_release(&pt);
	return n;
}

static u64 deadline_after(u64 ns)
{
	return ns == POLL_FOREVER ? POLL_FOREVER : ktime_ns() + ns;
}

/* A user timespec (NULL: forever) as a deadline; -EFAULT or -EINVAL. */
static int timespec_deadline(u64 uts, u64 *deadline)
{
	struct timespec_user ts;

	*deadline = POLL_FOREVER;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, (void *)uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (u64)ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*deadline = deadline_after(ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec);
	return 0;
}

static long poll_user(u64 ufds, unsigned int nfds, u64 deadline)
{
	size_t size = nfds * sizeof(struct pollfd_user);
	struct pollfd_user *fds;
	long n;

	if (nfds > FD_MAX)
		return -EINVAL;
	fds = kmalloc(size ? size : 1, GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	n = copy_from_user(fds, (void *)ufds, size);
	if (!n)
		n = do_poll(fds, nfds, deadline);
	if (n >= 0 && copy_to_user((void *)ufds, fds, size))
		n = -EFAULT;
	kfree(fds);
	return n;
}

/*
 * The mask ppoll and pselect6 wait under; signal_wait_done puts the
 * caller's back after delivering what the temporary one let through.
 */
static int swap_sigmask(u64 umask, size_t size, u64 *old)
{
	struct process *p = current_process();
	u64 set;

	*old = p->sig_blocked;
	if (!umask)
		return 0;
	if (size != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, (void *)umask, sizeof(set)))
		return -EFAULT;
	p->sig_blocked = set & ~(1UL << (SIGKILL - 1));
	return 0;
}

SYSCALL(poll)
{
	int ms = (int)SC_ARG2(regs);

	return poll_user(SC_ARG0(regs), (unsigned int)SC_ARG1(regs),
			 deadline_after(ms < 0 ? POLL_FOREVER : (u64)ms * NSEC_PER_MSEC));
}

SYSCALL(ppoll)
{
	u64 deadline, old;
	long err = timespec_deadline(SC_ARG2(regs), &deadline);

	if (!err)
		err = swap_sigmask(SC_ARG3(regs), SC_ARG4(regs), &old);
	if (err)
		return err;
	err = poll_user(SC_ARG0(regs), (unsigned int)SC_ARG1(regs), deadline);
	return signal_wait_done(regs, err, old);
}

/* --- select: three fd bitmaps over the same machinery --- */

#define BITS_PER_U64 64

struct fd_sets {
	u64 in[SELECT_MAX_FDS / BITS_PER_U64];
	u64 out[SELECT_MAX_FDS / BITS_PER_U64];
	u64 ex[SELECT_MAX_FDS / BITS_PER_U64];
};

static bool fd_isset(const u64 *set, int fd)
{
	return set[fd / BITS_PER_U64] & (1UL << (fd % BITS_PER_U64));
}

static int copy_set_in(u64 *set, u64 uset, int nfds)
{
	size_t bytes = (nfds + BITS_PER_U64 - 1) / BITS_PER_U64 * sizeof(u64);

	if (!uset)
		return 0;
	return copy_from_user(set, (void *)uset, bytes);
}

static int copy_set_out(u64 uset, const u64 *set, int nfds)
{
	size_t bytes = (nfds + BITS_PER_U64 - 1) / BITS_PER_U64 * sizeof(u64);

	return uset ? copy_to_user((void *)uset, set, bytes) : 0;
}

/* The sets as pollfds; -EBADF for a set bit naming no open file. */
static int sets_to_pollfds(const struct fd_sets *s, int nfds, struct pollfd_user *fds,
			   unsigned int *n)
{
	struct files *t = &current_process()->files;

	*n = 0;
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (fd_isset(s->in, fd) ? POLLIN : 0) | (fd_isset(s->out, fd) ? POLLOUT : 0) |
			   (fd_isset(s->ex, fd) ? POLLPRI : 0);
		struct file *f;

		if (!ev)
			continue;
		f = fd_get(t, fd);
		if (!f)
			return -EBADF;
		file_put(f);
		fds[(*n)++] = (struct pollfd_user){ .fd = fd, .events = ev };
	}
	return 0;
}

static int pollfds_to_sets(struct fd_sets *s, const struct pollfd_user *fds, unsigned int n)
{
	int count = 0;

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < n; i++) {
		int fd = fds[i].fd;
		u64 bit = 1UL << (fd % BITS_PER_U64);
		unsigned int r = (u16)fds[i].revents;

		if ((fds[i].events & POLLIN) && (r & SELECT_IN)) {
			s->in[fd / BITS_PER_U64] |= bit;
			count++;
		}
		if ((fds[i].events & POLLOUT) && (r & SELECT_OUT)) {
			s->out[fd / BITS_PER_U64] |= bit;
			count++;
		}
		if ((fds[i].events & POLLPRI) && (r & SELECT_EX)) {
			s->ex[fd / BITS_PER_U64] |= bit;
			count++;
		}
	}
	return count;
}

static long do_select(int nfds, u64 uin, u64 uout, u64 uex, u64 deadline)
{
	struct fd_sets *s;
	struct pollfd_user *fds;
	unsigned int n;
	long ret;

	if (nfds < 0 || nfds > SELECT_MAX_FDS)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	fds = kmalloc((nfds ? nfds : 1) * sizeof(*fds), GFP_KERNEL);
	ret = s && fds ? 0 : -ENOMEM;
	if (!ret && (copy_set_in(s->in, uin, nfds) || copy_set_in(s->out, uout, nfds) ||
		     copy_set_in(s->ex, uex, nfds)))
		ret = -EFAULT;
	if (!ret)
		ret = sets_to_pollfds(s, nfds, fds, &n);
	if (!ret)
		ret = do_poll(fds, n, deadline);
	if (ret >= 0) {
		ret = pollfds_to_sets(s, fds, n);
		if (copy_set_out(uin, s->in, nfds) || copy_set_out(uout, s->out, nfds) ||
		    copy_set_out(uex, s->ex, nfds))
			ret = -EFAULT;
	}
	kfree(fds);
	kfree(s);
	return ret;
}

/* Linux writes the time left back into select's timeval; programs may rely on it. */
SYSCALL(select)
{
	u64 utv = SC_ARG4(regs), deadline = POLL_FOREVER;
	struct timeval_user tv;
	long ret;

	if (utv) {
		if (copy_from_user(&tv, (void *)utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		deadline = deadline_after(tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * NSEC_PER_USEC);
	}
	ret = do_select((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), SC_ARG3(regs),
			deadline);
	if (utv && ret >= 0) {
		u64 now = ktime_ns(), left = deadline > now ? deadline - now : 0;

		tv.tv_sec = left / NSEC_PER_SEC;
		tv.tv_usec = left % NSEC_PER_SEC / NSEC_PER_USEC;
		if (copy_to_user((void *)utv, &tv, sizeof(tv)))
			return -EFAULT;
	}
	return ret;
}

/* The sixth argument: { const sigset_t *mask; size_t size; }. */
SYSCALL(pselect6)
{
	u64 deadline, old, sig[2] = { 0, 0 };
	long err = timespec_deadline(SC_ARG4(regs), &deadline);

	if (!err && SC_ARG5(regs) && copy_from_user(sig, (void *)SC_ARG5(regs), sizeof(sig)))
		err = -EFAULT;
	if (!err)
		err = swap_sigmask(sig[0], sig[1], &old);
	if (err)
		return err;
	err = do_select((int)SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), SC_ARG3(regs),
			deadline);
	return signal_wait_done(regs, err, old);
}
