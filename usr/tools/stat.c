/* stat: prints each FILE's inode fields the way coreutils' stat does. */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "ulib.h"

static const char *type_name(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFREG: return st->st_size ? "regular file" : "regular empty file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symbolic link";
	case S_IFCHR: return "character special file";
	case S_IFBLK: return "block special file";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	default: return "weird file";
	}
}

/* "-rw-r--r--", as ls -l prints it. */
static void mode_string(mode_t m, char *s)
{
	static const char types[] = "?pc?d?b?-?l?s???";
	static const char rwx[] = "rwxrwxrwx";

	s[0] = types[(m & S_IFMT) >> 12];
	for (int i = 0; i < 9; i++)
		s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
	if (m & S_ISUID)
		s[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = (m & S_IXOTH) ? 't' : 'T';
	s[10] = '\0';
}

static void print_time(const char *label, const struct timespec *ts)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s: %s.%09ld +0000\n", label, buf, ts->tv_nsec);
}

static int show(const char *path)
{
	struct stat st;
	char mode[11];

	if (lstat(path, &st)) {
		u_warn(path);
		return 1;
	}
	mode_string(st.st_mode, mode);
	printf("  File: %s\n", path);
	printf("  Size: %-10lld\tBlocks: %-10lld IO Block: %-6ld %s\n", (long long)st.st_size,
	       (long long)st.st_blocks, (long)st.st_blksize, type_name(&st));
	printf("Device: %u,%u\tInode: %-11llu Links: %lu", major(st.st_dev), minor(st.st_dev),
	       (unsigned long long)st.st_ino, (unsigned long)st.st_nlink);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		printf("     Device type: %u,%u", major(st.st_rdev), minor(st.st_rdev));
	printf("\nAccess: (%04o/%s)  Uid: (%5u/%8s)   Gid: (%5u/%8s)\n", st.st_mode & 07777, mode,
	       st.st_uid, st.st_uid ? "?" : "root", st.st_gid, st.st_gid ? "?" : "root");
	print_time("Access", &st.st_atim);
	print_time("Modify", &st.st_mtim);
	print_time("Change", &st.st_ctim);
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	u_setprog(argv[0]);
	if (argc < 2) {
		u_warnx("usage: stat FILE...");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		status |= show(argv[i]);
	return status;
}
