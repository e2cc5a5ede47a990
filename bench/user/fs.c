/*
 * ubench's file-system half: sequential write and read of an 8 MiB file,
 * small-file create and unlink, in a folder (--fs DIR); and the set-up the
 * Linux guest's /init needs first (--insmod LIST, --mount SRC DIR TYPE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "ubench.h"

#define FS_FILE_BYTES	(8UL << 20)
#define FS_CHUNK	(64UL << 10)
#define FS_SMALL_FILES	200
#define FS_SMALL_BYTES	1024

static char fs_buf[FS_CHUNK];

static uint64_t fs_write_file(const char *path)
{
	uint64_t t = rdtsc();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("open for write");
	for (unsigned long off = 0; off < FS_FILE_BYTES; off += FS_CHUNK)
		if (write(fd, fs_buf, FS_CHUNK) != (ssize_t)FS_CHUNK)
			die("write");
	/* EINVAL/ENOSYS: a file system with nothing to flush (ramfs) */
	if (fsync(fd) && errno != EINVAL && errno != ENOSYS)
		die("fsync");
	close(fd);
	return rdtsc() - t;
}

static uint64_t fs_read_file(const char *path)
{
	uint64_t t = rdtsc();
	int fd = open(path, O_RDONLY);
	unsigned long total = 0;
	ssize_t n;

	if (fd < 0)
		die("open for read");
	while ((n = read(fd, fs_buf, FS_CHUNK)) > 0)
		total += n;
	if (n < 0 || total != FS_FILE_BYTES)
		die("read");
	close(fd);
	return rdtsc() - t;
}

static uint64_t fs_small_files(const char *dir, uint64_t *unlink_cycles)
{
	char name[512];
	uint64_t t = rdtsc();

	for (int i = 0; i < FS_SMALL_FILES; i++) {
		snprintf(name, sizeof(name), "%s/ub%03d", dir, i);
		int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			die("create small file");
		if (write(fd, fs_buf, FS_SMALL_BYTES) != FS_SMALL_BYTES)
			die("write small file");
		close(fd);
	}
	t = rdtsc() - t;
	uint64_t u = rdtsc();

	for (int i = 0; i < FS_SMALL_FILES; i++) {
		snprintf(name, sizeof(name), "%s/ub%03d", dir, i);
		if (unlink(name))
			die("unlink small file");
	}
	*unlink_cycles = rdtsc() - u;
	return t;
}

static void report_rate(const char *name, const char *dir, uint64_t *cyc, int n,
			double amount, const char *unit)
{
	uint64_t med = median(cyc, n);
	double sec = (double)med / tsc_hz;

	printf("{\"bench\":\"%s\",\"%s\":%.1f,\"cycles\":%llu,\"rounds\":%d,\"dir\":\"%s\"}\n",
	       name, unit, amount / sec, (unsigned long long)med, n, dir);
	fflush(stdout);
}

#define FS_ROUNDS 3

void fs_benches(const char *dir)
{
	uint64_t w[FS_ROUNDS], r[FS_ROUNDS], c[FS_ROUNDS], u[FS_ROUNDS];
	char path[512];

	memset(fs_buf, 0x5a, sizeof(fs_buf));
	snprintf(path, sizeof(path), "%s/ubench.dat", dir);
	for (int i = 0; i < FS_ROUNDS; i++) {
		w[i] = fs_write_file(path);
		r[i] = fs_read_file(path);
		unlink(path);
		c[i] = fs_small_files(dir, &u[i]);
	}
	report_rate("fs_seq_write", dir, w, FS_ROUNDS, FS_FILE_BYTES / 1e6, "mb_per_s");
	report_rate("fs_seq_read", dir, r, FS_ROUNDS, FS_FILE_BYTES / 1e6, "mb_per_s");
	report_rate("fs_create_1k", dir, c, FS_ROUNDS, FS_SMALL_FILES, "files_per_s");
	report_rate("fs_unlink", dir, u, FS_ROUNDS, FS_SMALL_FILES, "files_per_s");
}

/* --- set-up for the Linux guest ------------------------------------------ */

static void setup_fail(const char *what, const char *arg)
{
	printf("{\"bench\":\"error\",\"what\":\"%s\",\"arg\":\"%s\",\"errno\":%d}\n",
	       what, arg, errno);
	fflush(stdout);
}

int setup_insmod(const char *list)
{
	char path[256];
	FILE *f = fopen(list, "r");

	if (!f) {
		setup_fail("insmod list", list);
		return -1;
	}
	while (fgets(path, sizeof(path), f)) {
		path[strcspn(path, "\n")] = 0;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		/* EEXIST: built in or already loaded, which is as good */
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)) {
			setup_fail("insmod", path);
			fclose(f);
			return -1;
		}
		close(fd);
	}
	fclose(f);
	return 0;
}

#define MOUNT_TRIES	20	/* a disk may appear a little after its driver loads */

int setup_mount(const char *src, const char *dir, const char *type)
{
	char parent[256];
	struct timespec pause = { 0, 100000000 };

	for (size_t i = 1; dir[i] && i < sizeof(parent); i++)
		if (dir[i] == '/') {
			snprintf(parent, sizeof(parent), "%.*s", (int)i, dir);
			mkdir(parent, 0755);
		}
	mkdir(dir, 0755);
	for (int i = 0; mount(src, dir, type, 0, NULL); i++) {
		if (errno == EBUSY)
			break;
		if ((errno != ENOENT && errno != ENXIO) || i == MOUNT_TRIES) {
			setup_fail("mount", src);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}
