/*
 * File copying shared by cp and mv (mv copies when rename() cannot cross
 * filesystems): plain read/write loops, the destination created with the
 * source's permission bits.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

static int copy_data(int in, int out, const char *src, const char *dst)
{
	static char buf[32768];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			u_warn(src);
			return -1;
		}
		if (u_write_all(out, buf, (size_t)n)) {
			u_warn(dst);
			return -1;
		}
	}
}

int u_copy_file(const char *src, const char *dst, mode_t mode)
{
	struct stat sst, dst_st;
	int in = open(src, O_RDONLY);

	if (in < 0) {
		u_warn(src);
		return -1;
	}
	if (fstat(in, &sst) == 0 && stat(dst, &dst_st) == 0 &&
	    sst.st_dev == dst_st.st_dev && sst.st_ino == dst_st.st_ino) {
		u_warnx("'%s' and '%s' are the same file", src, dst);
		close(in);
		return -1;
	}
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
	if (out < 0) {
		u_warn(dst);
		close(in);
		return -1;
	}
	int ret = copy_data(in, out, src, dst);
	close(in);
	if (close(out) && !ret) {
		u_warn(dst);
		ret = -1;
	}
	return ret;
}
