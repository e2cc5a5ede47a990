/*
 * The initramfs: a newc cpio archive GRUB loads as a multiboot2 module
 * whose command line is "initramfs", unpacked into the root ramfs at boot.
 */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include <tessera/types.h>

struct boot_info;
struct boot_module;

#define INITRAMFS_MODULE_NAME "initramfs"

struct initramfs_stats {
	unsigned long files;         /* regular files, hard links included */
	unsigned long dirs;
	unsigned long symlinks;
	unsigned long nodes;         /* device nodes, FIFOs, sockets */
	unsigned long errors;        /* entries the VFS refused (logged one by one) */
	u64 bytes;                   /* file data written */
};

/*
 * Checks the whole archive first, then unpacks it under the directory
 * dest. Returns 0 (entries that fail are logged and counted in
 * st->errors), -EINVAL for a malformed archive (nothing is unpacked;
 * *bad_offset is the offending entry's offset), or -ENOMEM.
 */
int initramfs_unpack(const void *buf, size_t len, const char *dest,
		     struct initramfs_stats *st, size_t *bad_offset);

/* The module whose command line starts with "initramfs", or NULL. */
const struct boot_module *initramfs_find_module(const struct boot_info *bi);

/* Unpacks the module into "/" and logs "initramfs: N files, M bytes". */
void initramfs_init(const struct boot_info *bi);

#endif
