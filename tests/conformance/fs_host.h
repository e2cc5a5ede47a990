/*
 * A file-backed block device for the filesystem suites on the host: an image
 * file read and written by pread/pwrite, standing in for the block layer
 * (blk_read, blk_write, blk_flush, blkdev_by_dev) under the buffer cache.
 */
#ifndef TESTS_CONFORMANCE_FS_HOST_H
#define TESTS_CONFORMANCE_FS_HOST_H

#include <block/blkdev.h>
#include <stddef.h>

/* The device number images are attached as: sda's, MKDEV(8, 0). */
#define FS_HOST_DEV  ((kdev_t)8 << 20)

/* Attaches image path as device dev with sector_size sectors; NULL on failure. */
struct blkdev *fs_host_attach(const char *path, kdev_t dev, u32 sector_size);
/* Detaches it (the cache must hold none of its buffers). */
void fs_host_detach(struct blkdev *bd);

/* Requests served since attach, and a fault switch: after this many, -EIO (-1: never). */
extern long fs_host_requests;
extern long fs_host_fail_after;

/* --- host files for building images (no kernel headers needed by callers) --- */

/* A fresh directory under $TMPDIR (else /dev/shm, else /tmp), removed by fs_host_cleanup. */
const char *fs_host_tmpdir(void);
void fs_host_cleanup(void);
/* Runs a shell command (printf-style); returns its exit status, output in fs_host_output. */
int fs_host_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern char fs_host_output[8192];
int fs_host_mkdir(const char *path);
int fs_host_symlink(const char *target, const char *path);
int fs_host_write(const char *path, const void *data, size_t len);
/* Bytes at off of a file: read or overwrite in place. 0 or -1. */
int fs_host_pread(const char *path, long off, void *buf, size_t len);
int fs_host_pwrite(const char *path, long off, const void *buf, size_t len);
int fs_host_truncate(const char *path, long size);
/* Deletes a file unless FS_KEEP is set (a crashed run leaves less in /dev/shm). */
void fs_host_remove(const char *path);

#endif
