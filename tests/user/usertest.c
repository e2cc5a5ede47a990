/*
 * usertest: the user-space test suite. The same static musl binary runs on
 * Linux and on Tessera and prints KTAP v1; `usertest SUITE...` runs only the
 * named suites. Also holds the helper modes that execve tests re-run this
 * program in (--exit, --echo, --sigstate).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define CASE_TIMEOUT_S 60
#define EXIT_PASS 0
#define EXIT_FAIL 1
#define EXIT_SKIP 77

extern const struct kt_suite suite_proc, suite_cow, suite_pipe, suite_signal,
	suite_mem, suite_fault, suite_efault;
extern const struct kt_suite suite_poll, suite_jobctl;

static const struct kt_suite *const suites[] = {
	&suite_proc, &suite_cow, &suite_pipe, &suite_signal, &suite_mem, &suite_fault,
	&suite_efault,
	&suite_poll, &suite_jobctl,
};
#define NSUITES ((int)(sizeof(suites) / sizeof(suites[0])))

const char *kt_self;
static int case_failed;
static int skip_fd = -1;	/* where a skipping case writes its reason */

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	/* Unbuffered on purpose: nothing may be duplicated by fork. */
	if (write(1, buf, (size_t)n) < 0)
		_exit(EXIT_FAIL);
}

void kt_fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out("    # %s:%d: %s\n", file, line, msg);
	case_failed = 1;
}

void kt_diag(const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out("    # %s\n", msg);
}

void kt_skip(const char *reason)
{
	if (case_failed)
		_exit(EXIT_FAIL);	/* a failure before the skip still counts */
	if (write(skip_fd, reason, strlen(reason)) < 0)
		_exit(EXIT_FAIL);
	_exit(EXIT_SKIP);
}

void kt_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int kt_wait_timeout(pid_t pid, int seconds)
{
	int status;
	long waited_ms = 0;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited_ms >= seconds * 1000L) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		kt_msleep(waited_ms < 100 ? 1 : 10);
		waited_ms += waited_ms < 100 ? 1 : 10;
	}
}

int kt_run_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0)
		return -1;
	return kt_wait_timeout(pid, CASE_TIMEOUT_S);
}

int kt_on_linux(void)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.sysname, "Linux");
}

const char *kt_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

/* Runs one case in a child; returns EXIT_PASS/FAIL/SKIP and the skip reason. */
static int run_case(const struct kt_case *c, char *reason, size_t size)
{
	int p[2];

	if (pipe(p))
		return EXIT_FAIL;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		skip_fd = p[1];
		setpgid(0, 0);	/* so a runaway case can be killed with everything it started */
		c->fn();
		_exit(case_failed ? EXIT_FAIL : EXIT_PASS);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return EXIT_FAIL;
	}
	int status = kt_wait_timeout(pid, CASE_TIMEOUT_S);
	kill(-pid, SIGKILL);
	ssize_t n = read(p[0], reason, size - 1);
	reason[n > 0 ? n : 0] = '\0';
	close(p[0]);
	if (status == -1) {
		out("    # timed out after %d s\n", CASE_TIMEOUT_S);
		return EXIT_FAIL;
	}
	if (WIFSIGNALED(status)) {
		out("    # the case died of signal %d\n", WTERMSIG(status));
		return EXIT_FAIL;
	}
	return WEXITSTATUS(status);
}

static int count_cases(const struct kt_suite *s)
{
	int n = 0;

	while (s->cases[n].name)
		n++;
	return n;
}

/* Prints one suite as a KTAP subtest; returns 1 when nothing failed. */
static int run_suite(const struct kt_suite *s)
{
	int ok = 1;

	out("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", s->name, count_cases(s));
	for (int i = 0; s->cases[i].name; i++) {
		char reason[256];
		int r = run_case(&s->cases[i], reason, sizeof(reason));
		if (r == EXIT_SKIP)
			out("    ok %d %s # SKIP %s\n", i + 1, s->cases[i].name, reason);
		else if (r == EXIT_PASS)
			out("    ok %d %s\n", i + 1, s->cases[i].name);
		else
			out("    not ok %d %s\n", i + 1, s->cases[i].name);
		ok &= r == EXIT_PASS || r == EXIT_SKIP;
	}
	return ok;
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

static void find_self(const char *argv0)
{
	static char path[2 * PATH_MAX];
	char cwd[PATH_MAX];

	if (argv0[0] == '/') {
		kt_self = argv0;
	} else if (strchr(argv0, '/') && getcwd(cwd, sizeof(cwd))) {
		snprintf(path, sizeof(path), "%s/%s", cwd, argv0);
		kt_self = path;
	} else {
		/* Found through PATH by the shell: look it up the same way. */
		const char *p = getenv("PATH");
		char dirs[2 * PATH_MAX];
		snprintf(dirs, sizeof(dirs), "%s", p ? p : "/bin");
		for (char *d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
			snprintf(path, sizeof(path), "%s/%s", d, argv0);
			if (access(path, X_OK) == 0) {
				kt_self = path;
				return;
			}
		}
		kt_self = argv0;
	}
}

/* Helper modes for the execve tests; returns -1 when argv names none. */
static int helper_mode(int argc, char **argv)
{
	if (getenv("USERTEST_EXEC_GUARD"))
		return 99;	/* an execve that should have failed did not */
	if (argc >= 3 && !strcmp(argv[1], "--exit"))
		return atoi(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "--echo")) {
		const char *x = getenv("USERTEST_X");
		for (int i = 2; i < argc; i++)
			out("%s|", argv[i]);
		out("%s\n", x ? x : "(unset)");
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--sigstate")) {
		struct sigaction sa;
		sigset_t mask;
		sigprocmask(SIG_BLOCK, NULL, &mask);
		sigaction(SIGUSR1, NULL, &sa);
		char d1 = sa.sa_handler == SIG_DFL ? 'D' : sa.sa_handler == SIG_IGN ? 'I' : 'H';
		sigaction(SIGUSR2, NULL, &sa);
		char d2 = sa.sa_handler == SIG_DFL ? 'D' : sa.sa_handler == SIG_IGN ? 'I' : 'H';
		out("%c%c%c\n", d1, d2, sigismember(&mask, SIGUSR1) ? 'B' : 'U');
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int mode = helper_mode(argc, argv);
	int all_ok = 1, n = 0;

	if (mode >= 0)
		return mode;
	find_self(argv[0]);
	for (int i = 0; i < NSUITES; i++)
		n += selected(suites[i]->name, argc, argv);
	out("KTAP version 1\n1..%d\n", n);
	for (int i = 0, k = 0; i < NSUITES; i++) {
		if (!selected(suites[i]->name, argc, argv))
			continue;
		int ok = run_suite(suites[i]);
		out("%s %d %s\n", ok ? "ok" : "not ok", ++k, suites[i]->name);
		all_ok &= ok;
	}
	return all_ok ? 0 : 1;
}
