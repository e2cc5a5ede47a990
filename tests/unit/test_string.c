/*
 * lib/string.c against glibc: every routine over many lengths, alignments
 * and byte values, overlapping moves, and bounded reads of unterminated
 * buffers (allocated to their exact size so ASan sees any overread).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tessera/errno.h>
#include "klib.h"

#define AREA 160

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 37u);
}

static void test_memcpy(void **state)
{
	unsigned char src[AREA], a[AREA], b[AREA];

	(void)state;
	fill_pattern(src, AREA, 3);
	for (size_t doff = 0; doff < 8; doff++)
	for (size_t soff = 0; soff < 8; soff++)
	for (size_t n = 0; n <= 70; n++) {
		memset(a, 0xaa, AREA);
		memset(b, 0xaa, AREA);
		assert_ptr_equal(klib_memcpy(a + doff, src + soff, n), a + doff);
		memcpy(b + doff, src + soff, n);
		assert_memory_equal(a, b, AREA);
	}
}

/* Overlap in both directions, the case memcpy may get wrong. */
static void test_memmove(void **state)
{
	unsigned char a[AREA], b[AREA];

	(void)state;
	for (size_t doff = 0; doff < 24; doff++)
	for (size_t soff = 0; soff < 24; soff++)
	for (size_t n = 0; n <= 64; n += 7) {
		fill_pattern(a, AREA, 11);
		fill_pattern(b, AREA, 11);
		assert_ptr_equal(klib_memmove(a + doff, a + soff, n), a + doff);
		memmove(b + doff, b + soff, n);
		assert_memory_equal(a, b, AREA);
	}
}

static void test_memset(void **state)
{
	static const int values[] = { 0, 1, 0x7f, 0x80, 0xff, 0x1ab, -1, -200 };
	unsigned char a[AREA], b[AREA];

	(void)state;
	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
	for (size_t off = 0; off < 8; off++)
	for (size_t n = 0; n <= 70; n++) {
		fill_pattern(a, AREA, 5);
		fill_pattern(b, AREA, 5);
		assert_ptr_equal(klib_memset(a + off, values[v], n), a + off);
		memset(b + off, values[v], n);
		assert_memory_equal(a, b, AREA);
	}
}

/* Bytes above 0x7f must compare as unsigned: 0x80 > 0x01. */
static void test_memcmp(void **state)
{
	unsigned char a[64], b[64];

	(void)state;
	fill_pattern(a, sizeof(a), 9);
	memcpy(b, a, sizeof(b));
	assert_int_equal(klib_memcmp(a, b, sizeof(a)), 0);
	assert_int_equal(klib_memcmp(a, b, 0), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		static const unsigned char deltas[] = { 1, 0x7f, 0x80, 0xff };
		for (size_t d = 0; d < sizeof(deltas); d++) {
			memcpy(b, a, sizeof(b));
			b[i] = (unsigned char)(a[i] + deltas[d]);
			assert_int_equal(sign(klib_memcmp(a, b, sizeof(a))),
					 sign(memcmp(a, b, sizeof(a))));
			assert_int_equal(klib_memcmp(a, b, i), 0);
		}
	}
}

static const char *const words[] = {
	"", "a", "b", "ab", "abc", "abd", "abcd", "ABC", "\x80", "\x01",
	"\xff\xfe", "hello, world", "hello", "hello world",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static void test_strlen_strcmp(void **state)
{
	(void)state;
	for (size_t i = 0; i < NWORDS; i++) {
		assert_int_equal(klib_strlen(words[i]), strlen(words[i]));
		for (size_t j = 0; j < NWORDS; j++) {
			const char *x = words[i], *y = words[j];
			assert_int_equal(sign(klib_strcmp(x, y)),
					 sign(strcmp(x, y)));
			for (size_t n = 0; n < 16; n++)
				assert_int_equal(sign(klib_strncmp(x, y, n)),
						 sign(strncmp(x, y, n)));
		}
	}
}

/* strnlen and strncmp may be given buffers with no NUL at all. */
static void test_bounded_reads(void **state)
{
	char *raw = malloc(5);
	char *other = malloc(5);

	(void)state;
	assert_non_null(raw);
	assert_non_null(other);
	memcpy(raw, "abcde", 5);
	memcpy(other, "abcde", 5);
	assert_int_equal(klib_strnlen(raw, 5), 5);
	assert_int_equal(klib_strnlen(raw, 3), 3);
	assert_int_equal(klib_strnlen(raw, 0), 0);
	assert_int_equal(klib_strnlen("ab", 10), 2);
	assert_int_equal(klib_strncmp(raw, other, 5), 0);
	other[4] = 'f';
	assert_true(klib_strncmp(raw, other, 5) < 0);
	free(raw);
	free(other);
}

static void test_strchr_strrchr(void **state)
{
	static const int chars[] = { 'l', 'h', 'd', 'z', '\0', 0x80, 0x180, -1 };
	static const char *const hay[] = {
		"", "hello world", "lll", "\x80x\x80", "\xff",
	};

	(void)state;
	for (size_t h = 0; h < sizeof(hay) / sizeof(hay[0]); h++)
	for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		assert_ptr_equal(klib_strchr(hay[h], chars[c]),
				 strchr(hay[h], chars[c]));
		assert_ptr_equal(klib_strrchr(hay[h], chars[c]),
				 strrchr(hay[h], chars[c]));
	}
}

static void test_strscpy(void **state)
{
	char dst[8];

	(void)state;
	memset(dst, 'x', sizeof(dst));
	assert_int_equal(klib_strscpy(dst, "abc", sizeof(dst)), 3);
	assert_string_equal(dst, "abc");

	assert_int_equal(klib_strscpy(dst, "1234567", sizeof(dst)), 7);
	assert_string_equal(dst, "1234567");

	assert_int_equal(klib_strscpy(dst, "12345678", sizeof(dst)), -E2BIG);
	assert_string_equal(dst, "1234567");

	assert_int_equal(klib_strscpy(dst, "", sizeof(dst)), 0);
	assert_string_equal(dst, "");

	memset(dst, 'x', sizeof(dst));
	assert_int_equal(klib_strscpy(dst, "abc", 1), -E2BIG);
	assert_int_equal(dst[0], '\0');
	assert_int_equal(dst[1], 'x');

	assert_int_equal(klib_strscpy(dst, "abc", 0), -E2BIG);
	assert_int_equal(dst[0], '\0');   /* untouched from before */
	assert_int_equal(dst[1], 'x');
}

/* The source is read at most size bytes, so it need not be terminated. */
static void test_strscpy_unterminated_source(void **state)
{
	char *src = malloc(4);
	char dst[8];

	(void)state;
	assert_non_null(src);
	memcpy(src, "wxyz", 4);
	assert_int_equal(klib_strscpy(dst, src, 4), -E2BIG);
	assert_string_equal(dst, "wxy");
	assert_int_equal(klib_strscpy(dst, src, 2), -E2BIG);
	assert_string_equal(dst, "w");
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memmove),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strcmp),
		cmocka_unit_test(test_bounded_reads),
		cmocka_unit_test(test_strchr_strrchr),
		cmocka_unit_test(test_strscpy),
		cmocka_unit_test(test_strscpy_unterminated_source),
	};

	return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
