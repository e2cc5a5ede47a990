/*
 * fs/initramfs/cpio.c on the host: a valid archive read back field by
 * field, name cleaning, concatenated archives, the 070702 checksum, and a
 * corpus of damaged archives (every truncation, every header byte
 * replaced, each field made non-hex, bad sizes, ".." names, random
 * damage). Archives are parsed from heap copies of their exact size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fs/cpio.h>
#include <tessera/errno.h>
#include <uapi/stat.h>
#include "cpio_build.h"

#define MAX_ENTRIES 64

struct result {
	int status;              /* 0: trailer reached, -EINVAL: refused */
	int count;
	size_t err_offset;
	struct cpio_entry e[MAX_ENTRIES];
	char names[MAX_ENTRIES][64];
	char paths[MAX_ENTRIES][64];
};

static struct result res;

/* Reads every entry from a heap copy of exactly len bytes. */
static int read_all(const void *buf, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	memcpy(copy, buf, len);
	memset(&res, 0, sizeof(res));
	cpio_iter_init(&it, copy, len);
	while ((r = cpio_next(&it, &e)) > 0) {
		if (res.count < MAX_ENTRIES) {
			res.e[res.count] = e;
			snprintf(res.names[res.count], 64, "%s", e.name);
			snprintf(res.paths[res.count], 64, "%s", e.path);
		}
		res.count++;
		assert_true((const unsigned char *)e.data >= copy);
		assert_true((const unsigned char *)e.data + e.size <= copy + len);
	}
	res.status = r;
	res.err_offset = it.err_offset;
	/* Finished iterators stay finished, failed ones stay failed. */
	assert_int_equal(cpio_next(&it, &e), r);
	free(copy);
	return r;
}

static void sample(struct archive *a)
{
	ar_simple(a, S_IFDIR | 0755, ".", NULL);
	ar_simple(a, S_IFDIR | 0755, "./bin", NULL);
	ar_simple(a, S_IFREG | 0755, "./bin/sh", "#!/bin/sh\necho hi\n");
	ar_simple(a, S_IFLNK | 0777, "bin/ls", "sh");
	ar_simple(a, S_IFREG | 0644, "/etc/motd", "");
	ar_simple(a, S_IFCHR | 0600, "dev/console", NULL);
	ar_simple(a, S_IFREG | 0644, "a", "x");
	ar_simple(a, S_IFREG | 0644, "bb", "yy");
	ar_simple(a, S_IFREG | 0644, "ccc", "zzz");
	ar_trailer(a);
}

static void test_valid(void **state)
{
	struct archive a = { 0 };

	(void)state;
	sample(&a);
	assert_int_equal(read_all(a.b, a.len), 0);
	assert_int_equal(res.count, 9);
	assert_string_equal(res.paths[0], "");
	assert_string_equal(res.paths[1], "bin");
	assert_string_equal(res.names[2], "./bin/sh");
	assert_string_equal(res.paths[2], "bin/sh");
	assert_int_equal(res.e[2].mode, S_IFREG | 0755);
	assert_int_equal(res.e[2].size, 18);
	assert_int_equal(res.e[2].mtime, 1700000000);
	assert_int_equal(res.e[2].nlink, 1);
	assert_string_equal(res.paths[3], "bin/ls");
	assert_int_equal(res.e[3].size, 2);
	assert_memory_equal(res.e[3].data, "sh", 2);
	assert_string_equal(res.paths[4], "etc/motd");
	assert_int_equal(res.e[4].size, 0);
	assert_int_equal(res.e[5].mode & S_IFMT, S_IFCHR);
	assert_int_equal(res.e[8].size, 3);
	ar_free(&a);
}

static void test_fields_and_case(void **state)
{
	struct archive a = { 0 };
	struct cpio_fields f = { .ino = 0xabcdef01, .mode = S_IFCHR | 0620, .uid = 1000,
				 .gid = 5, .nlink = 1, .mtime = 0x12345678, .devmajor = 8,
				 .devminor = 1, .rdevmajor = 4, .rdevminor = 64, .namesize = -1 };
	size_t at;

	(void)state;
	at = ar_entry(&a, &f, "dev/ttyS0", NULL, 0);
	/* Lower-case hex digits are valid too. */
	for (size_t i = at + 6; i < at + 110; i++)
		if (a.b[i] >= 'A' && a.b[i] <= 'F')
			a.b[i] += 'a' - 'A';
	ar_trailer(&a);
	assert_int_equal(read_all(a.b, a.len), 0);
	assert_int_equal(res.count, 1);
	assert_int_equal(res.e[0].ino, 0xabcdef01);
	assert_int_equal(res.e[0].uid, 1000);
	assert_int_equal(res.e[0].gid, 5);
	assert_int_equal(res.e[0].devmajor, 8);
	assert_int_equal(res.e[0].devminor, 1);
	assert_int_equal(res.e[0].rdevmajor, 4);
	assert_int_equal(res.e[0].rdevminor, 64);
	assert_int_equal(res.e[0].offset, 0);
	ar_free(&a);
}

static void test_crc_format(void **state)
{
	struct archive a = { 0 };
	const char *data = "checksummed";
	u32 sum = 0;
	struct cpio_fields f = { .magic = "070702", .mode = S_IFREG | 0644, .nlink = 1,
				 .namesize = -1 };

	(void)state;
	for (const char *p = data; *p; p++)
		sum += (u8)*p;
	f.check = sum;
	ar_entry(&a, &f, "file", data, strlen(data));
	ar_trailer(&a);
	assert_int_equal(read_all(a.b, a.len), 0);
	assert_int_equal(res.count, 1);
	ar_free(&a);
	f.check = sum + 1;
	ar_entry(&a, &f, "file", data, strlen(data));
	ar_trailer(&a);
	assert_int_equal(read_all(a.b, a.len), -EINVAL);
	assert_int_equal(res.err_offset, 0);
	ar_free(&a);
}

/* Linux accepts archives back to back, with NUL padding between and after. */
static void test_concatenated(void **state)
{
	struct archive a = { 0 };
	static const unsigned char zeros[512];

	(void)state;
	ar_simple(&a, S_IFREG | 0644, "one", "1");
	ar_trailer(&a);
	ar_put(&a, zeros, 512);
	ar_simple(&a, S_IFREG | 0644, "two", "22");
	ar_trailer(&a);
	ar_put(&a, zeros, 100);
	assert_int_equal(read_all(a.b, a.len), 0);
	assert_int_equal(res.count, 2);
	assert_string_equal(res.paths[1], "two");
	/* Junk after the padding is a damaged second archive. */
	ar_put(&a, "junk", 4);
	assert_int_equal(read_all(a.b, a.len), -EINVAL);
	assert_int_equal(res.count, 2);
	ar_free(&a);
}

static void test_no_trailer(void **state)
{
	struct archive a = { 0 };

	(void)state;
	assert_int_equal(read_all("", 0), -EINVAL);
	ar_simple(&a, S_IFREG | 0644, "x", "data");
	assert_int_equal(read_all(a.b, a.len), -EINVAL);
	assert_int_equal(res.count, 1);
	assert_int_equal(res.err_offset, a.len);
	ar_free(&a);
}

/* Cut anywhere before the trailer ends: refused, and what came before is a prefix. */
static void test_truncations(void **state)
{
	struct archive a = { 0 };
	size_t full;

	(void)state;
	sample(&a);
	full = a.len;
	for (size_t n = 0; n < full; n++) {
		int r = read_all(a.b, n);

		/* Only the trailer's own padding may go missing... it may not: the name is 11+1. */
		assert_int_equal(r, -EINVAL);
		assert_true(res.count <= 9);
		assert_true(res.err_offset <= n);
	}
	ar_free(&a);
}

static void expect_bad(struct archive *a, size_t bad_at, const char *what)
{
	if (read_all(a->b, a->len) != -EINVAL)
		fail_msg("%s: accepted", what);
	if (res.err_offset != bad_at)
		fail_msg("%s: error at %zu, expected %zu", what, res.err_offset, bad_at);
}

static void test_bad_headers(void **state)
{
	static const char *const magics[] = { "070707", "07070", "171701", "", "070701x" };
	struct archive a = { 0 };
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		ar_simple(&a, S_IFREG | 0644, "ok", "1");
		at = ar_simple(&a, S_IFREG | 0644, "x", "2");
		ar_trailer(&a);
		memset(a.b + at, '0', 6);
		memcpy(a.b + at, magics[i], strlen(magics[i]) < 6 ? strlen(magics[i]) : 6);
		if (strcmp(magics[i], "070701x") == 0)
			a.b[at + 5] = 'x';
		expect_bad(&a, at, magics[i]);
		ar_free(&a);
	}
	/* Every hex digit of every field replaced by a non-hex character. */
	for (size_t pos = 6; pos < 110; pos++) {
		static const char bad[] = { 'g', ' ', '\0', '-', 'x', 'G' };

		ar_simple(&a, S_IFREG | 0644, "ok", "1");
		at = ar_simple(&a, S_IFREG | 0644, "x", "2");
		ar_trailer(&a);
		a.b[at + pos] = bad[pos % sizeof(bad)];
		expect_bad(&a, at, "non-hex digit");
		ar_free(&a);
	}
}

static void test_bad_sizes(void **state)
{
	struct archive a = { 0 };
	struct cpio_fields f = { .mode = S_IFREG | 0644, .nlink = 1, .namesize = -1 };
	static const long namesizes[] = { 0, 1, 3, 4, 100, 4097, 0x7fffffff, 0xffffffffL };
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(namesizes) / sizeof(namesizes[0]); i++) {
		f.namesize = namesizes[i];
		at = ar_entry(&a, &f, "name", "d", 1);
		ar_trailer(&a);
		expect_bad(&a, at, "namesize");
		ar_free(&a);
	}
	/* filesize past the end, by one and by a lot. */
	f.namesize = -1;
	ar_entry(&a, &f, "big", "data", 4);
	ar_trailer(&a);
	for (u32 sz = a.len - 110 - 4 + 1; sz < a.len + 2; sz += 3) {
		char field[9];

		snprintf(field, sizeof(field), "%08X", sz);
		memcpy(a.b + 6 + 6 * 8, field, 8);
		expect_bad(&a, 0, "filesize");
	}
	memcpy(a.b + 6 + 6 * 8, "FFFFFFFF", 8);
	expect_bad(&a, 0, "filesize");
	ar_free(&a);
	/* A name whose NUL is missing (namesize one short) or early. */
	f.namesize = 4;
	at = ar_entry(&a, &f, "name", NULL, 0);
	ar_trailer(&a);
	expect_bad(&a, at, "name without NUL");
	ar_free(&a);
	f.namesize = 5;
	at = ar_entry(&a, &f, "name", NULL, 0);
	a.b[at + 110 + 1] = '\0';
	ar_trailer(&a);
	expect_bad(&a, at, "NUL inside the name");
	ar_free(&a);
}

static void test_bad_names_and_types(void **state)
{
	static const char *const names[] = { "..", "../etc/passwd", "a/../../b", "a/..",
					     "./../x", "/../x", "a/b/../c", "x/..//" };
	struct archive a = { 0 };
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ar_simple(&a, S_IFDIR | 0755, "ok", NULL);
		at = ar_simple(&a, S_IFREG | 0644, names[i], "x");
		ar_trailer(&a);
		expect_bad(&a, at, names[i]);
		ar_free(&a);
	}
	/* Names that only look like "..": fine. */
	ar_simple(&a, S_IFREG | 0644, "...", "x");
	ar_simple(&a, S_IFREG | 0644, "..a", "x");
	ar_simple(&a, S_IFREG | 0644, "a..", "x");
	ar_trailer(&a);
	assert_int_equal(read_all(a.b, a.len), 0);
	assert_int_equal(res.count, 3);
	ar_free(&a);

	at = ar_simple(&a, 0170000 | 0644, "weird", NULL);
	ar_trailer(&a);
	expect_bad(&a, at, "unknown type");
	ar_free(&a);
	at = ar_simple(&a, 0, "notype", NULL);
	ar_trailer(&a);
	expect_bad(&a, at, "no type");
	ar_free(&a);
	at = ar_simple(&a, S_IFDIR | 0755, "dir", "data");
	ar_trailer(&a);
	expect_bad(&a, at, "directory with data");
	ar_free(&a);
	at = ar_simple(&a, S_IFCHR | 0600, "dev", "data");
	ar_trailer(&a);
	expect_bad(&a, at, "device with data");
	ar_free(&a);
	at = ar_simple(&a, S_IFLNK | 0777, "link", "");
	ar_trailer(&a);
	expect_bad(&a, at, "symlink without target");
	ar_free(&a);
}

/* Every byte of every header and name set to a few values: no crash, ever. */
static void test_byte_sweep(void **state)
{
	static const unsigned char vals[] = { 0x00, 0xff, '0', 'F', '/', '.' };
	struct archive a = { 0 };
	unsigned char *orig;

	(void)state;
	sample(&a);
	orig = malloc(a.len);
	memcpy(orig, a.b, a.len);
	for (size_t i = 0; i < a.len; i++) {
		for (size_t v = 0; v < sizeof(vals); v++) {
			int r;

			memcpy(a.b, orig, a.len);
			a.b[i] = vals[v];
			r = read_all(a.b, a.len);
			assert_true(r == 0 || r == -EINVAL);
		}
	}
	free(orig);
	ar_free(&a);
}

static void test_random_damage(void **state)
{
	struct archive a = { 0 };
	unsigned char *orig;
	unsigned int seed = 777;

	(void)state;
	sample(&a);
	orig = malloc(a.len);
	memcpy(orig, a.b, a.len);
	for (int round = 0; round < 20000; round++) {
		int r;

		memcpy(a.b, orig, a.len);
		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			a.b[(seed >> 8) % a.len] = (unsigned char)(seed >> 20);
		}
		seed = seed * 1103515245u + 12345u;
		r = read_all(a.b, a.len - (round % 3 ? 0 : (seed >> 8) % a.len));
		assert_true(r == 0 || r == -EINVAL);
	}
	free(orig);
	ar_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_fields_and_case),
		cmocka_unit_test(test_crc_format),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_no_trailer),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_bad_names_and_types),
		cmocka_unit_test(test_byte_sweep),
		cmocka_unit_test(test_random_damage),
	};

	return cmocka_run_group_tests_name("cpio", tests, NULL, NULL);
}
