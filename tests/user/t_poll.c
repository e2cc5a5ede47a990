/*
 * poll, ppoll, select and pselect6: pipe readiness, POLLHUP once the
 * writer is gone, timeouts of 0 and of some milliseconds, waking on a write
 * from another process, EINTR on a signal, regular files, bad fds and pointers.
 */
#define _GNU_SOURCE	/* ppoll, CLONE_* */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define WAIT_MS 100
#define SLACK_MS 20		/* a timed wait may end this much early (tick rounding) */
#define BAD_PTR ((void *)8)
#define CLOSED_FD 50		/* inside Linux's first fd table (64), so select checks it */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pipe_readiness(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	KT_EXPECT_EQ(poll(fds, 2, 0), 1);
	KT_EXPECT_EQ(fds[0].revents, 0);
	KT_EXPECT_EQ(fds[1].revents, POLLOUT);
	KT_EXPECT_EQ(write(p[1], "x", 1), 1);
	KT_EXPECT_EQ(poll(fds, 2, 0), 2);
	KT_EXPECT_EQ(fds[0].revents, POLLIN);
	close(p[0]);
	close(p[1]);
}

static void hup_after_writer_closes(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	close(p[1]);
	struct pollfd fd = { p[0], POLLIN, 0 };
	KT_EXPECT_EQ(poll(&fd, 1, -1), 1);
	KT_EXPECT(fd.revents & POLLHUP);
	KT_EXPECT(!(fd.revents & POLLOUT));
	close(p[0]);
}

static void error_without_reader(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	close(p[0]);
	struct pollfd fd = { p[1], POLLOUT, 0 };
	KT_EXPECT_EQ(poll(&fd, 1, 0), 1);
	KT_EXPECT(fd.revents & POLLERR);
	close(p[1]);
}

static void timeout_expires(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	struct pollfd fd = { p[0], POLLIN, 0 };
	long t0 = now_ms();
	KT_EXPECT_EQ(poll(&fd, 1, WAIT_MS), 0);
	long took = now_ms() - t0;
	KT_EXPECT(took >= WAIT_MS - SLACK_MS);
	KT_EXPECT(took < 10 * WAIT_MS);
	close(p[0]);
	close(p[1]);
}

static void wakes_on_write(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		kt_msleep(WAIT_MS);
		_exit(write(p[1], "y", 1) == 1 ? 0 : 1);
	}
	struct pollfd fd = { p[0], POLLIN, 0 };
	KT_EXPECT_EQ(poll(&fd, 1, -1), 1);
	KT_EXPECT_EQ(fd.revents, POLLIN);
	kt_wait_timeout(pid, 10);
	close(p[0]);
	close(p[1]);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void interrupted_by_signal(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	int p[2];

	sigaction(SIGUSR1, &sa, NULL);
	KT_EXPECT_EQ(pipe(p), 0);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		kt_msleep(WAIT_MS);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	struct pollfd fd = { p[0], POLLIN, 0 };
	KT_EXPECT_ERR(poll(&fd, 1, -1), EINTR);
	kt_wait_timeout(pid, 10);
	close(p[0]);
	close(p[1]);
}

static void regular_file_always_ready(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/usertest-poll-%d", kt_tmpdir(), (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	KT_EXPECT(fd >= 0);
	struct pollfd pfd = { fd, POLLIN | POLLOUT, 0 };
	KT_EXPECT_EQ(poll(&pfd, 1, -1), 1);
	KT_EXPECT_EQ(pfd.revents, POLLIN | POLLOUT);
	close(fd);
	unlink(path);
}

static void bad_fd_and_pointer(void)
{
	struct pollfd fd = { 1000, POLLIN, 0 };

	KT_EXPECT_EQ(poll(&fd, 1, 0), 1);
	KT_EXPECT_EQ(fd.revents, POLLNVAL);
	KT_EXPECT_ERR(poll(BAD_PTR, 1, 0), EFAULT);
	fd_set rd;
	FD_ZERO(&rd);
	close(CLOSED_FD);
	FD_SET(CLOSED_FD, &rd);
	struct timeval tv = { 0, 0 };
	KT_EXPECT_ERR(select(CLOSED_FD + 1, &rd, NULL, NULL, &tv), EBADF);
	KT_EXPECT_ERR(select(1, BAD_PTR, NULL, NULL, &tv), EFAULT);
}

static void select_and_pselect(void)
{
	int p[2];
	fd_set rd, wr;
	struct timeval tv = { 0, WAIT_MS * 1000 };

	KT_EXPECT_EQ(pipe(p), 0);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	long t0 = now_ms();
	KT_EXPECT_EQ(select(p[0] + 1, &rd, NULL, NULL, &tv), 0);
	KT_EXPECT(now_ms() - t0 >= WAIT_MS - SLACK_MS);
	KT_EXPECT(!FD_ISSET(p[0], &rd));
	KT_EXPECT_EQ(write(p[1], "z", 1), 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	FD_ZERO(&wr);
	FD_SET(p[1], &wr);
	struct timespec ts = { 0, 0 };
	sigset_t none;
	sigemptyset(&none);
	KT_EXPECT_EQ(pselect(p[1] + 1, &rd, &wr, NULL, &ts, &none), 2);
	KT_EXPECT(FD_ISSET(p[0], &rd));
	KT_EXPECT(FD_ISSET(p[1], &wr));
	struct pollfd fd = { p[0], POLLIN, 0 };
	KT_EXPECT_EQ(ppoll(&fd, 1, &ts, &none), 1);
	close(p[0]);
	close(p[1]);
}

/* The idiom pselect exists for: block a signal, then wait with it unblocked. */
static void pselect_takes_blocked_signal(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t usr1, empty, now;
	int p[2];

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	KT_EXPECT_EQ(pipe(p), 0);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		kt_msleep(WAIT_MS);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	KT_EXPECT_ERR(pselect(p[0] + 1, &rd, NULL, NULL, NULL, &empty), EINTR);
	KT_EXPECT(got_usr1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	KT_EXPECT(sigismember(&now, SIGUSR1));	/* the caller's mask is back */
	kt_wait_timeout(pid, 10);
	close(p[0]);
	close(p[1]);
}

static const struct kt_case cases[] = {
	{ "pipe_readiness", pipe_readiness },
	{ "hup_after_writer_closes", hup_after_writer_closes },
	{ "error_without_reader", error_without_reader },
	{ "timeout_expires", timeout_expires },
	{ "wakes_on_write", wakes_on_write },
	{ "interrupted_by_signal", interrupted_by_signal },
	{ "regular_file_always_ready", regular_file_always_ready },
	{ "bad_fd_and_pointer", bad_fd_and_pointer },
	{ "select_and_pselect", select_and_pselect },
	{ "pselect_takes_blocked_signal", pselect_takes_blocked_signal },
	{ NULL, NULL },
};

const struct kt_suite suite_poll = { "poll", cases };
