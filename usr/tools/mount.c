/*
 * mount: with no arguments lists the mounts (/proc/mounts); otherwise
 * `mount [-t TYPE] [-o ro|rw|remount,...] SOURCE DIR` mounts SOURCE on DIR.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "ulib.h"

#define MOUNTS_FILE "/proc/mounts"

static int list_mounts(void)
{
	char buf[512];
	ssize_t n;
	int fd = open(MOUNTS_FILE, O_RDONLY);

	if (fd < 0) {
		u_warn(MOUNTS_FILE);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		u_write_all(1, buf, (size_t)n);
	close(fd);
	return n < 0;
}

/* Splits -o's comma list: the flags mount(2) knows, the rest to the filesystem. */
static int parse_options(char *opts, unsigned long *flags, char *data, size_t size)
{
	for (char *o = strtok(opts, ","); o; o = strtok(NULL, ",")) {
		if (!strcmp(o, "ro"))
			*flags |= MS_RDONLY;
		else if (!strcmp(o, "rw"))
			*flags &= ~(unsigned long)MS_RDONLY;
		else if (!strcmp(o, "remount"))
			*flags |= MS_REMOUNT;
		else if (strlen(data) + strlen(o) + 2 > size)
			return -1;
		else {
			if (data[0])
				strcat(data, ",");
			strcat(data, o);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *type = NULL;
	unsigned long flags = 0;
	char data[256] = "";
	int i = 1;

	u_setprog(argv[0]);
	if (argc == 1)
		return list_mounts();
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-t"))
			type = argv[i + 1];
		else if (!strcmp(argv[i], "-o") && !parse_options(argv[i + 1], &flags, data,
								   sizeof(data)))
			continue;
		else
			break;
	}
	if ((flags & MS_REMOUNT) && i + 1 == argc) {
		if (!mount(NULL, argv[i], NULL, flags, data[0] ? data : NULL))
			return 0;
		u_warn(argv[i]);
		return 1;
	}
	if (i + 2 != argc) {
		u_warnx("usage: mount [-t TYPE] [-o OPTIONS] SOURCE DIR");
		return 2;
	}
	if (mount(argv[i], argv[i + 1], type, flags, data[0] ? data : NULL)) {
		u_warn(argv[i + 1]);
		return 1;
	}
	return 0;
}
