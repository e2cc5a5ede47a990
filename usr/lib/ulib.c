/*
 * Small helpers shared by the programs in usr/: error reports, whole-buffer
 * writes, number parsing, path joining. Plain syscalls, no stdio buffering.
 */
#include "ulib.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *u_prog = "?";

void u_setprog(const char *argv0)
{
	if (argv0 && *argv0)
		u_prog = u_basename(argv0);
}

void u_warn(const char *what)
{
	dprintf(2, "%s: %s: %s\n", u_prog, what, strerror(errno));
}

void u_warnx(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dprintf(2, "%s: %s\n", u_prog, buf);
}

int u_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int u_puts(int fd, const char *s)
{
	return u_write_all(fd, s, strlen(s));
}

int u_parse_long(const char *s, long *out)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int u_path_join(char *dst, size_t dst_size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
	int n = snprintf(dst, dst_size, "%s%s%s", dir, sep, name);

	return (n < 0 || (size_t)n >= dst_size) ? -1 : 0;
}

const char *u_basename(const char *path)
{
	static char buf[256];
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (len == strlen(path))
		return path + start;
	/* Trailing slashes: copy so the caller gets a clean name. */
	size_t n = len - start;
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, path + start, n);
	buf[n] = '\0';
	return buf;
}
