/*
 * Bad pointers: every pointer a system call takes, given an unmapped page,
 * a kernel address or a non-canonical address (and, for strings, a string
 * running off the end of the mapped memory), must fail with EFAULT and
 * never kill the caller. Raw syscall() so libc cannot fault first.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define PAGE 4096UL
#define KERNEL_ADDR 0xffffffff80000000UL
#define NONCANONICAL_ADDR 0x0000800000000000UL
#define SIGSET_BYTES 8		/* the kernel's sigset_t, not libc's */
#define ARCH_GET_FS 0x1003

enum { BAD_UNMAPPED, BAD_KERNEL, BAD_NONCANONICAL, BAD_STRING_TAIL, NBAD };
static const char *const bad_names[NBAD] = { "unmapped", "kernel", "non-canonical",
					     "string-tail" };
static void *bad[NBAD];

/* An unmapped page, and "/tmp/x" with no NUL before the page after it is unmapped. */
static void setup_bad_pointers(void)
{
	char *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(two, 'x', PAGE);
	two[PAGE - 6] = '/';
	munmap(two + PAGE, PAGE);
	bad[BAD_UNMAPPED] = two + PAGE;
	bad[BAD_KERNEL] = (void *)KERNEL_ADDR;
	bad[BAD_NONCANONICAL] = (void *)NONCANONICAL_ADDR;
	bad[BAD_STRING_TAIL] = two + PAGE - 6;
}

/* Checks one call for one bad pointer: -EFAULT, reported with the pointer's class. */
static void expect_efault(long r, const char *call, int which, int line)
{
	int e = errno;

	if (r == -1 && e == EFAULT)
		return;
	kt_fail_at(__FILE__, line, "%s with a %s pointer: got %ld (errno %d), expected EFAULT",
		   call, bad_names[which], r, r == -1 ? e : 0);
}

/* Runs expr once per bad-pointer class, with B standing for the pointer. */
#define FOR_BAD(n, expr) do { \
	setup_bad_pointers(); \
	for (int _i = 0; _i < (n); _i++) { \
		void *B = bad[_i]; \
		errno = 0; \
		expect_efault((long)(expr), #expr, _i, __LINE__); \
	} \
} while (0)
#define ALL_POINTERS BAD_STRING_TAIL		/* buffers: not the string case */
#define ALL_STRINGS NBAD			/* paths: also the unterminated one */

static char scratch[256];

static const char *scratch_path(const char *what)
{
	snprintf(scratch, sizeof(scratch), "%s/usertest-%s-%d", kt_tmpdir(), what, (int)getpid());
	return scratch;
}

static int pipe_with_data(int p[2])
{
	if (pipe(p))
		return -1;
	return write(p[1], "data", 4) == 4 ? 0 : -1;
}

static void t_read(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe_with_data(p), 0);
	FOR_BAD(ALL_POINTERS, syscall(SYS_read, p[0], B, 4));
	char buf[4];
	KT_EXPECT_EQ(read(p[0], buf, 4), 4);	/* the data is still there */
}

static void t_write(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	FOR_BAD(ALL_POINTERS, syscall(SYS_write, p[1], B, 4));
}

static void t_readv_writev(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe_with_data(p), 0);
	FOR_BAD(ALL_POINTERS, syscall(SYS_readv, p[0], B, 1));
	FOR_BAD(ALL_POINTERS, syscall(SYS_writev, p[1], B, 1));
	for (int i = 0; i < BAD_STRING_TAIL; i++) {
		struct iovec iov = { bad[i], 4 };
		errno = 0;
		expect_efault(syscall(SYS_readv, p[0], &iov, 1), "readv(iov_base)", i, __LINE__);
		errno = 0;
		expect_efault(syscall(SYS_writev, p[1], &iov, 1), "writev(iov_base)", i, __LINE__);
	}
}

static void t_pread64(void)
{
	const char *path = scratch_path("pread");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	KT_EXPECT(fd >= 0);
	KT_EXPECT_EQ(write(fd, "0123456789", 10), 10);
	FOR_BAD(ALL_POINTERS, syscall(SYS_pread64, fd, B, 10, 0));
	close(fd);
	unlink(path);
}

static void t_open(void)
{
	FOR_BAD(ALL_STRINGS, syscall(SYS_open, B, O_RDONLY));
	FOR_BAD(ALL_STRINGS, syscall(SYS_openat, AT_FDCWD, B, O_RDONLY));
}

static void t_stat(void)
{
	struct stat st;

	FOR_BAD(ALL_STRINGS, syscall(SYS_stat, B, &st));
	FOR_BAD(ALL_POINTERS, syscall(SYS_stat, "/", B));
	FOR_BAD(ALL_STRINGS, syscall(SYS_lstat, B, &st));
	FOR_BAD(ALL_POINTERS, syscall(SYS_lstat, "/", B));
	FOR_BAD(ALL_POINTERS, syscall(SYS_fstat, 1, B));
	FOR_BAD(ALL_STRINGS, syscall(SYS_newfstatat, AT_FDCWD, B, &st, 0));
	FOR_BAD(ALL_POINTERS, syscall(SYS_newfstatat, AT_FDCWD, "/", B, 0));
}

static void t_getdents64(void)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	KT_EXPECT(fd >= 0);
	FOR_BAD(ALL_POINTERS, syscall(SYS_getdents64, fd, B, 4096));
	close(fd);
}

static void t_pipe(void)
{
	FOR_BAD(ALL_POINTERS, syscall(SYS_pipe, B));
	FOR_BAD(ALL_POINTERS, syscall(SYS_pipe2, B, 0));
	/* No fd may leak from the failed calls: the next pipe gets the lowest two. */
	int lowest = dup(0);
	close(lowest);
	int p[2];
	KT_EXPECT_EQ(pipe(p), 0);
	KT_EXPECT_EQ(p[0], lowest);
}

static void t_paths(void)
{
	FOR_BAD(ALL_STRINGS, syscall(SYS_chdir, B));
	FOR_BAD(ALL_STRINGS, syscall(SYS_mkdir, B, 0700));
	FOR_BAD(ALL_STRINGS, syscall(SYS_rmdir, B));
	FOR_BAD(ALL_STRINGS, syscall(SYS_unlink, B));
	FOR_BAD(ALL_STRINGS, syscall(SYS_access, B, F_OK));
}

static void t_rename_link(void)
{
	char target[256];

	snprintf(target, sizeof(target), "%s", scratch_path("link"));
	FOR_BAD(ALL_STRINGS, syscall(SYS_rename, B, target));
	FOR_BAD(ALL_STRINGS, syscall(SYS_rename, "/nonexistent-usertest", B));
	FOR_BAD(ALL_STRINGS, syscall(SYS_link, B, target));
	FOR_BAD(ALL_STRINGS, syscall(SYS_symlink, B, target));
	FOR_BAD(ALL_STRINGS, syscall(SYS_symlink, "x", B));
	unlink(target);
}

static void t_getcwd_uname(void)
{
	FOR_BAD(ALL_POINTERS, syscall(SYS_getcwd, B, 4096));
	FOR_BAD(ALL_POINTERS, syscall(SYS_uname, B));
}

static void t_time(void)
{
	FOR_BAD(ALL_POINTERS, syscall(SYS_nanosleep, B, NULL));
	FOR_BAD(ALL_POINTERS, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, B));
	FOR_BAD(ALL_POINTERS, syscall(SYS_gettimeofday, B, NULL));
}

static void t_getrandom(void)
{
	FOR_BAD(ALL_POINTERS, syscall(SYS_getrandom, B, 16, 0));
}

static void t_signals(void)
{
	FOR_BAD(ALL_POINTERS, syscall(SYS_rt_sigaction, SIGUSR1, B, NULL, SIGSET_BYTES));
	FOR_BAD(ALL_POINTERS, syscall(SYS_rt_sigaction, SIGUSR1, NULL, B, SIGSET_BYTES));
	FOR_BAD(ALL_POINTERS, syscall(SYS_rt_sigprocmask, SIG_BLOCK, B, NULL, SIGSET_BYTES));
	FOR_BAD(ALL_POINTERS, syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, B, SIGSET_BYTES));
}

static void t_wait4(void)
{
	setup_bad_pointers();
	for (int i = 0; i < BAD_STRING_TAIL; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		kt_msleep(20);
		errno = 0;
		expect_efault(syscall(SYS_wait4, pid, bad[i], 0, NULL), "wait4(status)", i, __LINE__);
		waitpid(pid, NULL, 0);	/* reaped already on Linux; harmless then */
	}
	for (int i = 0; i < BAD_STRING_TAIL; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		kt_msleep(20);
		errno = 0;
		expect_efault(syscall(SYS_wait4, pid, NULL, 0, bad[i]), "wait4(rusage)", i, __LINE__);
		waitpid(pid, NULL, 0);
	}
}

/* A wrongly successful execve runs us with USERTEST_EXEC_GUARD set: exit 99. */
static void execve_case(void *arg)
{
	int which = *(int *)arg;
	char *guard_env[] = { "USERTEST_EXEC_GUARD=1", NULL };
	char *argv[] = { (char *)kt_self, "--exit", "99", NULL };
	char *bad_argv[] = { (char *)kt_self, bad[which], NULL };

	errno = 0;
	long r = syscall(SYS_execve, kt_self, bad[which], guard_env);
	int ok = r == -1 && errno == EFAULT;
	r = syscall(SYS_execve, kt_self, bad_argv, guard_env);
	ok &= r == -1 && errno == EFAULT;
	r = syscall(SYS_execve, kt_self, argv, bad[which]);
	ok &= r == -1 && errno == EFAULT;
	_exit(ok ? 0 : 1);
}

static void t_execve(void)
{
	FOR_BAD(ALL_STRINGS, syscall(SYS_execve, B, NULL, NULL));
	for (int i = 0; i < BAD_STRING_TAIL; i++) {
		int st = kt_run_child(execve_case, &i);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			kt_fail_at(__FILE__, __LINE__, "execve with a %s argv/envp: status %#x",
				   bad_names[i], st);
	}
}

static int find_tty(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd))
			return fd;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	return fd >= 0 ? fd : open("/dev/console", O_RDWR | O_NOCTTY);
}

static void t_ioctl(void)
{
	int fd = find_tty();

	if (fd < 0 || !isatty(fd))
		kt_skip("no terminal to call ioctl on");
	/* This case runs in a background process group: changing the terminal must not stop it. */
	signal(SIGTTOU, SIG_IGN);
	FOR_BAD(ALL_POINTERS, syscall(SYS_ioctl, fd, TCGETS, B));
	FOR_BAD(ALL_POINTERS, syscall(SYS_ioctl, fd, TCSETS, B));
	FOR_BAD(ALL_POINTERS, syscall(SYS_ioctl, fd, TIOCGWINSZ, B));
	/* Process-group requests need it to be our controlling terminal (ENOTTY before copying). */
	if (tcgetpgrp(fd) < 0)
		return;
	FOR_BAD(ALL_POINTERS, syscall(SYS_ioctl, fd, TIOCGPGRP, B));
	FOR_BAD(ALL_POINTERS, syscall(SYS_ioctl, fd, TIOCSPGRP, B));
}

static void t_arch_prctl(void)
{
	FOR_BAD(ALL_POINTERS, syscall(SYS_arch_prctl, ARCH_GET_FS, B));
}

static const struct kt_case cases[] = {
	{ "read", t_read },
	{ "write", t_write },
	{ "readv_writev", t_readv_writev },
	{ "pread64", t_pread64 },
	{ "open_openat", t_open },
	{ "stat_family", t_stat },
	{ "getdents64", t_getdents64 },
	{ "pipe_pipe2", t_pipe },
	{ "path_calls", t_paths },
	{ "rename_link_symlink", t_rename_link },
	{ "getcwd_uname", t_getcwd_uname },
	{ "time_calls", t_time },
	{ "getrandom", t_getrandom },
	{ "signal_calls", t_signals },
	{ "wait4", t_wait4 },
	{ "execve", t_execve },
	{ "ioctl", t_ioctl },
	{ "arch_prctl", t_arch_prctl },
	{ NULL, NULL },
};

const struct kt_suite suite_efault = { "efault", cases };
