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
	int i = 1;

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
	return u_for_each_target(argc, argv, i, link_one);
usage:
	u_warnx("usage: ln [-sf] TARGET [LINK] | ln [-sf] TARGET... DIR");
	return 2;
}
