/*
 * mv: renames files: "mv SRC DST" or "mv SRC... DIR". Across filesystems
 * (EXDEV) a regular file is copied and the original removed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int move_one(const char *src, const char *dst)
{
	struct stat st;

	if (!rename(src, dst))
		return 0;
	if (errno != EXDEV) {
		u_warn(src);
		return 1;
	}
	if (lstat(src, &st) || !S_ISREG(st.st_mode)) {
		u_warnx("%s: cannot move across filesystems (only regular files can)", src);
		return 1;
	}
	if (u_copy_file(src, dst, st.st_mode))
		return 1;
	if (unlink(src)) {
		u_warn(src);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	u_setprog(argv[0]);
	if (argc - i < 2) {
		u_warnx("usage: mv SRC DST | mv SRC... DIR");
		return 2;
	}
	return u_for_each_target(argc, argv, i, move_one);
}
