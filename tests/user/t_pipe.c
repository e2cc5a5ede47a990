/*
 * Pipes: data in order, EOF when the last writer closes, EPIPE/SIGPIPE when
 * no reader is left, a full pipe blocking its writer, O_NONBLOCK, dup2.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"

#define FLOOD_BYTES (1024 * 1024)	/* far more than any pipe buffer */
#define BLOCK 4096
#define MESSAGES 200

static void roundtrip(void)
{
	int p[2];
	char buf[16] = { 0 };

	KT_EXPECT_EQ(pipe(p), 0);
	KT_EXPECT_EQ(write(p[1], "hello", 5), 5);
	KT_EXPECT_EQ(read(p[0], buf, sizeof(buf)), 5);
	KT_EXPECT(!memcmp(buf, "hello", 5));
	close(p[0]);
	close(p[1]);
}

static void eof_after_last_writer(void)
{
	int p[2];
	char c;

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	close(p[1]);
	KT_EXPECT_EQ(read(p[0], &c, 1), 1);
	KT_EXPECT_EQ(read(p[0], &c, 1), 0);	/* the child's copy is gone with it */
	kt_wait_timeout(pid, 10);
	close(p[0]);
}

static void epipe_without_reader(void)
{
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	KT_EXPECT_EQ(pipe(p), 0);
	close(p[0]);
	KT_EXPECT_ERR(write(p[1], "x", 1), EPIPE);
	close(p[1]);
}

static void sigpipe_kills_writer(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(p[0]);
		for (;;)
			if (write(p[1], "x", 1) < 0)
				_exit(1);	/* not killed: wrong */
	}
	close(p[0]);
	close(p[1]);
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFSIGNALED(st));
	KT_EXPECT_EQ(WTERMSIG(st), SIGPIPE);
}

/* The writer must block on a full pipe, then finish once the reader drains it. */
static void full_pipe_blocks_writer(void)
{
	int p[2];
	static unsigned char buf[BLOCK];
	size_t got = 0;
	int bad = 0;

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (size_t off = 0; off < FLOOD_BYTES; off += BLOCK) {
			for (int i = 0; i < BLOCK; i++)
				buf[i] = (unsigned char)((off + (size_t)i) * 7);
			for (size_t done = 0; done < BLOCK;) {
				ssize_t n = write(p[1], buf + done, BLOCK - done);
				if (n <= 0)
					_exit(1);
				done += (size_t)n;
			}
		}
		_exit(0);
	}
	close(p[1]);
	kt_msleep(200);
	KT_EXPECT_EQ(waitpid(pid, NULL, WNOHANG), 0);	/* still blocked */
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			bad |= buf[i] != (unsigned char)((got + (size_t)i) * 7);
		got += (size_t)n;
	}
	KT_EXPECT_EQ(got, FLOOD_BYTES);
	KT_EXPECT(!bad);
	int st = kt_wait_timeout(pid, 10);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(p[0]);
}

static void nonblocking_full_pipe(void)
{
	int p[2];
	char buf[BLOCK] = { 0 };
	long total = 0;
	ssize_t n;

	KT_EXPECT_EQ(pipe(p), 0);
	KT_EXPECT_EQ(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	KT_EXPECT(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	while ((n = write(p[1], buf, sizeof(buf))) > 0 && total < FLOOD_BYTES)
		total += n;
	KT_EXPECT(total > 0 && total < FLOOD_BYTES);
	KT_EXPECT_ERR(write(p[1], buf, sizeof(buf)), EAGAIN);
	KT_EXPECT_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		total -= n;
	KT_EXPECT_EQ(total, 0);
	KT_EXPECT_ERR(read(p[0], buf, sizeof(buf)), EAGAIN);
	close(p[0]);
	close(p[1]);
}

static void messages_in_order(void)
{
	int p[2], bad = 0;

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < MESSAGES; i++)
			if (write(p[1], &i, sizeof(i)) != sizeof(i))
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	for (int i = 0; i < MESSAGES; i++) {
		int v = -1;
		size_t got = 0;
		while (got < sizeof(v)) {
			ssize_t n = read(p[0], (char *)&v + got, sizeof(v) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		bad |= v != i;
	}
	KT_EXPECT(!bad);
	kt_wait_timeout(pid, 10);
	close(p[0]);
}

static void dup2_into_stdout(void)
{
	int p[2];
	char buf[64] = { 0 };

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)kt_self, "--echo", "via-dup2", NULL };
		char *envp[] = { "USERTEST_X=1", NULL };
		close(p[0]);
		if (dup2(p[1], 1) != 1)
			_exit(1);
		close(p[1]);
		execve(kt_self, argv, envp);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t n;
	while (got < sizeof(buf) - 1 && (n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;	/* the helper writes in two pieces */
	if (strcmp(buf, "via-dup2|1\n"))
		kt_fail_at(__FILE__, __LINE__, "child printed '%s'", buf);
	kt_wait_timeout(pid, 10);
	close(p[0]);
}

static void pipe2_cloexec(void)
{
	int p[2];

	KT_EXPECT_EQ(pipe2(p, O_CLOEXEC), 0);
	KT_EXPECT(fcntl(p[0], F_GETFD) & FD_CLOEXEC);
	KT_EXPECT(fcntl(p[1], F_GETFD) & FD_CLOEXEC);
	int d = dup(p[0]);
	KT_EXPECT(d >= 0 && !(fcntl(d, F_GETFD) & FD_CLOEXEC));
	int d3 = dup3(p[1], 30, O_CLOEXEC);
	KT_EXPECT_EQ(d3, 30);
	KT_EXPECT(fcntl(30, F_GETFD) & FD_CLOEXEC);
	close(d);
	close(30);
	close(p[0]);
	close(p[1]);
}

static const struct kt_case cases[] = {
	{ "roundtrip", roundtrip },
	{ "eof_after_last_writer", eof_after_last_writer },
	{ "epipe_without_reader", epipe_without_reader },
	{ "sigpipe_kills_writer", sigpipe_kills_writer },
	{ "full_pipe_blocks_writer", full_pipe_blocks_writer },
	{ "nonblocking_full_pipe", nonblocking_full_pipe },
	{ "messages_in_order", messages_in_order },
	{ "dup2_into_stdout", dup2_into_stdout },
	{ "pipe2_cloexec", pipe2_cloexec },
	{ NULL, NULL },
};

const struct kt_suite suite_pipe = { "pipe", cases };
