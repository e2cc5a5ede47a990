/*
 * Builtins: the commands that must change the shell itself (cd, export,
 * exit, the job commands) plus a few conveniences. Each takes argc/argv
 * and returns its exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static int bi_cd(int argc, char **argv)
{
	char old[PATH_MAX], now[PATH_MAX];
	const char *dir = argc > 1 ? argv[1] : var_get("HOME");
	int print = 0;

	if (!dir || !*dir)
		dir = "/";
	if (!strcmp(dir, "-")) {
		dir = var_get("OLDPWD");
		if (!dir) {
			sh_error("cd: OLDPWD not set");
			return 1;
		}
		print = 1;
	}
	if (!getcwd(old, sizeof(old)))
		old[0] = '\0';
	if (chdir(dir)) {
		sh_error("cd: %s: %s", dir, strerror(errno));
		return 1;
	}
	if (*old)
		var_set("OLDPWD", old, 0);
	if (getcwd(now, sizeof(now))) {
		var_set("PWD", now, 0);
		if (print)
			dprintf(1, "%s\n", now);
	}
	return 0;
}

static int bi_exit(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : sh.last_status;

	sh.exiting = 1;
	sh.last_status = status & 0xff;
	return sh.last_status;
}

static int bi_export(int argc, char **argv)
{
	int status = 0;

	if (argc == 1) {
		vars_print_exported();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq) {
			*eq = '\0';
			status |= var_set(argv[i], eq + 1, 1) ? 1 : 0;
			*eq = '=';
		} else {
			status |= var_export(argv[i]) ? 1 : 0;
		}
	}
	return status;
}

static int bi_unset(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		var_unset(argv[i]);
	return 0;
}

static int bi_jobs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	jobs_list();
	return 0;
}

static int fg_bg(int argc, char **argv, int foreground)
{
	if (!sh.job_control) {
		sh_error("%s: no job control", argv[0]);
		return 1;
	}
	struct job *j = job_find(argc > 1 ? argv[1] : NULL);
	if (!j) {
		sh_error("%s: %s: no such job", argv[0], argc > 1 ? argv[1] : "current");
		return 1;
	}
	return job_continue(j, foreground);
}

static int bi_fg(int argc, char **argv)
{
	return fg_bg(argc, argv, 1);
}

static int bi_bg(int argc, char **argv)
{
	return fg_bg(argc, argv, 0);
}

static int bi_wait(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return jobs_wait_all();
}

static int bi_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	history_print();
	return 0;
}

static int bi_source(int argc, char **argv)
{
	if (argc < 2) {
		sh_error("%s: usage: %s FILE [ARG...]", argv[0], argv[0]);
		return 2;
	}
	return run_file(argv[1], argc - 1, argv + 1);
}

static const struct { const char *name; int num; } signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "WINCH", SIGWINCH },
};

static int signal_number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n >= 0 && n < 65 ? (int)n : -1;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signames) / sizeof(signames[0]); i++)
		if (!strcmp(s, signames[i].name))
			return signames[i].num;
	return -1;
}

/* A builtin so that "kill %1" can name a job; /bin/kill does the same for pids. */
static int bi_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (i < argc && !strcmp(argv[i], "-l")) {
		for (size_t k = 0; k < sizeof(signames) / sizeof(signames[0]); k++)
			dprintf(1, "%2d) SIG%s\n", signames[k].num, signames[k].name);
		return 0;
	}
	if (i + 1 < argc && !strcmp(argv[i], "-s"))
		sig = signal_number(argv[i + 1]), i += 2;
	else if (i + 1 < argc && argv[i][0] == '-' && argv[i][1] && argv[i][1] != '-')
		sig = signal_number(argv[i++] + 1);
	else if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (sig < 0 || i == argc) {
		sh_error("kill: usage: kill [-SIGNAL | -s SIGNAL] PID | %%JOB...");
		return 2;
	}
	for (; i < argc; i++) {
		pid_t target;
		if (argv[i][0] == '%') {
			struct job *j = job_find(argv[i]);
			if (!j) {
				sh_error("kill: %s: no such job", argv[i]);
				status = 1;
				continue;
			}
			if (job_kill(j, sig)) {
				sh_error("kill: %s: %s", argv[i], strerror(errno));
				status = 1;
			}
			continue;
		} else {
			char *end;
			target = (pid_t)strtol(argv[i], &end, 10);
			if (!*argv[i] || *end) {
				sh_error("kill: %s: not a process id", argv[i]);
				status = 1;
				continue;
			}
		}
		if (kill(target, sig)) {
			sh_error("kill: %s: %s", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}

static int bi_colon(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int bi_help(int argc, char **argv);

static const struct {
	const char *name;
	builtin_fn fn;
	const char *usage;
} builtins[] = {
	{ "cd", bi_cd, "cd [DIR | -]        change directory (HOME without DIR)" },
	{ "export", bi_export, "export [NAME[=VALUE]...]  pass variables to commands" },
	{ "unset", bi_unset, "unset NAME...       forget variables" },
	{ "exit", bi_exit, "exit [N]            leave the shell" },
	{ "jobs", bi_jobs, "jobs                list background and stopped jobs" },
	{ "fg", bi_fg, "fg [%N]             continue a job in the foreground" },
	{ "bg", bi_bg, "bg [%N]             continue a stopped job in the background" },
	{ "kill", bi_kill, "kill [-SIG] PID|%N  send a signal to a process or job" },
	{ "wait", bi_wait, "wait                wait for every background job" },
	{ "history", bi_history, "history             list the commands typed so far" },
	{ ".", bi_source, ". FILE [ARG...]     run FILE in this shell" },
	{ "source", bi_source, "source FILE         the same as ." },
	{ ":", bi_colon, ":                   do nothing, successfully" },
	{ "help", bi_help, "help                this list" },
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static int bi_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < NBUILTINS; i++)
		dprintf(1, "  %s\n", builtins[i].usage);
	dprintf(1, "  exec [CMD [ARG...]]  replace the shell (or apply its redirections)\n");
	return 0;
}

builtin_fn builtin_lookup(const char *name)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (!strcmp(builtins[i].name, name))
			return builtins[i].fn;
	return NULL;
}
