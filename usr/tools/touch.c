/* touch: creates each FILE if missing, else sets its access and modification times to now. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int touch(const char *path)
{
	int fd;

	if (!utimensat(AT_FDCWD, path, NULL, 0))
		return 0;
	if (errno != ENOENT)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_NOCTTY, 0666);
	if (fd < 0)
		return -1;
	return close(fd);
}

int main(int argc, char **argv)
{
	int status = 0;

	u_setprog(argv[0]);
	if (argc < 2) {
		u_warnx("usage: touch FILE...");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (touch(argv[i])) {
			u_warn(argv[i]);
			status = 1;
		}
	}
	return status;
}
