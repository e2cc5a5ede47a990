/*
 * cp: copies files: "cp SRC DST" or "cp SRC... DIR". -r copies directories
 * with everything in them. Permission bits are kept; owners and times are not.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int recursive;

static int copy_path(const char *src, const char *dst);

static int copy_dir(const char *src, const char *dst, mode_t mode)
{
	struct dirent *e;
	int status = 0;

	if (mkdir(dst, mode | S_IRWXU) && errno != EEXIST) {
		u_warn(dst);
		return 1;
	}
	DIR *d = opendir(src);
	if (!d) {
		u_warn(src);
		return 1;
	}
	while ((e = readdir(d))) {
		char s[PATH_MAX], t[PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (u_path_join(s, sizeof(s), src, e->d_name) ||
		    u_path_join(t, sizeof(t), dst, e->d_name)) {
			u_warnx("%s/%s: path too long", src, e->d_name);
			status = 1;
			continue;
		}
		status |= copy_path(s, t);
	}
	closedir(d);
	return status;
}

static int copy_path(const char *src, const char *dst)
{
	struct stat st;

	if (stat(src, &st)) {
		u_warn(src);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			u_warnx("%s: is a directory (use -r)", src);
			return 1;
		}
		return copy_dir(src, dst, st.st_mode & 07777);
	}
	return u_copy_file(src, dst, st.st_mode) ? 1 : 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	u_setprog(argv[0]);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-r") && strcmp(argv[i], "-R")) {
			u_warnx("usage: cp [-r] SRC DST | cp [-r] SRC... DIR");
			return 2;
		}
		recursive = 1;
	}
	if (argc - i < 2) {
		u_warnx("usage: cp [-r] SRC DST | cp [-r] SRC... DIR");
		return 2;
	}
	return u_for_each_target(argc, argv, i, copy_path);
}
