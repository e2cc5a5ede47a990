/*
 * Processes: fork, execve, exit statuses, wait4/waitpid, parents and
 * orphans, process groups and sessions.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"

#define MANY_CHILDREN 20

/* Reads what a pipe carries until EOF into buf (NUL-terminated). */
static size_t read_all(int fd, char *buf, size_t size)
{
	size_t used = 0;
	ssize_t n;

	while (used < size - 1 && (n = read(fd, buf + used, size - 1 - used)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	return used;
}

static void fork_exit_status(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(42);
	KT_EXPECT(pid > 0);
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFEXITED(st));
	KT_EXPECT_EQ(WEXITSTATUS(st), 42);
}

static void exit_status_low_byte(void)
{
	pid_t pid = fork();

	if (pid == 0)
		syscall(SYS_exit_group, 256 + 3);
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFEXITED(st));
	KT_EXPECT_EQ(WEXITSTATUS(st), 3);
}

static void wait_nohang(void)
{
	int p[2], st;
	char c;

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);	/* blocks until the parent closes */
	}
	close(p[0]);
	KT_EXPECT_EQ(waitpid(pid, &st, WNOHANG), 0);
	close(p[1]);
	st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void wait_no_children(void)
{
	KT_EXPECT_ERR(waitpid(-1, NULL, 0), ECHILD);
	KT_EXPECT_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void pids_and_parents(void)
{
	int p[2];
	pid_t me = getpid(), seen[2];

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t mine[2] = { getpid(), getppid() };
		_exit(write(p[1], mine, sizeof(mine)) == sizeof(mine) ? 0 : 1);
	}
	close(p[1]);
	KT_EXPECT_EQ(read(p[0], seen, sizeof(seen)), sizeof(seen));
	KT_EXPECT_EQ(seen[0], pid);
	KT_EXPECT_EQ(seen[1], me);
	KT_EXPECT(pid != me);
	kt_wait_timeout(pid, 10);
}

static void many_children(void)
{
	pid_t pids[MANY_CHILDREN];
	int seen = 0;

	for (int i = 0; i < MANY_CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(i + 1);
		KT_EXPECT(pids[i] > 0);
	}
	for (int i = 0; i < MANY_CHILDREN; i++) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		for (int j = 0; j < MANY_CHILDREN; j++)
			if (pids[j] == pid && WIFEXITED(st) && WEXITSTATUS(st) == j + 1)
				seen |= 1 << j;
	}
	KT_EXPECT_EQ(seen, (1 << MANY_CHILDREN) - 1);
	KT_EXPECT_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void execve_args_and_env(void)
{
	int p[2];
	char buf[256];

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)kt_self, "--echo", "a b", "c", NULL };
		char *envp[] = { "USERTEST_X=42", NULL };
		dup2(p[1], 1);
		execve(kt_self, argv, envp);
		_exit(127);
	}
	close(p[1]);
	read_all(p[0], buf, sizeof(buf));
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (strcmp(buf, "a b|c|42\n"))
		kt_fail_at(__FILE__, __LINE__, "child printed '%s'", buf);
}

static void execve_exit_status(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { (char *)kt_self, "--exit", "7", NULL };
		char *envp[] = { NULL };
		execve(kt_self, argv, envp);
		_exit(127);
	}
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFEXITED(st));
	KT_EXPECT_EQ(WEXITSTATUS(st), 7);
}

static void execve_errors(void)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };

	KT_EXPECT_ERR(execve("/nonexistent/usertest", argv, envp), ENOENT);
	KT_EXPECT_ERR(execve(kt_tmpdir(), argv, envp), EACCES);
}

/* The grandchild outlives its parent and must be handed to another one. */
static void orphan_reparented(void)
{
	int p[2];
	pid_t before[2], after;

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t child = fork();
	if (child == 0) {
		pid_t first = getpid();
		pid_t gc = fork();
		if (gc == 0) {
			while (getppid() == first)
				kt_msleep(5);
			pid_t now = getppid();
			pid_t msg[2] = { first, now };
			_exit(write(p[1], msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
		}
		_exit(0);
	}
	close(p[1]);
	kt_wait_timeout(child, 10);
	KT_EXPECT_EQ(read(p[0], before, sizeof(before)), sizeof(before));
	after = before[1];
	KT_EXPECT_EQ(before[0], child);
	KT_EXPECT(after != child && after > 0);
}

static void process_groups(void)
{
	int p[2];
	pid_t got[3];

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t g1 = setpgid(0, 0) == 0 ? getpgid(0) : -1;
		pid_t sid = setsid();	/* fails: a group leader cannot start a session */
		pid_t msg[3] = { g1, sid, getpgid(0) };
		_exit(write(p[1], msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
	}
	close(p[1]);
	KT_EXPECT_EQ(read(p[0], got, sizeof(got)), sizeof(got));
	KT_EXPECT_EQ(got[0], pid);
	KT_EXPECT_EQ(got[1], -1);
	KT_EXPECT_EQ(got[2], pid);
	KT_EXPECT_EQ(getpgid(pid), pid);
	kt_wait_timeout(pid, 10);
}

static void new_session(void)
{
	int p[2];
	pid_t got[2];

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t msg[2] = { setsid(), getpgid(0) };
		_exit(write(p[1], msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
	}
	close(p[1]);
	KT_EXPECT_EQ(read(p[0], got, sizeof(got)), sizeof(got));
	KT_EXPECT_EQ(got[0], pid);
	KT_EXPECT_EQ(got[1], pid);
	kt_wait_timeout(pid, 10);
}

static void wait_for_group(void)
{
	pid_t a = fork();

	if (a == 0) {
		setpgid(0, 0);
		kt_msleep(50);
		_exit(5);
	}
	setpgid(a, a);
	pid_t b = fork();
	if (b == 0)
		_exit(6);
	int st;
	KT_EXPECT_EQ(waitpid(-a, &st, 0), a);	/* only a is in group a */
	KT_EXPECT_EQ(WEXITSTATUS(st), 5);
	KT_EXPECT_EQ(waitpid(b, &st, 0), b);
	KT_EXPECT_EQ(WEXITSTATUS(st), 6);
}

static const struct kt_case cases[] = {
	{ "fork_exit_status", fork_exit_status },
	{ "exit_status_low_byte", exit_status_low_byte },
	{ "wait_nohang", wait_nohang },
	{ "wait_no_children", wait_no_children },
	{ "pids_and_parents", pids_and_parents },
	{ "many_children", many_children },
	{ "execve_args_and_env", execve_args_and_env },
	{ "execve_exit_status", execve_exit_status },
	{ "execve_errors", execve_errors },
	{ "orphan_reparented", orphan_reparented },
	{ "process_groups", process_groups },
	{ "new_session", new_session },
	{ "wait_for_group", wait_for_group },
	{ NULL, NULL },
};

const struct kt_suite suite_proc = { "proc", cases };
