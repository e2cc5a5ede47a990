/*
 * The ext2 filesystem (revisions 0 and 1, 1-4 KiB blocks), read-write,
 * registered as "ext2". See Documentation/ext2.md.
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <fs/vfs.h>

#define EXT2_SUPER_MAGIC  0xEF53    /* statfs f_type, as Linux */

/* Registers the "ext2" filesystem type. 0 or -errno. */
int ext2_init(void);

#endif
