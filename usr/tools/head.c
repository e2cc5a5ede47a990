/*
 * head: prints the first lines of each file (or standard input): 10 by
 * default, -n N or -N for another count, -c N for bytes instead of lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

static long limit = 10;
static int by_bytes;

/* Copies until limit lines (or bytes) have gone out; never reads past need. */
static int head_fd(int fd, const char *name)
{
	static char buf[4096];
	long left = limit;

	while (left > 0) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			u_warn(name);
			return 1;
		}
		ssize_t take = 0;
		while (take < n && left > 0) {
			if (by_bytes || buf[take] == '\n')
				left--;
			take++;
		}
		if (u_write_all(1, buf, (size_t)take))
			return 1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, int *first)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if ((!strcmp(a, "-n") || !strcmp(a, "-c")) && i + 1 < argc) {
			by_bytes = a[1] == 'c';
			if (u_parse_long(argv[++i], &limit) || limit < 0)
				return -1;
		} else if (a[1] >= '0' && a[1] <= '9') {
			if (u_parse_long(a + 1, &limit))
				return -1;
		} else {
			return -1;
		}
	}
	*first = i;
	return 0;
}

int main(int argc, char **argv)
{
	int first, status = 0;

	u_setprog(argv[0]);
	if (parse_args(argc, argv, &first)) {
		u_warnx("usage: head [-n LINES | -c BYTES | -LINES] [FILE...]");
		return 2;
	}
	if (first == argc)
		return head_fd(0, "stdin");
	for (int i = first; i < argc; i++) {
		int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY) : 0;
		if (fd < 0) {
			u_warn(argv[i]);
			status = 1;
			continue;
		}
		if (argc - first > 1) {
			u_puts(1, i > first ? "\n==> " : "==> ");
			u_puts(1, argv[i]);
			u_puts(1, " <==\n");
		}
		status |= head_fd(fd, argv[i]);
		if (fd)
			close(fd);
	}
	return status;
}
