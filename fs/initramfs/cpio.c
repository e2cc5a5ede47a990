/*
 * newc cpio reader: walks the entries of an archive in memory, checking
 * every field against the buffer before using it. The unpacker
 * (initramfs.c) runs it once to validate and once to extract.
 */
#include <fs/cpio.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <uapi/stat.h>
#include <lib/string.h>

#define MAGIC_LEN      6
#define FIELD_LEN      8
#define MAGIC_NEWC     "070701"
#define MAGIC_CRC      "070702"

/* Header fields after the magic, in archive order. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
	F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, F_COUNT
};

_Static_assert(MAGIC_LEN + F_COUNT * FIELD_LEN == CPIO_HEADER_SIZE, "newc header size");

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->err_offset = 0;
	it->done = false;
}

static int hex_field(const u8 *s, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		u8 c = s[i];
		u32 d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* Rounds up to CPIO_ALIGN; the caller has checked pos <= len, so no wrap. */
static size_t align4(size_t pos)
{
	return ALIGN_UP(pos, (size_t)CPIO_ALIGN);
}

/* Strips "/" and "./" prefixes; refuses any ".." component. */
static int clean_path(const char *name, const char **path)
{
	const char *p = name, *c;

	for (;;) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
			p++;
		else
			break;
	}
	*path = p;
	for (c = p; *c; ) {
		size_t n = 0;

		while (c[n] && c[n] != '/')
			n++;
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return -EINVAL;
		c += n;
		while (*c == '/')
			c++;
	}
	return 0;
}

static bool known_type(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return true;
	default:
		return false;
	}
}

static u32 byte_sum(const u8 *p, size_t n)
{
	u32 sum = 0;

	while (n--)
		sum += *p++;
	return sum;
}

/* Only regular files and symlinks carry data; a symlink's is its target. */
static int check_entry(const struct cpio_entry *e, u32 check, bool crc)
{
	if (!known_type(e->mode))
		return -EINVAL;
	if (S_ISLNK(e->mode) && (e->size == 0 || e->size >= CPIO_NAME_MAX))
		return -EINVAL;
	if (!S_ISREG(e->mode) && !S_ISLNK(e->mode) && e->size)
		return -EINVAL;
	if (crc && byte_sum(e->data, e->size) != check)
		return -EINVAL;
	return 0;
}

/* After a trailer: NUL padding to the end, or another archive. */
static bool at_end(struct cpio_iter *it)
{
	while (it->pos < it->len && it->buf[it->pos] == 0)
		it->pos++;
	return it->pos == it->len;
}

static int parse_header(struct cpio_iter *it, struct cpio_entry *e, u32 f[F_COUNT], bool *crc)
{
	const u8 *h = it->buf + it->pos;
	size_t name_at, data_at;

	if (it->len - it->pos < CPIO_HEADER_SIZE)
		return -EINVAL;
	if (memcmp(h, MAGIC_NEWC, MAGIC_LEN) == 0)
		*crc = false;
	else if (memcmp(h, MAGIC_CRC, MAGIC_LEN) == 0)
		*crc = true;
	else
		return -EINVAL;
	for (int i = 0; i < F_COUNT; i++)
		if (hex_field(h + MAGIC_LEN + i * FIELD_LEN, &f[i]))
			return -EINVAL;
	if (f[F_NAMESIZE] < 2 || f[F_NAMESIZE] > CPIO_NAME_MAX)
		return -EINVAL;
	name_at = it->pos + CPIO_HEADER_SIZE;
	if (f[F_NAMESIZE] > it->len - name_at)
		return -EINVAL;
	e->name = (const char *)it->buf + name_at;
	if (strnlen(e->name, f[F_NAMESIZE]) != f[F_NAMESIZE] - 1)
		return -EINVAL;         /* the NUL must end the name, exactly */
	data_at = align4(name_at + f[F_NAMESIZE]);
	if (data_at > it->len || f[F_FILESIZE] > it->len - data_at)
		return -EINVAL;
	e->data = it->buf + data_at;
	e->size = f[F_FILESIZE];
	return 0;
}

static void fill_entry(struct cpio_entry *e, const u32 f[F_COUNT])
{
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->ino = f[F_INO];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
	e->rdevmajor = f[F_RDEVMAJOR];
	e->rdevminor = f[F_RDEVMINOR];
}

static int fail(struct cpio_iter *it, struct cpio_entry *e)
{
	it->err_offset = it->pos;
	it->done = true;
	it->pos = it->len + 1;   /* marks the iterator as failed for good */
	memset(e, 0, sizeof(*e));
	return -EINVAL;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	bool crc;
	u32 f[F_COUNT];
	size_t next;

	for (;;) {
		if (it->done)
			return it->pos > it->len ? -EINVAL : 0;
		if (it->pos >= it->len)
			return fail(it, e);     /* ran out before a trailer */
		memset(e, 0, sizeof(*e));
		e->offset = it->pos;
		if (parse_header(it, e, f, &crc))
			return fail(it, e);
		next = align4((size_t)((const u8 *)e->data - it->buf) + e->size);
		if (strcmp(e->name, CPIO_TRAILER) == 0) {
			it->pos = next < it->len ? next : it->len;
			if (at_end(it))
				it->done = true;
			continue;
		}
		fill_entry(e, f);
		if (clean_path(e->name, &e->path) || check_entry(e, f[F_CHECK], crc))
			return fail(it, e);
		/* Padding cut off at the end: the next call reports the missing trailer there. */
		it->pos = next < it->len ? next : it->len;
		return 1;
	}
}
