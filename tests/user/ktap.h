/*
 * A small KTAP v1 harness for user-space tests: each case runs in a forked
 * child (a crash or a hang fails that case only), and the results print as
 * one KTAP subtest per suite, the same shape as the kernel's KTEST output.
 */
#ifndef USERTEST_KTAP_H
#define USERTEST_KTAP_H

#include <stdint.h>
#include <sys/types.h>

struct kt_case {
	const char *name;
	void (*fn)(void);
};

struct kt_suite {
	const char *name;
	const struct kt_case *cases;	/* ends with { NULL, NULL } */
};

/* Marks the running case failed and prints "# file:line: what" (printf format). */
void kt_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ends the running case as skipped with a reason (does not return). */
void kt_skip(const char *reason) __attribute__((noreturn));
/* A diagnostic line ("# ...") in the output. */
void kt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KT_EXPECT(cond) do { \
	if (!(cond)) kt_fail_at(__FILE__, __LINE__, "expected %s", #cond); \
} while (0)

#define KT_EXPECT_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) kt_fail_at(__FILE__, __LINE__, "%s == %s: got %lld, expected %lld", \
				 #a, #b, _a, _b); \
} while (0)

/* A raw system call's result is -1 with errno err. */
#define KT_EXPECT_ERR(call, err) do { \
	long _r = (long)(call); int _e = errno; \
	if (_r != -1 || _e != (err)) kt_fail_at(__FILE__, __LINE__, \
		"%s: got %ld (errno %d), expected -1 with errno %d", #call, _r, _e, (err)); \
} while (0)

/* Helpers shared by the suites (usertest.c). */
extern const char *kt_self;	/* absolute path of this program, for execve */
/* Forks; the child runs fn(arg) and _exits 0. Returns the raw wait status. */
int kt_run_child(void (*fn)(void *), void *arg);
/* Waits for pid with a time limit (kills it past the limit); returns the status or -1. */
int kt_wait_timeout(pid_t pid, int seconds);
/* Sleeps ms milliseconds (nanosleep, restarted after signals). */
void kt_msleep(long ms);
/* True on Linux (uname), where some Tessera-only checks are skipped. */
int kt_on_linux(void);
/* A directory for scratch files: $TMPDIR or /tmp. */
const char *kt_tmpdir(void);

#endif
