/* cat: copies each file (or standard input for "-" or no argument) to standard output. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

static char buf[16384];

static int copy_fd(int fd, const char *name)
{
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			u_warn(name);
			return 1;
		}
		if (u_write_all(1, buf, (size_t)n)) {
			u_warn("write");
			return 1;
		}
	}
}

static int cat_one(const char *name)
{
	if (!strcmp(name, "-"))
		return copy_fd(0, "stdin");
	int fd = open(name, O_RDONLY);
	if (fd < 0) {
		u_warn(name);
		return 1;
	}
	int ret = copy_fd(fd, name);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	int status = 0;

	u_setprog(argv[0]);
	if (argc < 2)
		return copy_fd(0, "stdin");
	for (int i = 1; i < argc; i++)
		status |= cat_one(argv[i]);
	return status;
}
