/*
 * The shell's shared declarations: tokens and the parsed command tree, the
 * per-line arena, variables, jobs and the entry points of each file.
 * Flow: main.c reads a line -> lex.c tokens -> parse.c tree -> exec.c runs it
 * (expand.c turns raw words into fields just before each pipeline runs).
 */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

/* --- util.c: the per-line arena and growable strings --------------------- */

/* Allocations freed all at once when the shell finishes a line. */
void *arena_alloc(size_t size);
char *arena_strndup(const char *s, size_t n);
void arena_reset(void);
/* malloc that reports and exits on failure (the shell cannot go on). */
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_addc(struct strbuf *sb, char c);
void sb_adds(struct strbuf *sb, const char *s);
/* The string so far, NUL-terminated (valid until the next sb_add). */
const char *sb_str(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* --- lex.c ---------------------------------------------------------------- */

enum tok_type {
	T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_AMP, T_NEWLINE,
	T_LESS, T_GREAT, T_DGREAT, T_LESSAND, T_GREATAND, T_EOF,
};

struct token {
	enum tok_type type;
	char *text;		/* T_WORD: raw text, quotes kept */
	int io_number;		/* redirections: the fd before the operator, or -1 */
	size_t start, end;	/* byte offsets in the source line */
};

enum { LEX_OK = 0, LEX_INCOMPLETE = 1, LEX_ERROR = -1 };
/* Splits src into tokens (ending with T_EOF) in the arena. */
int lex(const char *src, struct token **out, int *count);

/* --- parse.c: list := and_or ((';'|'&'|NL) and_or)* ----------------------- */

enum redir_type { R_IN, R_OUT, R_APPEND, R_DUP };

struct redir {
	int fd;			/* the fd being redirected */
	enum redir_type type;
	char *word;		/* raw target word; R_DUP: fd number or "-" */
};

struct command {
	char **words;		/* raw words: NAME=value prefixes, then argv */
	int nwords;
	struct redir *redirs;
	int nredirs;
};

struct pipeline {
	struct command *cmds;
	int ncmds;
};

enum { OP_AND = 1, OP_OR = 2 };

struct and_or {
	struct pipeline *pipes;
	int *ops;		/* ops[i] joins pipes[i - 1] and pipes[i] */
	int npipes;
	int background;
	char *text;		/* source text, for job listings */
};

struct program {
	struct and_or *items;
	int nitems;
};

/* 0 and *out on success, LEX_INCOMPLETE when more input could finish it, -1 on error. */
int parse(const char *src, struct program *out);

/* --- expand.c ------------------------------------------------------------- */

/* Expands raw words ($vars, ~, quotes, globs) into a NULL-ended argv in the arena. */
int expand_words(char **words, int n, char ***argv_out, int *argc_out);
/* Expands one word to exactly one field (redirection targets, assignments). */
char *expand_one(const char *word, int split_ok);
/* Length of "NAME" when word starts with NAME=, else 0. */
size_t assignment_name_len(const char *word);

/* --- vars.c --------------------------------------------------------------- */

void vars_init(char **envp);
const char *var_get(const char *name);
int var_set(const char *name, const char *value, int export_it);
void var_unset(const char *name);
int var_export(const char *name);
/* The exported variables as a NULL-ended "NAME=value" array (malloc'd). */
char **vars_environ(void);
void vars_free_environ(char **env);
void vars_print_exported(void);
int valid_name(const char *s, size_t len);

/* --- state shared between files ------------------------------------------ */

struct shell {
	int interactive;	/* reading commands from a terminal */
	int job_control;	/* we own the terminal's foreground process group */
	pid_t pid;		/* $$: the main shell's pid, in subshells too */
	pid_t pgid;		/* the shell's own process group */
	int ttyfd;		/* the terminal, for tcsetpgrp and termios (-1: none) */
	struct termios tmodes;	/* cooked modes restored before every job */
	int have_termios;	/* TCGETS worked: raw-mode line editing is possible */
	int last_status;	/* $? */
	pid_t last_bg;		/* $! */
	char **params;		/* $0 $1 ...: script name and arguments */
	int nparams;
	int is_child;		/* a forked copy running a pipeline part or subshell */
	int exiting;		/* the exit builtin ran */
};
extern struct shell sh;

/* --- exec.c --------------------------------------------------------------- */

int run_program(const struct program *prog);
/* Runs a command string (sh -c, scripts, .): parses and executes it. */
int run_string(const char *src);
void reset_child_signals(void);

/* --- jobs.c --------------------------------------------------------------- */

struct job;
/* Registers a started pipeline; returns the job. */
struct job *job_add(pid_t pgid, const pid_t *pids, int npids, const char *text);
/* Waits for a job in the foreground; returns its status as $? sees it. */
int job_wait_fg(struct job *j);
/* Puts a job in the background ("bg") or foreground ("fg"). */
int job_continue(struct job *j, int foreground);
void job_announce_bg(const struct job *j);
/* Reaps what finished and, when interactive, reports Done/Stopped jobs. */
void jobs_reap(int report);
void jobs_list(void);
struct job *job_find(const char *spec);	/* "%N", "N" or NULL for the current job */
pid_t job_pgid(const struct job *j);
/* Sends sig to the job's group; a stopped job also gets SIGCONT so it can act on it. */
int job_kill(struct job *j, int sig);
/* Waits for every background job ("wait"). */
int jobs_wait_all(void);
void jobs_forget_all(void);	/* in a forked child */
int status_from_wait(int wstatus);

/* --- builtin.c ------------------------------------------------------------ */

typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_lookup(const char *name);

/* --- edit.c --------------------------------------------------------------- */

/* A malloc'd line without its newline, or NULL at end of input. */
char *edit_readline(const char *prompt);
void history_add(const char *line);
void history_print(void);

/* --- main.c --------------------------------------------------------------- */

int run_file(const char *path, int nargs, char **args);
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
