/* pwd: prints the current working directory (from getcwd). */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	char buf[PATH_MAX + 1];

	(void)argc;
	u_setprog(argv[0]);
	if (!getcwd(buf, sizeof(buf) - 1)) {
		u_warn("getcwd");
		return 1;
	}
	strcat(buf, "\n");
	return u_puts(1, buf) ? 1 : 0;
}
