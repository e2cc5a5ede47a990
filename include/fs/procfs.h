/*
 * procfs (CONFIG_FS_PROC): the "proc" filesystem type, mounted on /proc at
 * boot. Its files are generated from the subsystems' counters at open;
 * see Documentation/procfs.md.
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

/* Registers the "proc" type. 0 or -errno. */
int procfs_init(void);

#endif
