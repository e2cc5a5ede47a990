/*
 * env: with no command, prints the environment; otherwise runs the command
 * with NAME=VALUE arguments added (-i: starting from an empty environment).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

extern char **environ;

int main(int argc, char **argv)
{
	int i = 1;

	u_setprog(argv[0]);
	if (i < argc && (!strcmp(argv[i], "-i") || !strcmp(argv[i], "-"))) {
		static char *empty[] = { NULL };
		environ = empty;
		i++;
	}
	for (; i < argc && strchr(argv[i], '='); i++) {
		if (putenv(argv[i])) {
			u_warn("putenv");
			return 125;
		}
	}
	if (i == argc) {
		for (char **e = environ; *e; e++)
			printf("%s\n", *e);
		return 0;
	}
	execvp(argv[i], argv + i);
	int err = errno;
	u_warn(argv[i]);
	return err == ENOENT ? 127 : 126;
}
