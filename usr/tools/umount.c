/* umount: detaches the filesystem mounted on each DIR (after writing it back). */
#include <sys/mount.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	int status = 0;

	u_setprog(argv[0]);
	if (argc < 2) {
		u_warnx("usage: umount DIR...");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (umount(argv[i])) {
			u_warn(argv[i]);
			status = 1;
		}
	}
	return status;
}
