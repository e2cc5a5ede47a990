/*
 * uname: prints system information from uname(2). Flags -s -n -r -v -m
 * pick fields (in that order); -a prints them all; no flag means -s.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "ulib.h"

enum { F_SYS = 1, F_NODE = 2, F_REL = 4, F_VER = 8, F_MACH = 16, F_ALL = 31 };

static int parse_flags(int argc, char **argv, int *flags)
{
	static const char letters[] = "snrvm";

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || !argv[i][1])
			return -1;
		for (const char *f = argv[i] + 1; *f; f++) {
			const char *hit = strchr(letters, *f);
			if (*f == 'a')
				*flags |= F_ALL;
			else if (hit)
				*flags |= 1 << (hit - letters);
			else
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct utsname u;
	int flags = 0;

	u_setprog(argv[0]);
	if (parse_flags(argc, argv, &flags)) {
		u_warnx("usage: uname [-asnrvm]");
		return 2;
	}
	if (!flags)
		flags = F_SYS;
	if (uname(&u)) {
		u_warn("uname");
		return 1;
	}
	const char *fields[] = { u.sysname, u.nodename, u.release, u.version, u.machine };
	const char *sep = "";
	for (int i = 0; i < 5; i++) {
		if (flags & (1 << i)) {
			printf("%s%s", sep, fields[i]);
			sep = " ";
		}
	}
	printf("\n");
	return 0;
}
