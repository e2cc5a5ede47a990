/*
 * lib/format.c against the host glibc: every combination of flags, width,
 * precision and length from a table must print exactly what glibc prints.
 * Then the vsnprintf contract: truncation, return value, size 0, NULL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "klib.h"

#define BUF 512

static int mismatches;
static int compared;

/*
 * Both outputs are compared over the returned length plus the NUL, so a
 * "%c" of '\0' is checked too. Mismatches are printed, not fatal, so one
 * run shows all of them.
 */
static void check_same(const char *fmt, int kn, const char *kbuf,
		       int gn, const char *gbuf)
{
	compared++;
	if (kn == gn && gn >= 0 && gn < BUF &&
	    memcmp(kbuf, gbuf, (size_t)gn + 1) == 0)
		return;
	if (++mismatches <= 40)
		print_error("fmt \"%s\": ours %d \"%s\", glibc %d \"%s\"\n",
			    fmt, kn, kbuf, gn, gbuf);
}

/* Prints one value with both implementations. A macro so arg keeps its type. */
#define COMPARE(fmt, arg)                                              \
	do {                                                           \
		char kbuf_[BUF], gbuf_[BUF];                           \
		int kn_ = klib_snprintf(kbuf_, BUF, (fmt), (arg));     \
		int gn_ = snprintf(gbuf_, BUF, (fmt), (arg));          \
		check_same((fmt), kn_, kbuf_, gn_, gbuf_);             \
	} while (0)

static const char *const flag_sets[] = {
	"", "-", "0", "+", " ", "#", "-0", "+0", " 0", "#0", "-#", "+ ",
	"-+", "- ", "#+", "0#-", "+-0# ",
};
static const char *const widths[] = { "", "1", "2", "5", "12", "25" };
static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".8", ".22" };
static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "t" };

static const long long signed_vals[] = {
	0, 1, -1, 7, -7, 42, -42, 127, -128, 128, 255, 256, -129, 32767,
	-32768, 65535, 65536, 100000, -100000, INT_MAX, INT_MIN,
	(long long)UINT_MAX, 0x123456789LL, -0x123456789LL, LLONG_MAX,
	LLONG_MIN,
};

/* Passes v as the type the length modifier promises. */
static void compare_signed(const char *fmt, const char *len, long long v)
{
	if (!strcmp(len, "l"))
		COMPARE(fmt, (long)v);
	else if (!strcmp(len, "ll"))
		COMPARE(fmt, v);
	else if (!strcmp(len, "z"))
		COMPARE(fmt, (ssize_t)v);
	else if (!strcmp(len, "t"))
		COMPARE(fmt, (ptrdiff_t)v);
	else
		COMPARE(fmt, (int)v);
}

static void compare_unsigned(const char *fmt, const char *len, long long v)
{
	unsigned long long u = (unsigned long long)v;

	if (!strcmp(len, "l"))
		COMPARE(fmt, (unsigned long)u);
	else if (!strcmp(len, "ll"))
		COMPARE(fmt, u);
	else if (!strcmp(len, "z") || !strcmp(len, "t"))
		COMPARE(fmt, (size_t)u);
	else
		COMPARE(fmt, (unsigned int)u);
}

/* Every flag set x width x precision x length x value for one conversion. */
static void sweep_integer(char conv, int is_signed)
{
	char fmt[64];

	for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
	for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flag_sets[f],
			 widths[w], precs[p], lengths[l], conv);
		for (size_t v = 0;
		     v < sizeof(signed_vals) / sizeof(signed_vals[0]); v++) {
			if (is_signed)
				compare_signed(fmt, lengths[l], signed_vals[v]);
			else
				compare_unsigned(fmt, lengths[l], signed_vals[v]);
		}
	}
}

static void finish(const char *what)
{
	print_message("%s: %d formats compared with glibc\n", what, compared);
	assert_int_equal(mismatches, 0);
}

static void test_signed_conversions(void **state)
{
	(void)state;
	mismatches = compared = 0;
	sweep_integer('d', 1);
	sweep_integer('i', 1);
	finish("%d %i");
}

static void test_unsigned_conversions(void **state)
{
	(void)state;
	mismatches = compared = 0;
	sweep_integer('u', 0);
	sweep_integer('x', 0);
	sweep_integer('X', 0);
	sweep_integer('o', 0);
	finish("%u %x %X %o");
}

static void test_strings(void **state)
{
	static const char *const strs[] = {
		"", "a", "hello", "hello, world", "a much longer string here",
		NULL,
	};
	static const char *const sflags[] = { "", "-", "0", "0-" };
	char fmt[64];

	(void)state;
	mismatches = compared = 0;
	for (size_t f = 0; f < sizeof(sflags) / sizeof(sflags[0]); f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
	for (size_t s = 0; s < sizeof(strs) / sizeof(strs[0]); s++) {
		snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", sflags[f],
			 widths[w], precs[p]);
		COMPARE(fmt, strs[s]);
	}
	finish("%s");
}

static void test_chars(void **state)
{
	static const int chars[] = { 'a', 'Z', ' ', '%', '\0', 0x141, 0xe9 };
	static const char *const cflags[] = { "", "-", "0" };
	char fmt[64];

	(void)state;
	mismatches = compared = 0;
	for (size_t f = 0; f < sizeof(cflags) / sizeof(cflags[0]); f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		snprintf(fmt, sizeof(fmt), "(%%%s%sc)", cflags[f], widths[w]);
		COMPARE(fmt, chars[c]);
	}
	finish("%c");
}

static void test_pointers(void **state)
{
	static const uintptr_t ptrs[] = {
		0, 1, 0xdeadbeef, 0x1000, 0xffffffff80001000ull,
		0xffff800000000000ull, UINTPTR_MAX,
	};
	static const char *const pflags[] = { "", "-", "0", "+", " ", "#" };
	static const char *const pprecs[] = { "", ".0", ".20" };
	char fmt[64];

	(void)state;
	mismatches = compared = 0;
	for (size_t f = 0; f < sizeof(pflags) / sizeof(pflags[0]); f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (size_t p = 0; p < sizeof(pprecs) / sizeof(pprecs[0]); p++)
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		snprintf(fmt, sizeof(fmt), "{%%%s%s%sp}", pflags[f],
			 widths[w], pprecs[p]);
		COMPARE(fmt, (void *)ptrs[i]);
	}
	finish("%p");
}

/* A runtime format, so GCC's -Wformat does not judge deliberate oddities. */
__attribute__((noinline)) static const char *rt(const char *fmt)
{
	return fmt;
}

static void test_star_width_and_precision(void **state)
{
	static const int stars[] = { -30, -5, -1, 0, 1, 4, 9, 30 };
	char kbuf[BUF], gbuf[BUF];

	(void)state;
	mismatches = compared = 0;
	for (size_t a = 0; a < sizeof(stars) / sizeof(stars[0]); a++)
	for (size_t b = 0; b < sizeof(stars) / sizeof(stars[0]); b++) {
		int w = stars[a], p = stars[b];
		int kn = klib_snprintf(kbuf, BUF, "%*.*d|%-*.*s|%*x", w, p, -123,
				       w, p, "stars", w, 0xbeefu);
		int gn = snprintf(gbuf, BUF, "%*.*d|%-*.*s|%*x", w, p, -123,
				  w, p, "stars", w, 0xbeefu);
		check_same("%*.*d|%-*.*s|%*x", kn, kbuf, gn, gbuf);
	}
	finish("'*'");
}

static void test_mixed_and_literal(void **state)
{
	char kbuf[BUF], gbuf[BUF];
	const char *fmt = rt("pid %d: %s at %p, flags %#06x (%o) 100%% [%-4c]");
	void *ptr = (void *)0xffffffff80100000ull;

	(void)state;
	mismatches = compared = 0;
	int kn = klib_snprintf(kbuf, BUF, fmt, 42, "init", ptr, 0x1f, 8, 'x');
	int gn = snprintf(gbuf, BUF, fmt, 42, "init", ptr, 0x1f, 8, 'x');
	check_same(fmt, kn, kbuf, gn, gbuf);

	COMPARE(rt("no conversions at all"), 0);
	COMPARE(rt("%%"), 0);
	COMPARE(rt("%%d%d%%"), 5);
	COMPARE(rt("%zu bytes"), (size_t)SIZE_MAX);
	COMPARE(rt("%td"), (ptrdiff_t)PTRDIFF_MIN);
	COMPARE(rt("%lld"), LLONG_MIN);
	COMPARE(rt("%llu"), ULLONG_MAX);
	COMPARE(rt("%#llo"), ULLONG_MAX);
	COMPARE(rt("%#llX"), ULLONG_MAX);
	COMPARE(rt("%hhd"), 0x1ff);
	COMPARE(rt("%hu"), 0x12345);
	finish("mixed");
}

/* Ours, not glibc's: unknown directives come out as written. */
static void test_unknown_conversions(void **state)
{
	char buf[BUF];

	(void)state;
	assert_int_equal(klib_snprintf(buf, BUF, rt("a%qb"), 1), 4);
	assert_string_equal(buf, "a%qb");
	assert_int_equal(klib_snprintf(buf, BUF, rt("[%-5lq]"), 1), 7);
	assert_string_equal(buf, "[%-5lq]");
	assert_int_equal(klib_snprintf(buf, BUF, rt("trailing %"), 1), 10);
	assert_string_equal(buf, "trailing %");
	assert_int_equal(klib_snprintf(buf, BUF, rt("x%5l"), 1), 4);
	assert_string_equal(buf, "x%5l");
	assert_int_equal(klib_snprintf(buf, BUF, rt("%5%"), 1), 1);
	assert_string_equal(buf, "%");   /* like glibc: no padding */

	int victim = 1234;
	klib_snprintf(buf, BUF, rt("%n"), &victim);
	assert_string_equal(buf, "%n");
	assert_int_equal(victim, 1234);   /* %n is never honoured */
}

static void test_truncation(void **state)
{
	const char *full = "value=12345 name=tessera";
	size_t len = strlen(full);
	char buf[64];

	(void)state;
	for (size_t size = 1; size <= len + 3; size++) {
		memset(buf, '#', sizeof(buf));
		int n = klib_snprintf(buf, size, "value=%d name=%s", 12345,
				      "tessera");
		assert_int_equal(n, (int)len);
		size_t kept = size - 1 < len ? size - 1 : len;
		assert_memory_equal(buf, full, kept);
		assert_int_equal(buf[kept], '\0');
		for (size_t i = kept + 1; i < sizeof(buf); i++)
			assert_int_equal(buf[i], '#');   /* nothing past size */
	}
}

static void test_size_zero(void **state)
{
	char buf[4] = { 'x', 'y', 'z', 'w' };

	(void)state;
	assert_int_equal(klib_snprintf(NULL, 0, "%s-%d", "abc", 99), 6);
	assert_int_equal(klib_snprintf(buf, 0, "%s", "abc"), 3);
	assert_memory_equal(buf, "xyzw", 4);
	assert_int_equal(klib_snprintf(buf, 1, "%s", "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'y');
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "%s", ""), 0);
	assert_int_equal(buf[0], '\0');
}

static void test_null_string(void **state)
{
	const char *volatile nil = NULL;   /* hidden from -Wformat-overflow */
	char buf[32];

	(void)state;
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "%s", nil), 6);
	assert_string_equal(buf, "(null)");
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "[%8s]", nil), 10);
	assert_string_equal(buf, "[  (null)]");
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "%.3s", nil), 0);
	assert_string_equal(buf, "");
}

/* %.Ns must not read past N bytes: the source here has no NUL at all. */
static void test_precision_bounds_string_read(void **state)
{
	char *raw = malloc(3);
	char buf[16];

	(void)state;
	assert_non_null(raw);
	memcpy(raw, "abc", 3);
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "%.3s", raw), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "%.*s", 2, raw), 2);
	assert_string_equal(buf, "ab");
	free(raw);
}

static int v_wrapper(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = klib_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

struct collect {
	char text[64];
	int calls;
};

static void collect_putc(char c, void *ctx)
{
	struct collect *col = ctx;

	if (col->calls < (int)sizeof(col->text) - 1)
		col->text[col->calls] = c;
	col->calls++;
}

static int core_wrapper(struct collect *col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = klib_format_core(collect_putc, col, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf_and_core(void **state)
{
	char buf[32];
	struct collect col = { { 0 }, 0 };

	(void)state;
	assert_int_equal(v_wrapper(buf, sizeof(buf), "%d+%d=%x", 7, 8, 15), 5);
	assert_string_equal(buf, "7+8=f");
	assert_int_equal(v_wrapper(buf, 3, "%s", "abcdef"), 6);
	assert_string_equal(buf, "ab");

	assert_int_equal(core_wrapper(&col, "%04d|%s", 42, "ok"), 7);
	assert_int_equal(col.calls, 7);
	assert_string_equal(col.text, "0042|ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_conversions),
		cmocka_unit_test(test_unsigned_conversions),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_star_width_and_precision),
		cmocka_unit_test(test_mixed_and_literal),
		cmocka_unit_test(test_unknown_conversions),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_precision_bounds_string_read),
		cmocka_unit_test(test_vsnprintf_and_core),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
