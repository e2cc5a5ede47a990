/*
 * Jobs: every pipeline the shell starts is a job (one process group when
 * job control is on). Waiting, stop/continue bookkeeping, the Done/Stopped
 * reports at the prompt, and what jobs, fg, bg and wait need.
 */
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

enum { P_RUNNING, P_STOPPED, P_DONE };

struct proc {
	pid_t pid;
	int state;
	int wstatus;
};

struct job {
	int id;			/* [id] in reports, %id in fg/bg */
	pid_t pgid;
	struct termios tmodes;	/* the terminal as the job left it when it stopped */
	int have_tmodes;
	struct proc *procs;
	int nprocs;
	char *text;
	unsigned long seq;	/* larger: more recently started or stopped ("+") */
	int stop_reported;
};

static struct job **table;
static int table_size;
static unsigned long seq_counter;

int status_from_wait(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	if (WIFSTOPPED(ws))
		return 128 + WSTOPSIG(ws);
	return 1;
}

static int job_state(const struct job *j)
{
	int stopped = 0;

	for (int i = 0; i < j->nprocs; i++) {
		if (j->procs[i].state == P_RUNNING)
			return P_RUNNING;
		stopped |= j->procs[i].state == P_STOPPED;
	}
	return stopped ? P_STOPPED : P_DONE;
}

struct job *job_add(pid_t pgid, const pid_t *pids, int npids, const char *text)
{
	int slot = 0;

	while (slot < table_size && table[slot])
		slot++;
	if (slot == table_size) {
		table_size = table_size ? table_size * 2 : 16;
		table = xrealloc(table, sizeof(*table) * (size_t)table_size);
		memset(table + slot, 0, sizeof(*table) * (size_t)(table_size - slot));
	}
	struct job *j = xmalloc(sizeof(*j));
	j->id = slot + 1;
	j->pgid = pgid;
	j->nprocs = npids;
	j->procs = xmalloc(sizeof(*j->procs) * (size_t)npids);
	for (int i = 0; i < npids; i++)
		j->procs[i] = (struct proc){ .pid = pids[i], .state = P_RUNNING };
	j->text = xstrdup(text);
	j->seq = ++seq_counter;
	j->stop_reported = 0;
	j->have_tmodes = 0;
	table[slot] = j;
	return j;
}

static void job_free(struct job *j)
{
	table[j->id - 1] = NULL;
	free(j->procs);
	free(j->text);
	free(j);
}

static void record(pid_t pid, int ws)
{
	for (int s = 0; s < table_size; s++) {
		struct job *j = table[s];
		for (int i = 0; j && i < j->nprocs; i++) {
			if (j->procs[i].pid != pid)
				continue;
			if (WIFSTOPPED(ws)) {
				j->procs[i].state = P_STOPPED;
			} else if (WIFCONTINUED(ws)) {
				j->procs[i].state = P_RUNNING;
			} else {
				j->procs[i].state = P_DONE;
				j->procs[i].wstatus = ws;
			}
			return;
		}
	}
}

/* The job's status: its last process's (how $? sees a pipeline). */
static int job_status(const struct job *j)
{
	return status_from_wait(j->procs[j->nprocs - 1].wstatus);
}

static void report_signal(const struct job *j)
{
	int ws = j->procs[j->nprocs - 1].wstatus;

	if (!WIFSIGNALED(ws) || WTERMSIG(ws) == SIGPIPE)
		return;
	if (WTERMSIG(ws) == SIGINT)
		dprintf(2, "\n");
	else
		dprintf(2, "%s%s\n", strsignal(WTERMSIG(ws)), WCOREDUMP(ws) ? " (core dumped)" : "");
}

int job_wait_fg(struct job *j)
{
	if (sh.job_control)
		tcsetpgrp(sh.ttyfd, j->pgid);
	while (job_state(j) == P_RUNNING) {
		int ws;
		pid_t pid = waitpid(-1, &ws, WUNTRACED);
		if (pid > 0) {
			record(pid, ws);
		} else if (errno == ECHILD) {
			for (int i = 0; i < j->nprocs; i++)
				j->procs[i].state = P_DONE;	/* someone else reaped them */
		}
	}
	if (sh.job_control) {
		tcsetpgrp(sh.ttyfd, sh.pgid);
		/* An editor stopped in raw mode gets raw mode back with fg. */
		if (sh.have_termios && job_state(j) == P_STOPPED)
			j->have_tmodes = ioctl(sh.ttyfd, TCGETS, &j->tmodes) == 0;
		if (sh.have_termios)
			ioctl(sh.ttyfd, TCSETS, &sh.tmodes);	/* whatever the job left behind */
	}
	if (job_state(j) == P_STOPPED) {
		j->seq = ++seq_counter;
		j->stop_reported = 1;
		dprintf(2, "\n[%d]+  Stopped                 %s\n", j->id, j->text);
		return 128 + SIGTSTP;
	}
	int status = job_status(j);
	if (sh.interactive)
		report_signal(j);
	job_free(j);
	return status;
}

void job_announce_bg(const struct job *j)
{
	if (sh.interactive)
		dprintf(2, "[%d] %d\n", j->id, (int)j->procs[j->nprocs - 1].pid);
}

static const struct job *current_job(int rank)
{
	const struct job *best[2] = { NULL, NULL };

	for (int s = 0; s < table_size; s++) {
		const struct job *j = table[s];
		if (!j)
			continue;
		if (!best[0] || j->seq > best[0]->seq) {
			best[1] = best[0];
			best[0] = j;
		} else if (!best[1] || j->seq > best[1]->seq) {
			best[1] = j;
		}
	}
	return best[rank];
}

static void print_job(const struct job *j, const char *state)
{
	char mark = j == current_job(0) ? '+' : j == current_job(1) ? '-' : ' ';

	dprintf(1, "[%d]%c  %-22s  %s\n", j->id, mark, state, j->text);
}

static const char *state_name(const struct job *j, char *buf, size_t size)
{
	int st = job_state(j);

	if (st == P_RUNNING)
		return "Running";
	if (st == P_STOPPED)
		return "Stopped";
	int ws = j->procs[j->nprocs - 1].wstatus;
	if (WIFSIGNALED(ws))
		return strsignal(WTERMSIG(ws));
	if (WEXITSTATUS(ws) == 0)
		return "Done";
	snprintf(buf, size, "Exit %d", WEXITSTATUS(ws));
	return buf;
}

void jobs_reap(int report)
{
	int ws;
	pid_t pid;
	char buf[32];

	while ((pid = waitpid(-1, &ws, WNOHANG | WUNTRACED | WCONTINUED)) > 0)
		record(pid, ws);
	for (int s = 0; s < table_size; s++) {
		struct job *j = table[s];
		if (!j)
			continue;
		int st = job_state(j);
		if (st == P_STOPPED && report && !j->stop_reported) {
			print_job(j, "Stopped");
			j->stop_reported = 1;
		}
		if (st != P_DONE || (!report && sh.interactive))
			continue;
		if (report)
			print_job(j, state_name(j, buf, sizeof(buf)));
		job_free(j);
	}
}

void jobs_list(void)
{
	char buf[32];

	jobs_reap(0);
	for (int s = 0; s < table_size; s++) {
		struct job *j = table[s];
		if (!j)
			continue;
		print_job(j, state_name(j, buf, sizeof(buf)));
		if (job_state(j) == P_DONE)
			job_free(j);
	}
}

struct job *job_find(const char *spec)
{
	if (!spec || !strcmp(spec, "%") || !strcmp(spec, "%%") || !strcmp(spec, "%+"))
		return (struct job *)current_job(0);
	if (!strcmp(spec, "%-"))
		return (struct job *)current_job(1);
	if (*spec == '%')
		spec++;
	char *end;
	long id = strtol(spec, &end, 10);
	if (*end || id < 1 || id > table_size)
		return NULL;
	return table[id - 1];
}

int job_continue(struct job *j, int foreground)
{
	for (int i = 0; i < j->nprocs; i++)
		if (j->procs[i].state == P_STOPPED)
			j->procs[i].state = P_RUNNING;
	j->stop_reported = 0;
	j->seq = ++seq_counter;
	if (foreground) {
		dprintf(1, "%s\n", j->text);
	} else {
		dprintf(1, "[%d]+ %s &\n", j->id, j->text);
		sh.last_bg = j->procs[j->nprocs - 1].pid;
	}
	if (foreground && sh.job_control) {
		tcsetpgrp(sh.ttyfd, j->pgid);
		if (j->have_tmodes)
			ioctl(sh.ttyfd, TCSETS, &j->tmodes);
	}
	if (kill(-j->pgid, SIGCONT) < 0)
		sh_error("kill: %s", strerror(errno));
	return foreground ? job_wait_fg(j) : 0;
}

int jobs_wait_all(void)
{
	int status = 0;

	for (int s = 0; s < table_size; s++) {
		struct job *j = table[s];
		while (j && job_state(j) == P_RUNNING) {
			int ws;
			pid_t pid = waitpid(-1, &ws, 0);
			if (pid < 0)
				break;
			record(pid, ws);
		}
		if (j && job_state(j) == P_DONE) {
			status = job_status(j);
			job_free(j);
		}
	}
	return status;
}

pid_t job_pgid(const struct job *j)
{
	return j->pgid;
}

/* As bash: a stopped job would only see SIGTERM after a SIGCONT. */
int job_kill(struct job *j, int sig)
{
	if (kill(-j->pgid, sig))
		return -1;
	if (job_state(j) == P_STOPPED && sig != SIGKILL && sig != SIGCONT && sig != SIGSTOP &&
	    sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU && sig != 0)
		kill(-j->pgid, SIGCONT);
	return 0;
}

void jobs_forget_all(void)
{
	for (int s = 0; s < table_size; s++)
		if (table[s])
			job_free(table[s]);
}
