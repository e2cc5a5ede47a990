/*
 * Small helpers shared by the programs in usr/: error reports, whole-buffer
 * writes, number parsing, path joining. Plain syscalls, no stdio buffering.
 */
#include "ulib.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <limits.h>

const char *u_prog = "?";

void u_setprog(const char *argv0)
{
	if (argv0 && *argv0)
		u_prog = u_basename(argv0);
}

/* Appends s to buf (of size BUF) at *len, truncating. */
static void append(char *buf, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		buf[(*len)++] = *s++;
}

/*
 * A formatter for messages that knows only %s, %d and %%: the tools that
 * need nothing more stay free of printf, about 12 KiB each.
 */
static size_t format_msg(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = 0;

	for (; *fmt && len + 1 < size; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			buf[len++] = *fmt;
			continue;
		}
		fmt++;
		if (*fmt == 's') {
			const char *s = va_arg(ap, const char *);
			append(buf, size, &len, s ? s : "(null)");
		} else if (*fmt == 'd') {
			char num[24], *p = num + sizeof(num) - 1;
			int v = va_arg(ap, int);
			unsigned int u = v < 0 ? 0u - (unsigned int)v : (unsigned int)v;
			*p = '\0';
			do {
				*--p = (char)('0' + u % 10);
				u /= 10;
			} while (u);
			if (v < 0)
				*--p = '-';
			append(buf, size, &len, p);
		} else {
			buf[len++] = *fmt;
		}
	}
	buf[len] = '\0';
	return len;
}

/* musl's strerror has no text for EUCLEAN, which a damaged filesystem returns. */
#define EUCLEAN_TEXT "Structure needs cleaning"

void u_warn(const char *what)
{
	u_warnx("%s: %s", what, errno == EUCLEAN ? EUCLEAN_TEXT : strerror(errno));
}

void u_warnx(const char *fmt, ...)
{
	char buf[512];
	size_t len = 0;
	va_list ap;

	append(buf, sizeof(buf), &len, u_prog);
	append(buf, sizeof(buf), &len, ": ");
	va_start(ap, fmt);
	len += format_msg(buf + len, sizeof(buf) - len - 1, fmt, ap);
	va_end(ap);
	buf[len++] = '\n';
	u_write_all(2, buf, len);
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
	size_t dl = strlen(dir), nl = strlen(name);
	int sep = !(dl > 0 && dir[dl - 1] == '/');

	if (dl + (size_t)sep + nl + 1 > dst_size)
		return -1;
	memcpy(dst, dir, dl);
	if (sep)
		dst[dl++] = '/';
	memcpy(dst + dl, name, nl + 1);
	return 0;
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

int u_for_each_target(int argc, char **argv, int first,
		      int (*op)(const char *src, const char *dst))
{
	const char *last = argv[argc - 1];
	struct stat st;
	int into_dir = !stat(last, &st) && S_ISDIR(st.st_mode);
	int status = 0;

	if (argc - first == 2 && !into_dir)
		return op(argv[first], last);
	if (!into_dir) {
		u_warnx("%s: not a directory", last);
		return 1;
	}
	for (int i = first; i < argc - 1; i++) {
		char dst[PATH_MAX];

		if (u_path_join(dst, sizeof(dst), last, u_basename(argv[i]))) {
			u_warnx("%s: path too long", argv[i]);
			status = 1;
			continue;
		}
		status |= op(argv[i], dst);
	}
	return status;
}
