/*
 * devfs: /dev, filled by drivers. A driver registers its file operations
 * for a device number (register_device, fs/vfs.h) and names the node here;
 * every devfs mount, present or later, shows it.
 */
#ifndef FS_DEVFS_H
#define FS_DEVFS_H

#include <fs/vfs.h>

/* Linux's numbers, so ls -l and programs see familiar devices. */
#define MEM_MAJOR       1       /* null 3, zero 5, full 7 */
#define TTYAUX_MAJOR    5       /* tty 0, console 1 */

/*
 * Adds the node name (no '/') with mode (S_IFCHR or S_IFBLK | permission
 * bits) for rdev. Returns 0, -EINVAL for a bad name or type, -EEXIST when
 * the name is taken, or -ENOMEM. May sleep.
 */
int devfs_register(const char *name, u32 mode, kdev_t rdev);

/*
 * The node "/dev/NAME" was registered as: mode and device number. For
 * mounting a disk as the root before anything is mounted; the namespace
 * lock must be held. 0 or -ENOENT.
 */
int devfs_find_locked(const char *path, u32 *mode, kdev_t *dev);

/* Registers the "devfs" type and the built-in devices (null, zero, full, console, tty). */
int devfs_init(void);

/* Built-in devices, called by devfs_init(). */
int devfs_mem_init(void);
int devfs_console_init(void);
/* CONFIG_BLOCK: block nodes (sda, sda1, vda...) as the block layer finds disks. */
int devfs_blk_init(void);

#endif
