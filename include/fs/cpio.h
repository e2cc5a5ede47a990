/*
 * newc cpio archives (the initramfs format, "070701"; "070702" adds a
 * checksum): an iterator that checks every header against the buffer and
 * never reads past it. Pure: tests/unit/test_cpio.c runs it on the host.
 */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <tessera/types.h>

#define CPIO_HEADER_SIZE  110
#define CPIO_ALIGN        4
#define CPIO_TRAILER      "TRAILER!!!"
/* Longest name accepted, NUL included (PATH_MAX). */
#define CPIO_NAME_MAX     4096

struct cpio_entry {
	const char *name;        /* as stored, NUL-terminated inside the archive */
	const char *path;        /* name without leading "/" and "./": "" for the root */
	u32 mode;                /* S_IFMT type and permission bits */
	u32 uid, gid;
	u32 nlink;
	u32 mtime;
	u32 ino;
	u32 devmajor, devminor;  /* the device the file came from (hard-link identity) */
	u32 rdevmajor, rdevminor;/* for character and block device nodes */
	const void *data;
	size_t size;
	size_t offset;           /* of this entry's header in the archive */
};

struct cpio_iter {
	const u8 *buf;
	size_t len;
	size_t pos;
	size_t err_offset;       /* header offset of the entry that was malformed */
	bool done;
};

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len);

/*
 * Returns 1 with the next entry in *e, 0 after the last "TRAILER!!!" (NUL
 * padding and further archives after a trailer are allowed, as Linux
 * concatenates them), or -EINVAL for a malformed archive with
 * it->err_offset set: bad magic, a header, name or data past the end,
 * non-hex digits, a name size of 0 or over CPIO_NAME_MAX, a name without
 * its NUL or with one inside, a ".." component, an unknown file type, a
 * directory with data, a symlink without a target, a bad 070702 checksum,
 * or no trailer. After an error every call returns -EINVAL again.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

#endif
