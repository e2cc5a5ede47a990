/*
 * Writes newc cpio archives in memory for test_cpio and test_vfs, the way
 * GNU cpio -H newc lays them out: 110-byte header, name and NUL padded to
 * 4, data padded to 4, "TRAILER!!!" last.
 */
#ifndef TESTS_UNIT_CPIO_BUILD_H
#define TESTS_UNIT_CPIO_BUILD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/types.h>

struct archive {
	unsigned char *b;
	size_t len, cap;
};

struct cpio_fields {
	const char *magic;       /* NULL: "070701" */
	u32 ino, mode, uid, gid, nlink, mtime, devmajor, devminor, rdevmajor, rdevminor;
	u32 check;
	long namesize;           /* < 0: strlen(name) + 1 */
};

static inline void ar_put(struct archive *a, const void *p, size_t n)
{
	if (!n)
		return;
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 256;
		a->b = realloc(a->b, a->cap);
	}
	memcpy(a->b + a->len, p, n);
	a->len += n;
}

static inline void ar_pad(struct archive *a)
{
	static const unsigned char zeros[4];

	ar_put(a, zeros, (4 - a->len % 4) % 4);
}

/* Appends one entry; returns its header offset. */
static inline size_t ar_entry(struct archive *a, const struct cpio_fields *f, const char *name,
			      const void *data, size_t size)
{
	char hdr[111];
	size_t at = a->len;
	size_t namesize = f->namesize < 0 ? strlen(name) + 1 : (size_t)f->namesize;

	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 f->magic ? f->magic : "070701", f->ino, f->mode, f->uid, f->gid, f->nlink,
		 f->mtime, (u32)size, f->devmajor, f->devminor, f->rdevmajor, f->rdevminor,
		 (u32)namesize, f->check);
	ar_put(a, hdr, 110);
	ar_put(a, name, strlen(name) + 1);
	ar_pad(a);
	ar_put(a, data, size);
	ar_pad(a);
	return at;
}

static inline size_t ar_simple(struct archive *a, u32 mode, const char *name, const char *data)
{
	static u32 ino = 100;
	struct cpio_fields f = { .ino = ino++, .mode = mode, .nlink = 1, .mtime = 1700000000,
				 .namesize = -1 };

	return ar_entry(a, &f, name, data, data ? strlen(data) : 0);
}

static inline void ar_trailer(struct archive *a)
{
	struct cpio_fields f = { .nlink = 1, .namesize = -1 };

	ar_entry(a, &f, "TRAILER!!!", NULL, 0);
}

static inline void ar_free(struct archive *a)
{
	free(a->b);
	memset(a, 0, sizeof(*a));
}

#endif
