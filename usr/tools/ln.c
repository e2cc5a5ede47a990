/*
 * ln: makes hard links (or symbolic links with -s). -f replaces an
 * existing target. With several sources the last argument is a directory.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int symbolic, force;

static int link_one(const char *src, const char *dst)
{
	if (force && unlink(dst) && errno != ENOENT) {
		u_warn(dst);
		return 1;
	}
	if (symbolic ? symlink(src, dst) : link(src, dst)) {
		u_warn(dst);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i = 1, status = 0;

	u_setprog(argv[0]);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 's') symbolic = 1;
			else if (*f == 'f') force = 1;
			else goto usage;
		}
	}
	if (argc - i < 1)
		goto usage;
	if (argc - i == 1)
		return link_one(argv[i], u_basename(argv[i]));
	const char *last = argv[argc - 1];
	int into_dir = !stat(last, &st) && S_ISDIR(st.st_mode);
	if (argc - i == 2 && !into_dir)
		return link_one(argv[i], last);
	if (!into_dir) {
		u_warnx("%s: not a directory", last);
		return 1;
	}
	for (; i < argc - 1; i++) {
		char dst[PATH_MAX];
		if (u_path_join(dst, sizeof(dst), last, u_basename(argv[i]))) {
			u_warnx("%s: path too long", argv[i]);
			status = 1;
			continue;
		}
		status |= link_one(argv[i], dst);
	}
	return status;
usage:
	u_warnx("usage: ln [-sf] TARGET [LINK] | ln [-sf] TARGET... DIR");
	return 2;
}
