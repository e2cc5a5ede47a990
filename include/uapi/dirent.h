/*
 * What getdents64() writes: a packed run of struct linux_dirent64 records,
 * each d_reclen bytes (8-aligned), d_type one of DT_*. Linux's layout.
 */
#ifndef UAPI_DIRENT_H
#define UAPI_DIRENT_H

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

struct linux_dirent64 {
	unsigned long d_ino;
	long d_off;                  /* where the next record starts, for lseek */
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];               /* NUL-terminated, padded to 8 bytes */
};

#endif
