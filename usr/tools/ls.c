/*
 * ls: lists directories and files, sorted by name. -a shows dot files,
 * -l the long form (mode, links, uid, gid, size, UTC time), -1 one name per
 * line (the default when standard output is not a terminal), -d lists
 * directories themselves. Owners are numeric: there is no /etc/passwd.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ulib.h"

#define DEFAULT_COLUMNS 80

static int opt_all, opt_long, opt_one, opt_dir;

struct entry {
	char *name;
	struct stat st;
	int have_stat;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void mode_string(mode_t m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	char type = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' :
		    S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';

	out[0] = type;
	for (int i = 0; i < 9; i++)
		out[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

static void print_long(const char *dir, const struct entry *e)
{
	char mode[11], when[32] = "?", target[PATH_MAX] = "";
	struct tm tm;
	time_t t = e->st.st_mtime;

	mode_string(e->st.st_mode, mode);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	if (S_ISLNK(e->st.st_mode)) {
		char path[PATH_MAX];
		const char *p = e->name;
		if (dir)
			p = u_path_join(path, sizeof(path), dir, e->name) ? NULL : path;
		/* readlink is not in Tessera's first system-call set: show "?" then. */
		ssize_t n = p ? readlink(p, target, sizeof(target) - 1) : -1;
		target[n < 0 ? 0 : n] = '\0';
	}
	printf("%s %3lu %4u %4u %8lld %s %s%s%s\n", mode, (unsigned long)e->st.st_nlink,
	       (unsigned)e->st.st_uid, (unsigned)e->st.st_gid, (long long)e->st.st_size, when,
	       e->name, S_ISLNK(e->st.st_mode) ? " -> " : "",
	       S_ISLNK(e->st.st_mode) ? (*target ? target : "?") : "");
}

static int terminal_columns(void)
{
	struct winsize ws;

	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return DEFAULT_COLUMNS;
}

static void print_columns(const struct entry *v, size_t n)
{
	size_t width = 0;

	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].name) > width)
			width = strlen(v[i].name);
	width += 2;
	size_t cols = (size_t)terminal_columns() / width;
	if (cols == 0)
		cols = 1;
	size_t rows = (n + cols - 1) / cols;
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + r;
			if (i >= n)
				continue;
			if (c == cols - 1 || (c + 1) * rows + r >= n) {
				printf("%s", v[i].name);
				break;
			}
			printf("%-*s", (int)width, v[i].name);
		}
		printf("\n");
	}
}

/* Prints a sorted set of entries; dir is where their names live (or NULL). */
static void print_entries(const char *dir, struct entry *v, size_t n)
{
	qsort(v, n, sizeof(*v), by_name);
	if (opt_long) {
		for (size_t i = 0; i < n; i++)
			print_long(dir, &v[i]);
	} else if (opt_one) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].name);
	} else if (n) {
		print_columns(v, n);
	}
}

static int list_dir(const char *path)
{
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *d;
	int status = 0;
	DIR *dir = opendir(path);

	if (!dir) {
		u_warn(path);
		return 1;
	}
	for (;;) {
		errno = 0;              /* readdir returns NULL at the end and on an error */
		d = readdir(dir);
		if (!d) {
			if (errno) {
				u_warn(path);
				status = 1;
			}
			break;
		}
		if (d->d_name[0] == '.' && !opt_all)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
			if (!v) {
				u_warn("realloc");
				closedir(dir);
				return 1;
			}
		}
		v[n].name = strdup(d->d_name);
		char full[PATH_MAX];
		v[n].have_stat = opt_long && !u_path_join(full, sizeof(full), path, d->d_name) &&
				 !lstat(full, &v[n].st);
		if (opt_long && !v[n].have_stat) {
			u_warn(d->d_name);
			status = 1;
			free(v[n].name);
			continue;
		}
		n++;
	}
	closedir(dir);
	print_entries(path, v, n);
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return status;
}

static int parse_flags(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'a') opt_all = 1;
			else if (*f == 'l') opt_long = 1;
			else if (*f == '1') opt_one = 1;
			else if (*f == 'd') opt_dir = 1;
			else return -1;
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	int status = 0;

	u_setprog(argv[0]);
	int first = parse_flags(argc, argv);
	if (first < 0) {
		u_warnx("usage: ls [-adl1] [FILE...]");
		return 2;
	}
	if (!isatty(1))
		opt_one = 1;
	if (first == argc)
		return list_dir(".");

	/* Files first, then each directory under its own heading. */
	struct entry *files = calloc((size_t)(argc - first), sizeof(*files));
	size_t nfiles = 0;
	int ndirs = 0;
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (lstat(argv[i], &st)) {
			u_warn(argv[i]);
			status = 1;
			argv[i] = NULL;
		} else if (S_ISDIR(st.st_mode) && !opt_dir) {
			ndirs++;
		} else {
			files[nfiles].name = argv[i];
			files[nfiles++].st = st;
			argv[i] = NULL;
		}
	}
	print_entries(NULL, files, nfiles);
	int shown = nfiles > 0;
	for (int i = first; i < argc; i++) {
		if (!argv[i])
			continue;
		if (nfiles + (size_t)ndirs > 1)
			printf("%s%s:\n", shown++ ? "\n" : "", argv[i]);
		fflush(stdout);
		status |= list_dir(argv[i]);
	}
	free(files);
	return status;
}
