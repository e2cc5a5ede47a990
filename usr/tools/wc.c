/*
 * wc: counts lines, words and bytes of each file (or standard input).
 * -l -w -c select columns; with no flag all three are printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

struct counts {
	unsigned long lines, words, bytes;
};

static int show_l, show_w, show_c;

static int count_fd(int fd, const char *name, struct counts *c)
{
	static char buf[16384];
	int in_word = 0;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			u_warn(name);
			return 1;
		}
		c->bytes += (unsigned long)n;
		for (ssize_t i = 0; i < n; i++) {
			char ch = buf[i];
			int space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' ||
				    ch == '\v' || ch == '\f';
			if (ch == '\n')
				c->lines++;
			if (!space && !in_word)
				c->words++;
			in_word = !space;
		}
	}
}

static void print_counts(const struct counts *c, const char *name)
{
	if (show_l)
		printf("%7lu", c->lines);
	if (show_w)
		printf("%s%7lu", show_l ? " " : "", c->words);
	if (show_c)
		printf("%s%7lu", show_l || show_w ? " " : "", c->bytes);
	printf(name ? " %s\n" : "\n", name);
}

static int parse_flags(int argc, char **argv, int *first)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'l') show_l = 1;
			else if (*f == 'w') show_w = 1;
			else if (*f == 'c') show_c = 1;
			else return -1;
		}
	}
	if (!show_l && !show_w && !show_c)
		show_l = show_w = show_c = 1;
	*first = i;
	return 0;
}

int main(int argc, char **argv)
{
	struct counts total = { 0 };
	int first, status = 0;

	u_setprog(argv[0]);
	if (parse_flags(argc, argv, &first)) {
		u_warnx("usage: wc [-lwc] [FILE...]");
		return 2;
	}
	if (first == argc) {
		struct counts c = { 0 };
		status = count_fd(0, "stdin", &c);
		print_counts(&c, NULL);
		return status;
	}
	for (int i = first; i < argc; i++) {
		struct counts c = { 0 };
		int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY) : 0;
		if (fd < 0) {
			u_warn(argv[i]);
			status = 1;
			continue;
		}
		status |= count_fd(fd, argv[i], &c);
		if (fd)
			close(fd);
		print_counts(&c, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (argc - first > 1)
		print_counts(&total, "total");
	return status;
}
