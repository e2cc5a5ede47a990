/*
 * rm: removes files; -r removes directories and what they hold, -f ignores
 * missing files and never complains about them.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int recursive, force;

static int remove_path(const char *path);

static int remove_dir_contents(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int status = 0;

	if (!d) {
		u_warn(path);
		return 1;
	}
	while ((e = readdir(d))) {
		char child[PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (u_path_join(child, sizeof(child), path, e->d_name)) {
			u_warnx("%s/%s: path too long", path, e->d_name);
			status = 1;
			continue;
		}
		status |= remove_path(child);
	}
	closedir(d);
	return status;
}

static int remove_path(const char *path)
{
	struct stat st;

	if (lstat(path, &st)) {
		if (force && errno == ENOENT)
			return 0;
		u_warn(path);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			u_warnx("%s: is a directory (use -r)", path);
			return 1;
		}
		if (remove_dir_contents(path))
			return 1;
		if (rmdir(path)) {
			u_warn(path);
			return 1;
		}
		return 0;
	}
	if (unlink(path)) {
		u_warn(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0, i = 1;

	u_setprog(argv[0]);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'r' || *f == 'R') {
				recursive = 1;
			} else if (*f == 'f') {
				force = 1;
			} else {
				u_warnx("usage: rm [-rf] FILE...");
				return 2;
			}
		}
	}
	if (i == argc && !force) {
		u_warnx("usage: rm [-rf] FILE...");
		return 2;
	}
	for (; i < argc; i++)
		status |= remove_path(argv[i]);
	return status;
}
