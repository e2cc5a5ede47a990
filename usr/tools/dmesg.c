/*
 * dmesg: prints the kernel log, read with syslog(2) (SYSLOG_ACTION_SIZE_BUFFER
 * for the size, then SYSLOG_ACTION_READ_ALL), without the "<level>" prefixes
 * unless -r. On Linux reading it needs root (or kernel.dmesg_restrict=0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "ulib.h"

#define SYSLOG_ACTION_READ_ALL     3
#define SYSLOG_ACTION_SIZE_BUFFER  10

/* Drops "<N>" (or "<NN>", facility included) at the start of every line. */
static size_t strip_levels(char *buf, size_t n)
{
	size_t o = 0;
	int line_start = 1;

	for (size_t i = 0; i < n; i++) {
		if (line_start && buf[i] == '<') {
			size_t j = i + 1;

			while (j < n && j - i <= 4 && buf[j] >= '0' && buf[j] <= '9')
				j++;
			if (j < n && j > i + 1 && buf[j] == '>') {
				i = j;
				line_start = 0;
				continue;
			}
		}
		buf[o++] = buf[i];
		line_start = buf[i] == '\n';
	}
	return o;
}

int main(int argc, char **argv)
{
	int raw = argc == 2 && !strcmp(argv[1], "-r");
	long size, n;
	char *buf;

	u_setprog(argv[0]);
	if (argc > 2 || (argc == 2 && !raw)) {
		u_warnx("usage: dmesg [-r]");
		return 2;
	}
	size = syscall(SYS_syslog, SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	if (size <= 0) {
		u_warn("syslog");
		return 1;
	}
	buf = malloc((size_t)size);
	if (!buf) {
		u_warn("malloc");
		return 1;
	}
	n = syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		u_warn("syslog");
		return 1;
	}
	if (!raw)
		n = (long)strip_levels(buf, (size_t)n);
	if (u_write_all(STDOUT_FILENO, buf, (size_t)n)) {
		u_warn("write");
		return 1;
	}
	free(buf);
	return 0;
}
