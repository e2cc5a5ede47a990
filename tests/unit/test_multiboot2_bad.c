/*
 * mb2_parse() on malformed blocks: cut short, oversized, overflowing sizes,
 * misaligned or overlapping tags, strings without NUL, no end tag, random
 * damage. Each must give -EINVAL (or a sane 0) without reading past avail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tessera/errno.h>
#include "mb2_block.h"

static void test_avail_too_small(void **state)
{
	(void)state;
	blk_init();
	blk_end();
	assert_int_equal(parse(0), -EINVAL);
	assert_int_equal(parse(8), -EINVAL);
	assert_int_equal(parse(15), -EINVAL);
	assert_non_null(bi.cmdline);
	assert_int_equal(mb2_parse(NULL, 4096, &bi), -EINVAL);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.bootloader, "");
}

static void test_total_size_out_of_range(void **state)
{
	static const u32 bad_totals[] = { 0, 8, 15, 17, 1000, 0x80000000u,
					  0xffffffffu };

	(void)state;
	blk_init();
	blk_end();
	for (size_t i = 0; i < sizeof(bad_totals) / sizeof(bad_totals[0]); i++) {
		blk_set_total(bad_totals[i]);
		assert_int_equal(parse(16), -EINVAL);
	}
}

/* The block cut short anywhere: total_size claims more than avail. */
static void test_truncated_avail_sweep(void **state)
{
	(void)state;
	build_full_block();
	for (size_t avail = 0; avail < blk.len; avail++)
		assert_int_equal(parse(avail), -EINVAL);
}

/* total_size itself shrunk anywhere: the end tag is always lost. */
static void test_shrunk_total_sweep(void **state)
{
	(void)state;
	build_full_block();
	size_t full = blk.len;
	for (size_t total = 0; total < full; total++) {
		blk_set_total((u32)total);
		assert_int_equal(parse(total), -EINVAL);
	}
}

static void test_tag_overruns_block(void **state)
{
	(void)state;
	blk_init();
	size_t off = blk_string(MB2_TAG_CMDLINE, "abcdefg");   /* size 16 */
	blk_end();
	put32(blk.b + off + 4, (u32)(blk.len - off + 1));     /* 1 past total */
	assert_int_equal(parse_all(), -EINVAL);
}

/* Sizes near 2^32 must not wrap offset arithmetic into a "valid" tag. */
static void test_tag_size_huge(void **state)
{
	static const u32 sizes[] = { 0xffffffffu, 0xfffffff9u, 0xfffffff8u,
				     0x80000000u, 0x10000u };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		blk_init();
		blk_tag_raw(MB2_TAG_CMDLINE, sizes[i], 16);
		blk_end();
		assert_int_equal(parse_all(), -EINVAL);
	}
}

/* A size below the tag header would loop forever or read the header twice. */
static void test_tag_size_too_small(void **state)
{
	static const u32 sizes[] = { 0, 1, 4, 7 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		blk_init();
		blk_tag_raw(0x77, sizes[i], 8);
		blk_end();
		assert_int_equal(parse_all(), -EINVAL);
	}
}

static void test_missing_end_tag(void **state)
{
	(void)state;
	blk_init();
	blk_string(MB2_TAG_CMDLINE, "no end");
	blk_set_total((u32)blk.len);
	assert_int_equal(parse_all(), -EINVAL);

	blk.len += 8;   /* zero bytes there read as type 0, size 0 */
	blk_set_total((u32)blk.len);
	assert_int_equal(parse_all(), -EINVAL);
}

/* total_size ends inside the end tag, or inside a tag's padding. */
static void test_end_tag_cut(void **state)
{
	(void)state;
	blk_init();
	blk_string(MB2_TAG_CMDLINE, "abc");   /* 8..20, padded to 24 */
	blk_end();                            /* 24..32 */
	blk_set_total(28);
	assert_int_equal(parse(28), -EINVAL);

	blk_init();
	blk_string(MB2_TAG_CMDLINE, "abc");
	blk_set_total(20);
	assert_int_equal(parse(20), -EINVAL);
}

/*
 * Tags packed without padding: the parser looks at the 8-aligned offset and
 * finds the middle of a tag, which must not parse as a valid block.
 */
static void test_misaligned_tags(void **state)
{
	(void)state;
	blk_init();
	blk_string(MB2_TAG_CMDLINE, "abc");          /* size 12 */
	blk.len -= 4;                                /* drop the padding */
	blk_tag_raw(MB2_TAG_END, 8, 8);              /* end tag at offset 20 */
	blk_set_total((u32)blk.len);
	assert_int_equal(parse_all(), -EINVAL);

	blk_init();
	blk_string(MB2_TAG_CMDLINE, "abc");
	blk.len -= 4;
	blk_string(MB2_TAG_BOOTLOADER, "GRUB");      /* at offset 20 */
	blk_end();
	assert_int_equal(parse_all(), -EINVAL);
}

/* A tag whose size swallows the end tag leaves the block without one. */
static void test_overlapping_tags(void **state)
{
	(void)state;
	blk_init();
	size_t off = blk_string(MB2_TAG_CMDLINE, "ab");   /* 8..24 */
	blk_end();                                         /* 24..32 */
	put32(blk.b + off + 4, 24);                        /* now 8..32 */
	assert_int_equal(parse_all(), -EINVAL);

	blk_init();   /* mmap claims entries that are really the next tag */
	off = blk_tag(MB2_TAG_MMAP, 16);
	put32(blk.b + off + 8, 24);
	blk_string(MB2_TAG_CMDLINE, "after");
	blk_end();
	put32(blk.b + off + 4, (u32)(blk.len - off));     /* covers the end tag */
	assert_int_equal(parse_all(), -EINVAL);
}

/* The NUL must be inside the tag; padding zeros after it do not count. */
static void test_string_without_nul(void **state)
{
	static const u32 types[] = { MB2_TAG_CMDLINE, MB2_TAG_BOOTLOADER };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		blk_init();
		size_t off = blk_tag(types[i], 12);
		memcpy(blk.b + off + 8, "abcd", 4);
		blk_end();
		assert_int_equal(parse_all(), -EINVAL);

		blk_init();
		blk_tag(types[i], 8);   /* no room for even the NUL */
		blk_end();
		assert_int_equal(parse_all(), -EINVAL);
	}

	blk_init();
	size_t off = blk_tag(MB2_TAG_MODULE, 20);
	put32(blk.b + off + 8, 0x1000);
	put32(blk.b + off + 12, 0x2000);
	memcpy(blk.b + off + 16, "abcd", 4);
	blk_end();
	assert_int_equal(parse_all(), -EINVAL);
}

static void test_module_malformed(void **state)
{
	(void)state;
	blk_init();
	blk_module(0x2000, 0x1fff, "backwards");
	blk_end();
	assert_int_equal(parse_all(), -EINVAL);

	blk_init();
	blk_tag(MB2_TAG_MODULE, 12);   /* shorter than start + end */
	blk_end();
	assert_int_equal(parse_all(), -EINVAL);
}

static void test_mmap_bad_entry_size(void **state)
{
	static const u32 bad[] = { 0, 8, 16, 20, 23, 28, 36, 0x80000000u + 4 };
	static const u32 good[] = { 24, 32, 40, 0x80000000u };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		blk_init();
		size_t off = blk_tag(MB2_TAG_MMAP, 16 + 48);
		put32(blk.b + off + 8, bad[i]);
		blk_end();
		assert_int_equal(parse_all(), -EINVAL);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		blk_init();
		blk_mmap(good[i] > 40 ? 24 : good[i], pc_map, 1, 0);
		put32(blk.b + 16, good[i]);
		blk_end();
		assert_int_equal(parse_all(), 0);
		assert_int_equal(bi.mmap_count, good[i] > 40 ? 0 : 1);
	}

	blk_init();
	blk_tag(MB2_TAG_MMAP, 12);   /* entry_size field cut off */
	blk_end();
	assert_int_equal(parse_all(), -EINVAL);
}

static void test_short_fixed_parts(void **state)
{
	static const u32 fb_sizes[] = { 8, 16, 24, 31 };

	(void)state;
	for (size_t i = 0; i < sizeof(fb_sizes) / sizeof(fb_sizes[0]); i++) {
		blk_init();
		blk_tag(MB2_TAG_FRAMEBUFFER, fb_sizes[i]);
		blk_end();
		assert_int_equal(parse_all(), -EINVAL);
	}

	blk_init();
	blk_tag(MB2_TAG_BASIC_MEMINFO, 12);
	blk_end();
	assert_int_equal(parse_all(), -EINVAL);
}

/* A string is the "" default, or has its NUL inside the block. */
static void assert_string_inside(const char *s, size_t avail)
{
	const u8 *p = (const u8 *)s;

	assert_non_null(s);
	if (p < mem_block || p >= mem_block + avail) {
		assert_string_equal(s, "");
		return;
	}
	assert_non_null(memchr(p, 0, (size_t)(mem_block + avail - p)));
}

static void check_sane(size_t avail)
{
	assert_string_inside(bi.cmdline, avail);
	assert_string_inside(bi.bootloader, avail);
	assert_true(bi.mmap_count <= BOOT_MAX_MMAP);
	assert_true(bi.module_count <= BOOT_MAX_MODULES);
	for (u32 i = 0; i < bi.module_count; i++) {
		assert_true(bi.modules[i].end >= bi.modules[i].start);
		assert_string_inside(bi.modules[i].cmdline, avail);
	}
	if (bi.rsdp) {
		const u8 *r = bi.rsdp;
		assert_true(r >= mem_block && r + bi.rsdp_len <= mem_block + avail);
	}
}

/* Random byte damage: only 0 or -EINVAL, and a sane result when 0. */
static void test_random_corruption(void **state)
{
	struct block pristine;
	u32 seed = 12345;
	int ok = 0;

	(void)state;
	build_full_block();
	pristine = blk;
	for (int iter = 0; iter < 5000; iter++) {
		blk = pristine;
		int flips = 1 + iter % 4;
		for (int f = 0; f < flips; f++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % blk.len;
			seed = seed * 1103515245u + 12345u;
			blk.b[at] = (u8)(seed >> 16);
		}
		int ret = parse_all();
		assert_true(ret == 0 || ret == -EINVAL);
		if (ret == 0) {
			check_sane(blk.len);
			ok++;
		}
	}
	print_message("random corruption: %d of 5000 still parsed\n", ok);
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_avail_too_small),
		T(test_total_size_out_of_range),
		T(test_truncated_avail_sweep),
		T(test_shrunk_total_sweep),
		T(test_tag_overruns_block),
		T(test_tag_size_huge),
		T(test_tag_size_too_small),
		T(test_missing_end_tag),
		T(test_end_tag_cut),
		T(test_misaligned_tags),
		T(test_overlapping_tags),
		T(test_string_without_nul),
		T(test_module_malformed),
		T(test_mmap_bad_entry_size),
		T(test_short_fixed_parts),
		T(test_random_corruption),
	};

	return cmocka_run_group_tests_name("multiboot2_bad", tests, NULL, NULL);
}
