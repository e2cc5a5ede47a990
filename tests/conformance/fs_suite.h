/*
 * What fs_suite.c and fs_suite_big.c share: the profile of the filesystem
 * under test, the fixture (a fresh image mounted on /mnt) and helpers that
 * fail the case on any VFS error. Include after cmocka.h.
 */
#ifndef TESTS_CONFORMANCE_FS_SUITE_H
#define TESTS_CONFORMANCE_FS_SUITE_H

#include <fs/vfs.h>

#define MNT        "/mnt"
#define DEV_NODE   "/sda"
#define KIB        1024UL
#define MIB        (1024UL * 1024UL)

/* What a type can do beyond plain files and directories; cases check these. */
#define FS_CAP_LINKS     0x1     /* hard links */
#define FS_CAP_SYMLINKS  0x2
#define FS_CAP_SPARSE    0x4     /* holes take no blocks */
#define FS_CAP_NLINK     0x8     /* directory link counts are 2 + subdirectories */
#define FS_CAP_UNIX      0x10    /* permission bits, owners, device nodes, FIFOs */

struct fs_variant {
	const char *name;
	const char *mkfs_args;
	unsigned int sector_size;    /* the disk's; 0: 512 */
};

struct fs_profile {
	const char *type;
	int (*init)(void);
	unsigned int caps;
	const char *mkfs;            /* printf: args, image */
	const char *mkfs_tree;       /* printf: args, folder, image; NULL: no tree case */
	const char *fsck;            /* printf: image */
	struct fs_variant variants[6];
};

extern const struct fs_profile *prof;
extern const struct fs_variant *var;
extern struct fs_struct *fs;
extern char image[512];

/* "/mnt/rel" in one of four rotating buffers. */
const char *P(const char *rel);
struct file *xopen(const char *rel, unsigned int flags);
u8 pattern(u64 i, unsigned int seed);
/* len bytes of pattern(i, seed), malloc'd. */
u8 *pattern_buf(size_t len, unsigned int seed);
void put_file(const char *rel, const void *data, size_t len);
/* The len bytes at at must be want. */
void check_bytes(const char *rel, u64 at, const void *want, size_t len);
struct stat xstat(const char *rel, unsigned int flags);
int stat_err(const char *rel);
u64 free_blocks(void);
u32 block_size(void);
/* Calls fn for every name but "." and ".."; returns how many. */
long for_each_name(const char *rel, void (*fn)(const char *name, void *ctx), void *ctx);
int mount_image(void);
/* Unmounts; no buffer may stay held. */
void unmount_image(void);
/* Unmounts and mounts the same image again: what follows reads the disk. */
void remount(void);

/* fs_suite_big.c */
void big_directory(void **state);
void sparse_file(void **state);
void fill_until_enospc(void **state);
void host_tree(void **state);
void random_ops(void **state);

#endif
