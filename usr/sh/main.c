/*
 * sh: Tessera's shell. Startup (sh, sh -c CMD, sh FILE), job control set-up
 * on a terminal, and the read-parse-run loop that asks for more lines while
 * a quote or an operator is left open. The prompt is $PS1, else "# " for
 * root and "$ " for everyone else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sh.h"

#define TTY_FD_BASE 10		/* the shell's own copy of the terminal fd */

extern char **environ;
struct shell sh;

void sh_error(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dprintf(2, "sh: %s\n", buf);
}

static const char *prompt(int continuation)
{
	const char *p = var_get(continuation ? "PS2" : "PS1");

	if (p)
		return p;
	if (continuation)
		return "> ";
	return geteuid() == 0 ? "# " : "$ ";
}

static void ignore_job_signals(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction sa = { .sa_handler = SIG_IGN };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Takes the terminal's foreground process group when the kernel allows it. */
static void init_interactive(void)
{
	sh.ttyfd = fcntl(0, F_DUPFD_CLOEXEC, TTY_FD_BASE);
	sh.have_termios = ioctl(0, TCGETS, &sh.tmodes) == 0;
	pid_t fg;
	while ((fg = tcgetpgrp(sh.ttyfd)) > 0 && fg != getpgrp()) {
		if (kill(-fg, 0) < 0 && errno == ESRCH)
			break;		/* the foreground group is gone: nobody to wait for */
		kill(-getpgrp(), SIGTTIN);	/* started in the background: wait our turn */
	}
	ignore_job_signals();
	if (fg < 0)
		return;		/* no controlling terminal: line editing without job control */
	if (getpgrp() != getpid())
		setpgid(0, 0);
	sh.pgid = getpgrp();
	sh.job_control = tcsetpgrp(sh.ttyfd, sh.pgid) == 0;
}

static int repl(void)
{
	struct strbuf acc = { 0 };

	for (;;) {
		jobs_reap(sh.interactive);
		char *line = edit_readline(prompt(acc.len > 0));
		if (!line) {
			if (acc.len)
				sh_error("syntax error: unexpected end of input");
			break;
		}
		if (acc.len)
			sb_addc(&acc, '\n');
		sb_adds(&acc, line);
		free(line);

		struct program prog;
		int r = parse(sb_str(&acc), &prog);
		if (r == LEX_INCOMPLETE) {
			arena_reset();
			continue;
		}
		if (sh.interactive)
			history_add(sb_str(&acc));
		if (r == 0)
			run_program(&prog);
		else
			sh.last_status = 2;
		acc.len = 0;
		arena_reset();
		if (sh.exiting)
			break;
	}
	sb_free(&acc);
	return sh.last_status;
}

static char *read_file(const char *path)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf) - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sb_free(&sb);
			close(fd);
			return NULL;
		}
		buf[n] = '\0';
		sb_adds(&sb, buf);	/* a NUL in a script ends it here */
	}
	close(fd);
	sb_str(&sb);
	return sb.s;
}

int run_file(const char *path, int nargs, char **args)
{
	char *text = read_file(path);

	if (!text) {
		sh_error("%s: %s", path, strerror(errno));
		return 127;
	}
	char **old_params = sh.params;
	int old_n = sh.nparams;
	sh.params = args;
	sh.nparams = nargs;
	int status = run_string(text);
	sh.params = old_params;
	sh.nparams = old_n;
	free(text);
	return status;
}

static void set_pwd(void)
{
	char cwd[PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)))
		var_set("PWD", cwd, 1);
}

int main(int argc, char **argv)
{
	static char *default_params[] = { "sh", NULL };

	signal(SIGCHLD, SIG_DFL);	/* an inherited SIG_IGN would let children vanish unwaited */
	sh.pid = getpid();
	sh.pgid = getpgrp();
	sh.ttyfd = -1;
	sh.params = argc > 0 ? argv : default_params;
	sh.nparams = 1;
	vars_init(environ);
	set_pwd();

	if (argc > 2 && !strcmp(argv[1], "-c")) {
		if (argc > 3) {
			sh.params = argv + 3;
			sh.nparams = argc - 3;
		}
		run_string(argv[2]);
		return sh.last_status;
	}
	int force_interactive = argc > 1 && !strcmp(argv[1], "-i");
	if (argc > 1 && !force_interactive)
		return run_file(argv[1], argc - 1, argv + 1);

	sh.interactive = force_interactive || (isatty(0) && isatty(2));
	if (sh.interactive)
		init_interactive();
	return repl();
}
