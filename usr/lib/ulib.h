/*
 * Small helpers shared by the programs in usr/: error reports in the
 * "prog: what: why" shape, whole-buffer writes, number parsing.
 */
#ifndef USR_ULIB_H
#define USR_ULIB_H

#include <stddef.h>
#include <sys/types.h>

/* Name used in error messages; set by main() through u_setprog(). */
extern const char *u_prog;

void u_setprog(const char *argv0);
/* "prog: what: strerror(errno)" on stderr. */
void u_warn(const char *what);
/* "prog: message" on stderr; the format knows only %s, %d and %%. */
void u_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes all of buf, retrying short writes and EINTR; 0 or -1 with errno. */
int u_write_all(int fd, const void *buf, size_t len);
/* Writes a NUL-terminated string. */
int u_puts(int fd, const char *s);
/* Parses a whole decimal number (sign allowed); 0 on success, -1 if malformed. */
int u_parse_long(const char *s, long *out);
/* Copies src to dst of dst_size bytes and appends "/name"; -1 if too long. */
int u_path_join(char *dst, size_t dst_size, const char *dir, const char *name);
/* Last component of a path without trailing slashes (points into path). */
const char *u_basename(const char *path);
/*
 * The "SRC DST | SRC... DIR" argument convention of cp, mv and ln: calls
 * op(src, dst) for argv[first..argc-2] and the last argument, joining the
 * source's name onto DIR when the last argument is a directory. Returns
 * the OR of op's results, or 1 after a message.
 */
int u_for_each_target(int argc, char **argv, int first,
		      int (*op)(const char *src, const char *dst));
/*
 * Copies the regular file src to dst (created with mode, truncated if it
 * exists). Refuses to copy a file onto itself. 0, or -1 after a message.
 */
int u_copy_file(const char *src, const char *dst, mode_t mode);

#endif
