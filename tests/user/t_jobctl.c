/*
 * Job control and spawning: stop signals stop (wait4 WUNTRACED), SIGCONT
 * continues (WCONTINUED), a stopped sleep finishes as if never stopped,
 * SIGKILL ends a stopped process, an orphaned stopped one is hung up,
 * SA_RESTART restarts a read; posix_spawn (clone CLONE_VM|CLONE_VFORK
 * in musl) and vfork; thread clones are refused.
 */
#define _GNU_SOURCE	/* ppoll, CLONE_* */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define NAP_MS 50
#define SLEEP_MS 300
#define TIMEOUT_S 10

extern char **environ;

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static int wait_opts(pid_t pid, int opts)
{
	int st = 0;

	if (waitpid(pid, &st, opts) != pid)
		return -1;
	return st;
}

static void stop_then_continue(int stopsig)
{
	pid_t pid = sleeper();
	KT_EXPECT(pid > 0);
	kt_msleep(NAP_MS);
	KT_EXPECT_EQ(kill(pid, stopsig), 0);
	int st = wait_opts(pid, WUNTRACED);
	KT_EXPECT(WIFSTOPPED(st));
	KT_EXPECT_EQ(WSTOPSIG(st), stopsig);
	KT_EXPECT_EQ(waitpid(pid, &st, WNOHANG | WUNTRACED), 0);	/* reported once */
	KT_EXPECT_EQ(kill(pid, SIGCONT), 0);
	st = wait_opts(pid, WCONTINUED);
	KT_EXPECT(WIFCONTINUED(st));
	kill(pid, SIGKILL);
	st = wait_opts(pid, 0);
	KT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static void sigstop_stops(void) { stop_then_continue(SIGSTOP); }
static void sigtstp_stops(void) { stop_then_continue(SIGTSTP); }
static void sigttin_stops(void) { stop_then_continue(SIGTTIN); }

static void sigkill_ends_stopped(void)
{
	pid_t pid = sleeper();
	kt_msleep(NAP_MS);
	kill(pid, SIGSTOP);
	KT_EXPECT(WIFSTOPPED(wait_opts(pid, WUNTRACED)));
	kill(pid, SIGTERM);	/* stays pending while stopped */
	kill(pid, SIGKILL);
	int st = wait_opts(pid, 0);
	KT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* A sleep that is stopped and continued still sleeps and returns 0, not EINTR. */
static void stopped_sleep_restarts(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec ts = { 0, SLEEP_MS * 1000000L };
		_exit(nanosleep(&ts, &ts) == 0 ? 0 : 10 + errno);
	}
	kt_msleep(NAP_MS);
	kill(pid, SIGTSTP);
	KT_EXPECT(WIFSTOPPED(wait_opts(pid, WUNTRACED)));
	kill(pid, SIGCONT);
	int st = kt_wait_timeout(pid, TIMEOUT_S);
	KT_EXPECT(WIFEXITED(st));
	KT_EXPECT_EQ(WEXITSTATUS(st), 0);
}

static volatile sig_atomic_t handled;

static void count_signal(int sig)
{
	(void)sig;
	handled++;
}

/* SA_RESTART (musl's signal() sets it): a read the handler interrupted goes on. */
static void sa_restart_read(void)
{
	struct sigaction sa = { .sa_handler = count_signal, .sa_flags = SA_RESTART };
	int p[2];
	char c = 0;

	sigaction(SIGUSR1, &sa, NULL);
	KT_EXPECT_EQ(pipe(p), 0);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		kt_msleep(NAP_MS);
		kill(parent, SIGUSR1);
		kt_msleep(NAP_MS);
		_exit(write(p[1], "r", 1) == 1 ? 0 : 1);
	}
	KT_EXPECT_EQ(read(p[0], &c, 1), 1);
	KT_EXPECT_EQ(c, 'r');
	KT_EXPECT_EQ(handled, 1);
	kt_wait_timeout(pid, TIMEOUT_S);
	close(p[0]);
	close(p[1]);
}

/*
 * A stopped process whose group is orphaned (its parent, the group's only
 * link outside, exits) gets SIGHUP and SIGCONT, so it does not wait forever.
 */
static void orphaned_stopped_hangs_up(void)
{
	int p[2];
	pid_t grandchild = 0;

	KT_EXPECT_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		pid_t g = sleeper();
		kill(g, SIGSTOP);
		if (!WIFSTOPPED(wait_opts(g, WUNTRACED)))
			_exit(1);
		_exit(write(p[1], &g, sizeof(g)) == sizeof(g) ? 0 : 1);
	}
	int st = kt_wait_timeout(pid, TIMEOUT_S);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	KT_EXPECT_EQ(read(p[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	int gone = 0;
	for (int i = 0; i < TIMEOUT_S * 100 && grandchild > 0 && !gone; i++) {
		gone = kill(grandchild, 0) < 0 && errno == ESRCH;
		if (!gone)
			kt_msleep(10);
	}
	if (!gone && grandchild > 0)
		kill(grandchild, SIGKILL);
	KT_EXPECT(gone);
	close(p[0]);
	close(p[1]);
}

static void handler_runs_for_tstp(void) { }

static void caught_tstp_does_not_stop(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGTSTP, (void (*)(int))handler_runs_for_tstp);
		pause();
		_exit(5);
	}
	kt_msleep(NAP_MS);
	kill(pid, SIGTSTP);
	int st = kt_wait_timeout(pid, TIMEOUT_S);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 5);
}

static void posix_spawn_echo(void)
{
	int p[2];
	char buf[64] = { 0 };
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "echo", "spawned", NULL };

	KT_EXPECT_EQ(pipe(p), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	KT_EXPECT_EQ(posix_spawn(&pid, "/bin/echo", &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	KT_EXPECT_EQ(read(p[0], buf, sizeof(buf) - 1), 8);
	KT_EXPECT(!strcmp(buf, "spawned\n"));
	int st = kt_wait_timeout(pid, TIMEOUT_S);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(p[0]);
}

static void posix_spawn_missing(void)
{
	pid_t pid;
	char *argv[] = { "nothing", NULL };

	KT_EXPECT_EQ(posix_spawn(&pid, "/nonexistent/nothing", NULL, NULL, argv, environ), ENOENT);
	/* musl reaps a child whose exec failed itself. */
	KT_EXPECT_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(7);
	KT_EXPECT(pid > 0);
	int st = kt_wait_timeout(pid, TIMEOUT_S);
	KT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

static void thread_clone_refused(void)
{
	if (kt_on_linux())
		kt_skip("Linux makes a thread");
	long r = syscall(SYS_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, (void *)0, 0, 0, 0);
	KT_EXPECT_EQ(r, -1);
	KT_EXPECT_EQ(errno, EINVAL);
}

static const struct kt_case cases[] = {
	{ "sigstop_stops", sigstop_stops },
	{ "sigtstp_stops", sigtstp_stops },
	{ "sigttin_stops", sigttin_stops },
	{ "sigkill_ends_stopped", sigkill_ends_stopped },
	{ "stopped_sleep_restarts", stopped_sleep_restarts },
	{ "caught_tstp_does_not_stop", caught_tstp_does_not_stop },
	{ "sa_restart_read", sa_restart_read },
	{ "orphaned_stopped_hangs_up", orphaned_stopped_hangs_up },
	{ "posix_spawn_echo", posix_spawn_echo },
	{ "posix_spawn_missing", posix_spawn_missing },
	{ "vfork_exit", vfork_exit },
	{ "thread_clone_refused", thread_clone_refused },
	{ NULL, NULL },
};

const struct kt_suite suite_jobctl = { "jobctl", cases };
