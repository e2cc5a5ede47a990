/*
 * ps: one line per process, "PID PPID STAT CMD", read from /proc/<pid>/stat
 * and /proc/<pid>/cmdline the way procps does, so it works on Tessera and
 * on Linux. A process with an empty command line (a kernel thread, a
 * zombie) is shown as [name].
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

#define STAT_MAX     1024          /* /proc/<pid>/stat is one short line */
#define CMDLINE_MAX  4096          /* longer command lines are cut, as ps -f does */

struct proc_line {
	long pid, ppid;
	char state;
	char comm[64];
};

/* Reads up to size - 1 bytes of a small file; returns the length or -1. */
static long read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r = 1;

	if (fd < 0)
		return -1;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (r < 0)
		return -1;
	buf[n] = '\0';
	return (long)n;
}

/* "pid (comm) S ppid ...": comm may hold spaces and ')', so the last ')' ends it. */
static int parse_stat(const char *s, struct proc_line *p)
{
	const char *open = strchr(s, '('), *close = strrchr(s, ')');
	size_t len;

	if (!open || !close || close < open)
		return -1;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(p->comm))
		len = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, len);
	p->comm[len] = '\0';
	p->pid = atol(s);
	return sscanf(close + 1, " %c %ld", &p->state, &p->ppid) == 2 ? 0 : -1;
}

static void print_cmd(long pid, const char *comm)
{
	char path[64], cmd[CMDLINE_MAX];
	long n;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	n = read_small(path, cmd, sizeof(cmd));
	while (n > 0 && cmd[n - 1] == '\0')
		n--;
	if (n <= 0) {
		printf("[%s]\n", comm);
		return;
	}
	for (long i = 0; i < n; i++)
		if (cmd[i] == '\0' || cmd[i] == '\n')
			cmd[i] = ' ';
	cmd[n] = '\0';
	printf("%s\n", cmd);
}

static int show(long pid)
{
	char path[64], stat[STAT_MAX];
	struct proc_line p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (read_small(path, stat, sizeof(stat)) < 0 || parse_stat(stat, &p))
		return -1;              /* it exited meanwhile */
	printf("%5ld %5ld %-4c ", p.pid, p.ppid, p.state);
	print_cmd(pid, p.comm);
	return 0;
}

static int numeric(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int by_value(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Every pid under /proc, sorted (getdents order is the filesystem's). */
static long *list_pids(size_t *count)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long *pids = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!numeric(e->d_name))
			continue;
		if (n == cap) {
			long *bigger = realloc(pids, (cap = cap ? cap * 2 : 64) * sizeof(*pids));
			if (!bigger)
				break;
			pids = bigger;
		}
		pids[n++] = atol(e->d_name);
	}
	closedir(d);
	qsort(pids, n, sizeof(*pids), by_value);
	*count = n;
	return pids ? pids : calloc(1, sizeof(*pids));
}

int main(int argc, char **argv)
{
	size_t n = 0;
	long *pids;

	u_setprog(argv[0]);
	if (argc > 1) {
		u_warnx("usage: ps (no options: every process)");
		return 2;
	}
	pids = list_pids(&n);
	if (!pids) {
		u_warn("/proc");
		return 1;
	}
	printf("%5s %5s %-4s %s\n", "PID", "PPID", "STAT", "CMD");
	for (size_t i = 0; i < n; i++)
		show(pids[i]);
	free(pids);
	return 0;
}
