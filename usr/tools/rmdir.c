/* rmdir: removes empty directories; -p also removes each parent named in the path. */
#include <string.h>
#include <unistd.h>

#include "ulib.h"

static int remove_with_parents(char *path)
{
	if (rmdir(path))
		return -1;
	for (;;) {
		char *slash = strrchr(path, '/');
		while (slash && slash > path && slash[1] == '\0') {
			*slash = '\0';
			slash = strrchr(path, '/');
		}
		if (!slash || slash == path)
			return 0;
		*slash = '\0';
		if (rmdir(path))
			return -1;
	}
}

int main(int argc, char **argv)
{
	int parents = 0, status = 0, i = 1;

	u_setprog(argv[0]);
	if (i < argc && !strcmp(argv[i], "-p")) {
		parents = 1;
		i++;
	}
	if (i == argc) {
		u_warnx("usage: rmdir [-p] DIR...");
		return 2;
	}
	for (; i < argc; i++) {
		if (parents ? remove_with_parents(argv[i]) : rmdir(argv[i])) {
			u_warn(argv[i]);
			status = 1;
		}
	}
	return status;
}
