/*
 * The block layer as the filesystem suites see it on the host: devices are
 * image files, sectors move with pread/pwrite, and blkdev_by_dev finds them
 * by device number. Only what the buffer cache and filesystems call.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tessera/errno.h>
#include <tessera/mutex.h>
#include "fs_host.h"

#define FS_HOST_MAX 4

long fs_host_requests;
long fs_host_fail_after = -1;

struct host_disk {
	struct blkdev bd;
	int fd;
};

static struct host_disk *disks[FS_HOST_MAX];

static bool fault(void)
{
	fs_host_requests++;
	if (fs_host_fail_after < 0)
		return false;
	if (fs_host_fail_after == 0)
		return true;
	fs_host_fail_after--;
	return false;
}

static int host_fd(struct blkdev *bd)
{
	return ((struct host_disk *)bd)->fd;
}

static bool in_range(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	return bd && buf && count && lba < bd->sectors && count <= bd->sectors - lba;
}

int blk_read(struct blkdev *bd, u64 lba, u32 count, void *buf)
{
	size_t len = (size_t)count * (bd ? bd->sector_size : 0);

	if (!in_range(bd, lba, count, buf))
		return -EINVAL;
	if (fault() || pread(host_fd(bd), buf, len, (off_t)(lba * bd->sector_size)) != (ssize_t)len)
		return -EIO;
	return 0;
}

int blk_write(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	size_t len = (size_t)count * (bd ? bd->sector_size : 0);

	if (!in_range(bd, lba, count, buf))
		return -EINVAL;
	if (fault() || pwrite(host_fd(bd), buf, len, (off_t)(lba * bd->sector_size)) != (ssize_t)len)
		return -EIO;
	return 0;
}

/* The page cache reaches the file anyway; fsync would only slow the suite. */
int blk_flush(struct blkdev *bd)
{
	return bd ? 0 : -EINVAL;
}

struct blkdev *blkdev_first(void)
{
	for (int i = 0; i < FS_HOST_MAX; i++)
		if (disks[i])
			return &disks[i]->bd;
	return NULL;
}

struct blkdev *blkdev_by_dev(kdev_t dev)
{
	for (int i = 0; i < FS_HOST_MAX; i++)
		if (disks[i] && disks[i]->bd.dev == dev)
			return &disks[i]->bd;
	return NULL;
}

/* Keeps ->next in attach order so bsync's walk sees every disk. */
static void relink(void)
{
	struct blkdev **tail = NULL;

	for (int i = 0; i < FS_HOST_MAX; i++) {
		if (!disks[i])
			continue;
		disks[i]->bd.next = NULL;
		if (tail)
			*tail = &disks[i]->bd;
		tail = &disks[i]->bd.next;
	}
}

struct blkdev *fs_host_attach(const char *path, kdev_t dev, u32 sector_size)
{
	struct host_disk *d;
	struct stat st;
	int slot = -1;

	for (int i = 0; i < FS_HOST_MAX && slot < 0; i++)
		if (!disks[i])
			slot = i;
	if (slot < 0)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->fd = open(path, O_RDWR);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		fprintf(stderr, "fs_host: cannot open %s\n", path);
		if (d->fd >= 0)
			close(d->fd);
		free(d);
		return NULL;
	}
	snprintf(d->bd.name, sizeof(d->bd.name), "sd%c", 'a' + slot);
	d->bd.sector_size = sector_size;
	d->bd.sectors = (u64)st.st_size / sector_size;
	d->bd.dev = dev;
	mutex_init(&d->bd.lock);
	disks[slot] = d;
	relink();
	return &d->bd;
}

void fs_host_detach(struct blkdev *bd)
{
	for (int i = 0; i < FS_HOST_MAX; i++) {
		if (disks[i] && &disks[i]->bd == bd) {
			close(disks[i]->fd);
			free(disks[i]);
			disks[i] = NULL;
		}
	}
	relink();
}

static char tmpdir[256];
char fs_host_output[8192];

const char *fs_host_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	/* mke2fs and e2fsck fsync the image: on tmpfs that costs nothing. */
	if (!base && access("/dev/shm", W_OK) == 0)
		base = "/dev/shm";
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/fs_suite.XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			fprintf(stderr, "fs_host: mkdtemp %s failed\n", tmpdir);
			exit(1);
		}
	}
	return tmpdir;
}

void fs_host_cleanup(void)
{
	if (tmpdir[0] && !getenv("FS_KEEP"))
		fs_host_run("rm -rf '%s'", tmpdir);
	tmpdir[0] = '\0';
}

int fs_host_run(const char *fmt, ...)
{
	char cmd[2048];
	size_t n = 0;
	va_list ap;
	FILE *p;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n < sizeof(fs_host_output) - 1) {
		size_t got = fread(fs_host_output + n, 1, sizeof(fs_host_output) - 1 - n, p);

		if (!got)
			break;
		n += got;
	}
	while (fgetc(p) != EOF)
		;
	fs_host_output[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int fs_host_mkdir(const char *path)
{
	return mkdir(path, 0755);
}

int fs_host_symlink(const char *target, const char *path)
{
	return symlink(target, path);
}

int fs_host_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	size_t n;

	if (!f)
		return -1;
	n = fwrite(data, 1, len, f);
	return fclose(f) || n != len ? -1 : 0;
}

int fs_host_pread(const char *path, long off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

int fs_host_pwrite(const char *path, long off, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pwrite(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

int fs_host_truncate(const char *path, long size)
{
	return truncate(path, size);
}

void fs_host_remove(const char *path)
{
	if (!getenv("FS_KEEP"))
		unlink(path);
}
