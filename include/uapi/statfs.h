/* struct statfs as Linux x86_64 lays it out (120 bytes), for statfs()/fstatfs(). */
#ifndef UAPI_STATFS_H
#define UAPI_STATFS_H

struct statfs {
	long f_type;                 /* the filesystem's magic number */
	long f_bsize;
	unsigned long f_blocks;
	unsigned long f_bfree;
	unsigned long f_bavail;
	unsigned long f_files;
	unsigned long f_ffree;
	int f_fsid[2];
	long f_namelen;
	long f_frsize;
	long f_flags;
	long f_spare[4];
};

_Static_assert(sizeof(struct statfs) == 120, "Linux x86_64 struct statfs is 120 bytes");

/* f_type values (Linux's include/uapi/linux/magic.h). */
#define RAMFS_MAGIC  0x858458f6
#define DEVFS_MAGIC  0x1373          /* Linux's old devfs */

#endif
