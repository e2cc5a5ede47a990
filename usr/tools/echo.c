/*
 * echo: prints its arguments separated by spaces. -n drops the newline,
 * -e interprets \n \t \\ \a \b \r \0NNN and \c (stop output here).
 */
#include <string.h>
#include <unistd.h>

#include "ulib.h"

static char out[4096];
static size_t used;

static void put(char c)
{
	if (used == sizeof(out)) {
		u_write_all(1, out, used);
		used = 0;
	}
	out[used++] = c;
}

/* Returns 1 when \c asked to stop all output. */
static int put_escaped(const char *s)
{
	static const char from[] = "abefnrtv\\", to[] = "\a\b\033\f\n\r\t\v\\";

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			put(*s);
			continue;
		}
		s++;
		const char *hit = strchr(from, *s);
		if (*s == 'c')
			return 1;
		if (hit) {
			put(to[hit - from]);
		} else if (*s == '0') {
			int v = 0;
			for (int i = 0; i < 3 && s[1] >= '0' && s[1] <= '7'; i++)
				v = v * 8 + (*++s - '0');
			put((char)v);
		} else {
			put('\\');
			put(*s);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int newline = 1, escapes = 0, i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *f = argv[i] + 1;
		if (strspn(f, "ne") != strlen(f))
			break;
		if (strchr(f, 'n'))
			newline = 0;
		if (strchr(f, 'e'))
			escapes = 1;
	}
	for (int first = i; i < argc; i++) {
		if (i > first)
			put(' ');
		if (!escapes) {
			for (const char *s = argv[i]; *s; s++)
				put(*s);
		} else if (put_escaped(argv[i])) {
			newline = 0;
			break;
		}
	}
	if (newline)
		put('\n');
	return u_write_all(1, out, used) ? 1 : 0;
}
