/*
 * Faults kill only the faulting process: NULL dereference, stack overflow,
 * writes to code, kernel and non-canonical addresses, privileged and illegal
 * instructions, division by zero. And a fork bomb meets a limit while the
 * parent goes on.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"

#define KERNEL_ADDR 0xffffffff80000000UL
#define NONCANONICAL_ADDR 0x0000800000000000UL	/* first address past the lower half */
#define FRAME_BYTES 1024
#define BOMB_BOUND 512		/* never more processes than this, Tessera or Linux */
#define BOMB_NPROC_LIMIT 64	/* RLIMIT_NPROC on Linux */
#define NOBODY 65534
#define BOMB_TIMEOUT_S 60

static volatile int stop_depth = -1;

static int died_of(int st, int sig)
{
	if (WIFSIGNALED(st) && WTERMSIG(st) == sig)
		return 1;
	kt_diag("child status %#x: %s %d", st, WIFSIGNALED(st) ? "signal" : "exit",
		WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	return 0;
}

static void null_deref(void *arg)
{
	(void)arg;
	*(volatile int *)0 = 1;
}

static int recurse(int depth)
{
	volatile char frame[FRAME_BYTES];

	frame[0] = (char)depth;
	if (depth == stop_depth)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void overflow(void *arg)
{
	(void)arg;
	recurse(0);
}

static void write_code(void *arg)
{
	(void)arg;
	*(volatile unsigned char *)(uintptr_t)&kt_msleep = 0xcc;
}

static void read_kernel(void *arg)
{
	(void)arg;
	(void)*(volatile unsigned long *)KERNEL_ADDR;
}

static void read_noncanonical(void *arg)
{
	(void)arg;
	(void)*(volatile unsigned long *)NONCANONICAL_ADDR;
}

static void privileged(void *arg)
{
	(void)arg;
	__asm__ volatile("cli");
}

static void illegal(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

static void divide(void *arg)
{
	volatile int zero = 0, x = 1;
	(void)arg;
	x = x / zero;
}

static void null_dereference(void) { KT_EXPECT(died_of(kt_run_child(null_deref, NULL), SIGSEGV)); }
static void stack_overflow(void) { KT_EXPECT(died_of(kt_run_child(overflow, NULL), SIGSEGV)); }
static void write_to_code(void) { KT_EXPECT(died_of(kt_run_child(write_code, NULL), SIGSEGV)); }
static void kernel_address(void) { KT_EXPECT(died_of(kt_run_child(read_kernel, NULL), SIGSEGV)); }
static void noncanonical_address(void)
{
	KT_EXPECT(died_of(kt_run_child(read_noncanonical, NULL), SIGSEGV));
}
static void privileged_instruction(void)
{
	KT_EXPECT(died_of(kt_run_child(privileged, NULL), SIGSEGV));
}
static void illegal_instruction(void) { KT_EXPECT(died_of(kt_run_child(illegal, NULL), SIGILL)); }
static void divide_by_zero(void) { KT_EXPECT(died_of(kt_run_child(divide, NULL), SIGFPE)); }

struct bomb_result {
	int forked;	/* children that were created */
	int err;	/* errno of the fork that failed, 0 if none did */
	int limited;	/* RLIMIT_NPROC is in force (Linux) */
};

/* On Linux root ignores RLIMIT_NPROC: drop to nobody first (raw calls, no musl setxid). */
static int limit_processes(void)
{
	struct rlimit rl = { BOMB_NPROC_LIMIT, BOMB_NPROC_LIMIT };

	if (!kt_on_linux())
		return 0;
	if (getuid() == 0 && (syscall(SYS_setgid, NOBODY) || syscall(SYS_setuid, NOBODY)))
		return 0;
	return setrlimit(RLIMIT_NPROC, &rl) == 0;
}

/* Forks until refused (or BOMB_BOUND); every child waits on a pipe, then all are reaped. */
static void bomber(int result_fd)
{
	struct bomb_result r = { 0, 0, 0 };
	int hold[2];
	char c;

	setpgid(0, 0);
	r.limited = limit_processes();
	if (pipe(hold))
		_exit(1);
	for (; r.forked < BOMB_BOUND; r.forked++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(hold[1]);
			_exit(read(hold[0], &c, 1) < 0);
		}
		if (pid < 0) {
			r.err = errno;
			break;
		}
	}
	close(hold[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(write(result_fd, &r, sizeof(r)) == sizeof(r) ? 0 : 1);
}

static void fork_bomb_limited(void)
{
	struct bomb_result r = { -1, 0, 0 };
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		bomber(p[1]);
	}
	close(p[1]);
	int st = kt_wait_timeout(pid, BOMB_TIMEOUT_S);
	kill(-pid, SIGKILL);	/* whatever is left of the bomb */
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	KT_EXPECT_EQ(read(p[0], &r, sizeof(r)), sizeof(r));
	close(p[0]);
	kt_diag("%d processes forked before fork failed with errno %d", r.forked, r.err);

	/* The point: the parent carries on. */
	pid_t after = fork();
	if (after == 0)
		_exit(9);
	KT_EXPECT(after > 0);
	st = kt_wait_timeout(after, 10);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 9);

	if (kt_on_linux() && !r.limited)
		kt_skip("Linux: could not drop root for RLIMIT_NPROC to apply");
	if (!kt_on_linux() && r.forked == BOMB_BOUND)
		kt_skip("no process cap below 512 processes");
	KT_EXPECT(r.forked < BOMB_BOUND);
	KT_EXPECT(r.err == EAGAIN || r.err == ENOMEM);
}

static const struct kt_case cases[] = {
	{ "null_dereference", null_dereference },
	{ "stack_overflow", stack_overflow },
	{ "write_to_code", write_to_code },
	{ "kernel_address", kernel_address },
	{ "noncanonical_address", noncanonical_address },
	{ "privileged_instruction", privileged_instruction },
	{ "illegal_instruction", illegal_instruction },
	{ "divide_by_zero", divide_by_zero },
	{ "fork_bomb_limited", fork_bomb_limited },
	{ NULL, NULL },
};

const struct kt_suite suite_fault = { "fault", cases };
