/*
 * init: the first user process. Mounts what the kernel offers, opens
 * /dev/console as fds 0-2 when the kernel left them closed, starts the shell,
 * starts it again whenever it exits, and reaps every orphan handed to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ulib.h"

#define CONSOLE "/dev/console"
#define DEFAULT_SHELL "/bin/sh"
#define RESPAWN_MIN_SECONDS 1	/* a shell that dies faster is restarted this much later */

static const struct { const char *type, *target; } mounts[] = {
	{ "devfs", "/dev" },
	{ "proc", "/proc" },
};

static const int ignored_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU,
};
#define N_IGNORED (sizeof(ignored_signals) / sizeof(ignored_signals[0]))

static int is_pid1;

/* An error that only means "this kernel has no such thing (yet)". */
static int absent(int err)
{
	return err == ENOSYS || err == ENOENT || err == ENODEV || err == EBUSY;
}

static void mount_all(void)
{
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		/* Raw syscall: mount(2) is outside the first system-call set. */
		long r = syscall(SYS_mount, mounts[i].type, mounts[i].target,
				 mounts[i].type, 0UL, NULL);
		if (r && !absent(errno))
			u_warnx("mount %s on %s: %s", mounts[i].type, mounts[i].target,
				strerror(errno));
	}
}

/* Gives every closed fd among 0, 1, 2 to the console. */
static void open_console(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* O_NOCTTY: the console is the shell's controlling terminal, not ours. */
		int c = open(CONSOLE, O_RDWR | O_NOCTTY);
		if (c < 0)
			return;
		if (c != fd) {
			dup2(c, fd);
			close(c);
		}
	}
}

static void set_default_env(void)
{
	setenv("PATH", "/bin:/sbin", 0);
	setenv("HOME", "/", 0);
	setenv("TERM", "linux", 0);
}

static void set_signals(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < N_IGNORED; i++)
		sigaction(ignored_signals[i], &sa, NULL);
}

/*
 * As pid 1 the shell gets a session of its own with the console as its
 * controlling terminal. Elsewhere (init tested on a host) it stays in init's
 * session, which already owns the terminal.
 */
static void become_shell(const char *shell)
{
	set_signals(SIG_DFL);
	if (is_pid1 && setsid() >= 0) {
		int fd = open(CONSOLE, O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
			ioctl(0, TIOCSCTTY, 0);	/* best effort: some kernels need asking */
		}
	}
	char *argv[] = { (char *)u_basename(shell), NULL };
	execv(shell, argv);
	u_warnx("cannot run %s: %s", shell, strerror(errno));
	_exit(127);
}

static pid_t start_shell(const char *shell)
{
	/*
	 * Sharing our session (not pid 1), the terminal may still name the dead
	 * shell's process group as its foreground: take it back for the next one.
	 */
	if (!is_pid1)
		tcsetpgrp(0, getpgrp());
	pid_t pid = fork();

	if (pid == 0)
		become_shell(shell);
	if (pid < 0)
		u_warn("fork");
	return pid;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report_exit(const char *shell, int status)
{
	if (WIFSIGNALED(status))
		u_warnx("%s killed by signal %d; restarting it", shell, WTERMSIG(status));
	else
		u_warnx("%s exited with status %d; restarting it", shell, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	const char *shell = getenv("INIT_SHELL");

	is_pid1 = getpid() == 1;
	(void)argc;
	u_setprog(argv[0]);
	if (!shell || !*shell)
		shell = DEFAULT_SHELL;
	if (is_pid1) {
		mount_all();
		set_default_env();
	}
	open_console();
	set_signals(SIG_IGN);

	pid_t sh = start_shell(shell);
	double started = now();
	for (;;) {
		int status;
		pid_t pid = wait4(-1, &status, 0, NULL);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid >= 0 && pid != sh)
			continue;	/* an orphan: reaping it was the point */
		if (pid == sh)
			report_exit(shell, status);
		if (now() - started < RESPAWN_MIN_SECONDS)
			sleep(RESPAWN_MIN_SECONDS);
		sh = start_shell(shell);
		started = now();
	}
}
