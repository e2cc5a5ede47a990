/*
 * Signals: handlers, masks, SIGCHLD, killing a sleeping child, SIGKILL that
 * cannot be caught, interrupted system calls, and what fork and execve keep.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define SPIN_LIMIT 2000		/* x 1 ms polls before giving up on a signal */

static volatile sig_atomic_t hits, chld_hits, last_sig;

static void on_signal(int sig)
{
	hits++;
	last_sig = sig;
}

static void on_chld(int sig)
{
	(void)sig;
	chld_hits++;
}

static int set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

static void wait_for(volatile sig_atomic_t *flag)
{
	for (int i = 0; i < SPIN_LIMIT && !*flag; i++)
		kt_msleep(1);
}

static void handler_runs(void)
{
	hits = 0;
	KT_EXPECT_EQ(set_handler(SIGUSR1, on_signal, 0), 0);
	KT_EXPECT_EQ(kill(getpid(), SIGUSR1), 0);
	wait_for(&hits);
	KT_EXPECT_EQ(hits, 1);
	KT_EXPECT_EQ(last_sig, SIGUSR1);
}

static void mask_defers_delivery(void)
{
	sigset_t set, old;

	hits = 0;
	set_handler(SIGUSR1, on_signal, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	KT_EXPECT_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);	/* standard signals do not queue: one delivery */
	kt_msleep(20);
	KT_EXPECT_EQ(hits, 0);
	KT_EXPECT_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	wait_for(&hits);
	KT_EXPECT_EQ(hits, 1);
}

static volatile sig_atomic_t self_blocked, extra_blocked;

static void on_signal_check_mask(int sig)
{
	sigset_t m;

	sigprocmask(SIG_BLOCK, NULL, &m);
	self_blocked = sigismember(&m, sig);
	extra_blocked = sigismember(&m, SIGUSR2);
	hits++;
}

/* Inside a handler its own signal and sa_mask are blocked; rt_sigreturn unblocks them. */
static void handler_mask(void)
{
	struct sigaction sa = { .sa_handler = on_signal_check_mask };
	sigset_t now;

	hits = 0;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	KT_EXPECT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	kill(getpid(), SIGUSR1);
	wait_for(&hits);
	KT_EXPECT_EQ(hits, 1);
	KT_EXPECT(self_blocked);
	KT_EXPECT(extra_blocked);
	sigprocmask(SIG_BLOCK, NULL, &now);
	KT_EXPECT(!sigismember(&now, SIGUSR1));
	KT_EXPECT(!sigismember(&now, SIGUSR2));
}

static void sigchld_on_exit(void)
{
	chld_hits = 0;
	KT_EXPECT_EQ(set_handler(SIGCHLD, on_chld, SA_RESTART), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	wait_for(&chld_hits);
	KT_EXPECT(chld_hits >= 1);
	KT_EXPECT_EQ(waitpid(pid, NULL, 0), pid);
}

static void kill_sleeping_child(void)
{
	struct timespec t0, t1;
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec forever = { 100, 0 };
		nanosleep(&forever, NULL);
		_exit(0);
	}
	kt_msleep(50);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	KT_EXPECT_EQ(kill(pid, SIGTERM), 0);
	int st = kt_wait_timeout(pid, 10);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	KT_EXPECT(WIFSIGNALED(st));
	KT_EXPECT_EQ(WTERMSIG(st), SIGTERM);
	KT_EXPECT(t1.tv_sec - t0.tv_sec < 5);
}

static void sigkill_cannot_be_caught(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	KT_EXPECT_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	KT_EXPECT_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);	/* KILL cannot be blocked either */
		signal(SIGTERM, SIG_IGN);
		for (;;)
			kt_msleep(1000);
	}
	kt_msleep(20);
	kill(pid, SIGKILL);
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFSIGNALED(st));
	KT_EXPECT_EQ(WTERMSIG(st), SIGKILL);
}

static void ignored_signal(void)
{
	KT_EXPECT(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
	KT_EXPECT_EQ(kill(getpid(), SIGUSR2), 0);
	kt_msleep(10);	/* the default action would have killed us by now */
}

/*
 * A handled signal interrupts a blocking call, which fails with EINTR. The
 * parent repeats the signal until the child exits, in case the first one
 * arrived before the child was asleep.
 */
static void interrupted_sleep(void)
{
	int ready[2];
	char c = 0;

	KT_EXPECT_EQ(pipe(ready), 0);
	pid_t pid = fork();
	if (pid == 0) {
		set_handler(SIGUSR1, on_signal, 0);
		if (write(ready[1], &c, 1) != 1)
			_exit(2);
		struct timespec ts = { 30, 0 };
		int r = nanosleep(&ts, &ts);
		_exit(r == -1 && errno == EINTR && hits >= 1 && ts.tv_sec > 0 ? 0 : 1);
	}
	KT_EXPECT_EQ(read(ready[0], &c, 1), 1);
	int st = 0;
	pid_t done = 0;
	for (int i = 0; i < 100 && done == 0; i++) {
		kill(pid, SIGUSR1);
		kt_msleep(i == 0 ? 20 : 100);
		done = waitpid(pid, &st, WNOHANG);
	}
	if (done != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		kt_fail_at(__FILE__, __LINE__, "the child slept through 100 signals");
		return;
	}
	KT_EXPECT(WIFEXITED(st));
	KT_EXPECT_EQ(WEXITSTATUS(st), 0);
}

/* Registers survive a handler that runs in the middle of a computation. */
static void handler_preserves_state(void)
{
	volatile unsigned long sum = 0;

	hits = 0;
	set_handler(SIGUSR1, on_signal, 0);
	for (unsigned long i = 1; i <= 200000; i++) {
		sum += i;
		if (i == 100000)
			kill(getpid(), SIGUSR1);
	}
	KT_EXPECT_EQ(sum, 200000UL * 200001UL / 2);
	KT_EXPECT_EQ(hits, 1);
}

static void run_sigstate(char *out, size_t size)
{
	int p[2];

	out[0] = '\0';
	if (pipe(p))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)kt_self, "--sigstate", NULL };
		char *envp[] = { NULL };
		dup2(p[1], 1);
		execve(kt_self, argv, envp);
		_exit(127);
	}
	close(p[1]);
	ssize_t n = read(p[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	kt_wait_timeout(pid, 10);
}

/* execve resets handlers to default, keeps ignored signals and the mask. */
static void exec_resets_handlers(void)
{
	char state[16];
	sigset_t set;

	set_handler(SIGUSR1, on_signal, 0);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	run_sigstate(state, sizeof(state));
	if (strcmp(state, "DIB\n"))
		kt_fail_at(__FILE__, __LINE__, "after execve: '%s', expected 'DIB'", state);
}

static void fork_keeps_handlers_and_mask(void)
{
	sigset_t set;

	hits = 0;
	set_handler(SIGUSR1, on_signal, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		kill(getpid(), SIGUSR1);
		wait_for(&hits);
		_exit(hits == 1 && sigismember(&now, SIGUSR2) ? 0 : 1);
	}
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	KT_EXPECT_EQ(hits, 0);
}

static const struct kt_case cases[] = {
	{ "handler_runs", handler_runs },
	{ "mask_defers_delivery", mask_defers_delivery },
	{ "handler_mask", handler_mask },
	{ "sigchld_on_exit", sigchld_on_exit },
	{ "kill_sleeping_child", kill_sleeping_child },
	{ "sigkill_cannot_be_caught", sigkill_cannot_be_caught },
	{ "ignored_signal", ignored_signal },
	{ "interrupted_sleep", interrupted_sleep },
	{ "handler_preserves_state", handler_preserves_state },
	{ "exec_resets_handlers", exec_resets_handlers },
	{ "fork_keeps_handlers_and_mask", fork_keeps_handlers_and_mask },
	{ NULL, NULL },
};

const struct kt_suite suite_signal = { "signal", cases };
