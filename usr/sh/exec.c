/*
 * Running the command tree: and-or lists, pipelines (one process group per
 * job), redirections, variable assignments, PATH search and execve.
 * Builtins run inside the shell unless they are part of a pipeline.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

#define SAVED_FD_BASE 10	/* copies of redirected fds live at or above this */
#define MAX_REDIRS 16
#define DEFAULT_PATH "/bin:/usr/bin"	/* when PATH is unset */
#define BINARY_PROBE 256	/* bytes checked for NUL before running a file as a script */

struct saved_fd {
	int fd, copy;
};

struct saved {
	struct saved_fd v[MAX_REDIRS];
	int n;
};

static const int job_signals[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGPIPE };

void reset_child_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (size_t i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]); i++)
		sigaction(job_signals[i], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void save_fd(struct saved *s, int fd)
{
	if (!s || s->n == MAX_REDIRS)
		return;
	for (int i = 0; i < s->n; i++)
		if (s->v[i].fd == fd)
			return;
	s->v[s->n].fd = fd;
	s->v[s->n++].copy = fcntl(fd, F_DUPFD_CLOEXEC, SAVED_FD_BASE);
}

static void restore_fds(struct saved *s)
{
	while (s->n > 0) {
		struct saved_fd *f = &s->v[--s->n];
		if (f->copy >= 0) {
			dup2(f->copy, f->fd);
			close(f->copy);
		} else {
			close(f->fd);
		}
	}
}

static int redirect_dup(const struct redir *r, const char *target)
{
	long src;
	char *end;

	if (!strcmp(target, "-"))
		return close(r->fd), 0;
	src = strtol(target, &end, 10);
	if (*end || end == target || fcntl((int)src, F_GETFD) < 0) {
		sh_error("%s: bad file descriptor", target);
		return -1;
	}
	if (src != r->fd && dup2((int)src, r->fd) < 0) {
		sh_error("dup2: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int redirect_file(const struct redir *r, const char *target)
{
	static const int flags[] = {
		[R_IN] = O_RDONLY,
		[R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
	};
	int fd = open(target, flags[r->type], 0666);

	if (fd < 0) {
		sh_error("%s: %s", target, strerror(errno));
		return -1;
	}
	if (fd != r->fd) {
		dup2(fd, r->fd);
		close(fd);
	}
	return 0;
}

/* Applies a command's redirections in order; saved (if not NULL) records what to undo. */
static int apply_redirs(const struct command *c, struct saved *saved)
{
	for (int i = 0; i < c->nredirs; i++) {
		const struct redir *r = &c->redirs[i];
		char *target = expand_one(r->word, 1);
		if (!target)
			return -1;
		save_fd(saved, r->fd);
		int err = r->type == R_DUP ? redirect_dup(r, target) : redirect_file(r, target);
		if (err)
			return -1;
	}
	return 0;
}

/* Words before the command name that look like NAME=value. */
static int count_assignments(const struct command *c)
{
	int n = 0;

	while (n < c->nwords && assignment_name_len(c->words[n]))
		n++;
	return n;
}

static int assign_all(const struct command *c, int n, int export_them)
{
	for (int i = 0; i < n; i++) {
		size_t len = assignment_name_len(c->words[i]);
		char *name = arena_strndup(c->words[i], len);
		char *value = expand_one(c->words[i] + len + 1, 0);
		if (!value || var_set(name, value, export_them))
			return -1;
	}
	return 0;
}

static int looks_binary(const char *path)
{
	char buf[BINARY_PROBE];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : 0;

	if (fd >= 0)
		close(fd);
	return n > 0 && memchr(buf, '\0', (size_t)n) != NULL;
}

/* execve, or a script without "#!" run by this (forked) shell. */
static void try_exec(const char *path, char **argv, char **env)
{
	execve(path, argv, env);
	if (errno != ENOEXEC)
		return;
	if (looks_binary(path)) {
		errno = ENOEXEC;
		return;
	}
	int argc = 0;
	while (argv[argc])
		argc++;
	jobs_forget_all();
	_exit(run_file(path, argc, argv));
}

/* Never returns: runs argv[0] from PATH (or as a path) or exits 126/127. */
static void exec_command(char **argv)
{
	char **env = vars_environ();
	int saw_eacces = 0;

	if (strchr(argv[0], '/')) {
		try_exec(argv[0], argv, env);
		sh_error("%s: %s", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	const char *path = var_get("PATH");
	if (!path)
		path = DEFAULT_PATH;
	char *dirs = arena_strndup(path, strlen(path));
	for (char *dir = dirs, *next; dir; dir = next) {
		next = strchr(dir, ':');
		if (next)
			*next++ = '\0';
		size_t len = strlen(dir) + strlen(argv[0]) + 2;
		char *full = arena_alloc(len);
		strcpy(full, *dir ? dir : ".");
		strcat(full, "/");
		strcat(full, argv[0]);
		try_exec(full, argv, env);
		if (errno == EACCES || errno == ENOEXEC)
			saw_eacces = errno;
	}
	if (saw_eacces) {
		sh_error("%s: %s", argv[0], strerror(saw_eacces));
		_exit(126);
	}
	sh_error("%s: not found", argv[0]);
	_exit(127);
}

/* In the forked child: joins the job's process group, then becomes the command. */
static void child_setup(pid_t pgid, int foreground)
{
	if (sh.job_control) {
		setpgid(0, pgid);
		if (foreground)
			tcsetpgrp(sh.ttyfd, pgid ? pgid : getpid());
	}
	reset_child_signals();
	if (!sh.job_control && !foreground) {
		/* No job control: a background job must not steal the terminal's input or ^C. */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0 && null != 0) {
			dup2(null, 0);
			close(null);
		}
	}
	sh.is_child = 1;
	sh.interactive = sh.job_control = 0;
	jobs_forget_all();
}

static void run_in_child(const struct command *c)
{
	char **argv;
	int argc, nassign = count_assignments(c);

	if (apply_redirs(c, NULL))
		_exit(1);
	expand_words(c->words + nassign, c->nwords - nassign, &argv, &argc);
	if (assign_all(c, nassign, argc > 0))
		_exit(1);
	if (argc > 1 && !strcmp(argv[0], "exec"))
		argv++, argc--;
	if (argc == 0 || !strcmp(argv[0], "exec"))
		_exit(0);
	builtin_fn b = builtin_lookup(argv[0]);
	if (b)
		_exit(b(argc, argv));
	exec_command(argv);
}

/* A lone command without a pipe: builtins and assignments stay in the shell. */
static int run_simple_in_shell(const struct command *c, int *handled)
{
	struct saved saved = { .n = 0 };
	char **argv;
	int argc, nassign = count_assignments(c), status;

	expand_words(c->words + nassign, c->nwords - nassign, &argv, &argc);
	builtin_fn b = argc ? builtin_lookup(argv[0]) : NULL;
	int is_exec = argc && !strcmp(argv[0], "exec");
	*handled = argc == 0 || b || is_exec;
	if (!*handled)
		return 0;
	if (apply_redirs(c, is_exec ? NULL : &saved)) {
		restore_fds(&saved);
		return 1;
	}
	status = assign_all(c, nassign, 0) ? 1 : 0;
	if (is_exec && argc > 1) {
		reset_child_signals();
		exec_command(argv + 1);
	}
	if (b && !status)
		status = b(argc, argv);
	restore_fds(&saved);
	return status;
}

/* Forks one process per command, joined by pipes; returns how many started. */
static int start_pipeline(const struct pipeline *pl, int foreground, pid_t *pids)
{
	pid_t pgid = 0;
	int in_fd = -1, started = 0;

	for (int i = 0; i < pl->ncmds; i++) {
		int p[2] = { -1, -1 };
		if (i < pl->ncmds - 1 && pipe2(p, O_CLOEXEC)) {
			sh_error("pipe: %s", strerror(errno));
			break;
		}
		pid_t pid = fork();
		if (pid == 0) {
			child_setup(pgid, foreground);
			if (in_fd >= 0)
				dup2(in_fd, 0);
			if (p[1] >= 0)
				dup2(p[1], 1);
			run_in_child(&pl->cmds[i]);
		}
		if (in_fd >= 0)
			close(in_fd);
		close(p[1]);
		in_fd = p[0];
		if (pid < 0) {
			sh_error("fork: %s", strerror(errno));
			break;
		}
		if (!pgid)
			pgid = pid;
		if (sh.job_control)
			setpgid(pid, pgid);	/* also in the child: whichever runs first wins */
		pids[started++] = pid;
	}
	if (in_fd >= 0)
		close(in_fd);
	return started;
}

static int run_pipeline(const struct pipeline *pl, int foreground, const char *text)
{
	pid_t pids[pl->ncmds];

	if (pl->ncmds == 1 && foreground) {
		int handled, status = run_simple_in_shell(&pl->cmds[0], &handled);
		if (handled)
			return status;
	}
	int started = start_pipeline(pl, foreground, pids);
	if (!started)
		return 1;
	struct job *j = job_add(pids[0], pids, started, text);
	if (foreground)
		return job_wait_fg(j);
	sh.last_bg = pids[started - 1];
	job_announce_bg(j);
	return 0;
}

static int run_and_or(const struct and_or *ao, int foreground)
{
	int status = 0;

	for (int i = 0; i < ao->npipes && !sh.exiting; i++) {
		if (i > 0 && ao->ops[i] == OP_AND && status != 0)
			continue;
		if (i > 0 && ao->ops[i] == OP_OR && status == 0)
			continue;
		status = run_pipeline(&ao->pipes[i], foreground, ao->text);
		sh.last_status = status;
	}
	return status;
}

/* "a && b &": the whole list runs in a forked copy of the shell, as one job. */
static int run_background_list(const struct and_or *ao)
{
	pid_t pid = fork();

	if (pid == 0) {
		child_setup(0, 0);
		_exit(run_and_or(ao, 1));
	}
	if (pid < 0) {
		sh_error("fork: %s", strerror(errno));
		return 1;
	}
	if (sh.job_control)
		setpgid(pid, pid);
	sh.last_bg = pid;
	job_announce_bg(job_add(pid, &pid, 1, ao->text));
	return 0;
}

int run_program(const struct program *prog)
{
	for (int i = 0; i < prog->nitems && !sh.exiting; i++) {
		const struct and_or *ao = &prog->items[i];
		if (!ao->background)
			sh.last_status = run_and_or(ao, 1);
		else if (ao->npipes == 1)
			sh.last_status = run_pipeline(&ao->pipes[0], 0, ao->text);
		else
			sh.last_status = run_background_list(ao);
		jobs_reap(0);
	}
	return sh.last_status;
}

int run_string(const char *src)
{
	struct program prog;
	int r = parse(src, &prog);

	if (r == LEX_INCOMPLETE) {
		sh_error("syntax error: unexpected end of input");
		return sh.last_status = 2;
	}
	if (r)
		return sh.last_status = 2;
	return run_program(&prog);
}
