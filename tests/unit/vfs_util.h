/*
 * Helpers and the fixture shared by test_vfs, test_vfs_walk and
 * test_vfs_fds (vfs_util.c). Include after cmocka.h.
 */
#ifndef TESTS_UNIT_VFS_UTIL_H
#define TESTS_UNIT_VFS_UTIL_H

#include <fs/initramfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include "vfs_host.h"

extern struct fs_struct *fs;
/* Heap blocks and pages live when the current test started. */
extern long heap_before, pages_before;

struct file *open_ok(const char *path, unsigned int flags, u32 mode);
/* vfs_open's result; a file that did open is closed again. */
int open_err(const char *path, unsigned int flags);
void write_file(const char *path, const char *data);
/* The whole file as a string (at most 4095 bytes). */
const char *read_file(const char *path);
struct stat st_of(const char *path, unsigned int flags);
int stat_err(const char *path);
/* Names in a directory, sorted, space-separated, without "." and "..". */
const char *list_dir(const char *path);

/* Fixture: a fresh ramfs on /t as the cwd; teardown unmounts and checks for leaks. */
int setup(void **state);
int teardown(void **state);

#define VFS_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* Boots the file layer (fs_init) and runs the group. */
int vfs_test_run(const char *name, const struct CMUnitTest *tests, size_t count);

#endif
