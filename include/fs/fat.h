/*
 * The FAT filesystem (FAT12, FAT16 and FAT32 with long file names),
 * registered as "vfat", "fat" and "msdos". See Documentation/fat.md.
 */
#ifndef FS_FAT_H
#define FS_FAT_H

#include <fs/vfs.h>

#define MSDOS_SUPER_MAGIC  0x4d44   /* statfs f_type, as Linux */

/* Registers the FAT filesystem types. 0 or -errno. */
int fat_init(void);

#endif
