/* mkdir: creates directories; -p creates missing parents and accepts existing ones. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "ulib.h"

#define DIR_MODE 0777	/* before the umask, as every mkdir does */

static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, DIR_MODE);
		*p = '/';
		if (r && errno != EEXIST)
			return -1;
	}
	if (mkdir(path, DIR_MODE) && errno != EEXIST)
		return -1;
	return 0;
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
		u_warnx("usage: mkdir [-p] DIR...");
		return 2;
	}
	for (; i < argc; i++) {
		int r = parents ? make_parents(argv[i]) : mkdir(argv[i], DIR_MODE);
		if (r) {
			u_warn(argv[i]);
			status = 1;
		}
	}
	return status;
}
