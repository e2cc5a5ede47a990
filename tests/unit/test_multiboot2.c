/*
 * mb2_parse() on well-formed blocks: every field comes out as built, the
 * defaults hold when tags are absent, and the mmap/module limits truncate.
 * Malformed blocks are in test_multiboot2_bad.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tessera/errno.h>
#include "mb2_block.h"

static void test_minimal_block(void **state)
{
	(void)state;
	blk_init();
	blk_end();
	assert_int_equal(blk.len, 16);
	assert_int_equal(parse_all(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.bootloader, "");
	assert_false(bi.has_meminfo);
	assert_int_equal(bi.mmap_count, 0);
	assert_false(bi.mmap_truncated);
	assert_int_equal(bi.module_count, 0);
	assert_false(bi.modules_truncated);
	assert_false(bi.fb.present);
	assert_int_equal(bi.fb.red_size, 0);
	assert_null(bi.rsdp);
	assert_int_equal(bi.rsdp_len, 0);
	assert_int_equal(bi.rsdp_revision, 0);
	assert_int_equal(bi.info_size, 16);
}

static void test_full_block(void **state)
{
	(void)state;
	struct full_offsets o = build_full_block();

	assert_int_equal(parse_all(), 0);
	assert_int_equal(bi.info_size, blk.len);
	assert_ptr_equal(bi.cmdline, body(o.cmdline));
	assert_string_equal(bi.cmdline, "console=ttyS0 sched=rr");
	assert_ptr_equal(bi.bootloader, body(o.bootloader));
	assert_string_equal(bi.bootloader, "GRUB 2.06");

	assert_true(bi.has_meminfo);
	assert_int_equal(bi.mem_lower_kib, 639);
	assert_int_equal(bi.mem_upper_kib, 523264);
	check_mmap(pc_map, PC_MAP_N);
	assert_false(bi.mmap_truncated);

	assert_int_equal(bi.module_count, 2);
	assert_false(bi.modules_truncated);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x280000);
	assert_ptr_equal(bi.modules[0].cmdline, body(o.mod0) + 8);
	assert_string_equal(bi.modules[0].cmdline, "initramfs.cpio");
	assert_int_equal(bi.modules[1].start, bi.modules[1].end);
	assert_string_equal(bi.modules[1].cmdline, "");

	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.addr, 0xfd000000);
	assert_int_equal(bi.fb.pitch, 4096);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.type, BOOT_FB_RGB);
	assert_int_equal(bi.fb.red_pos, 16);
	assert_int_equal(bi.fb.red_size, 8);
	assert_int_equal(bi.fb.green_pos, 8);
	assert_int_equal(bi.fb.green_size, 8);
	assert_int_equal(bi.fb.blue_pos, 0);
	assert_int_equal(bi.fb.blue_size, 8);

	assert_ptr_equal(bi.rsdp, body(o.acpi));
	assert_int_equal(bi.rsdp_len, 20);
	assert_int_equal(bi.rsdp_revision, 1);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
}

/* Only total_size bytes are the block, even when more could be read. */
static void test_avail_larger_than_total(void **state)
{
	(void)state;
	build_full_block();
	assert_int_equal(parse(blk.len + 100), 0);
	assert_int_equal(bi.info_size, blk.len);
	assert_int_equal(bi.mmap_count, PC_MAP_N);
}

/* Newer boot loaders may use larger entries; the tail is ignored. */
static void test_mmap_larger_entries(void **state)
{
	(void)state;
	blk_init();
	blk_mmap(32, pc_map, 3, 0);
	blk_mmap(40, pc_map + 3, 3, 16);   /* 16 bytes: not a whole entry */
	blk_end();
	assert_int_equal(parse_all(), 0);
	check_mmap(pc_map, PC_MAP_N);
	assert_false(bi.mmap_truncated);
}

static void test_fb_ega_text(void **state)
{
	(void)state;
	blk_init();
	blk_fb(0xb8000, 160, 80, 25, 16, BOOT_FB_EGA_TEXT, NULL, 0);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.type, BOOT_FB_EGA_TEXT);
	assert_int_equal(bi.fb.addr, 0xb8000);
	assert_int_equal(bi.fb.pitch, 160);
	assert_int_equal(bi.fb.width, 80);
	assert_int_equal(bi.fb.height, 25);
	assert_int_equal(bi.fb.bpp, 16);
	assert_int_equal(bi.fb.red_pos + bi.fb.red_size + bi.fb.green_pos +
			 bi.fb.green_size + bi.fb.blue_pos + bi.fb.blue_size, 0);
}

/* Colour info is read only when the tag really carries it. */
static void test_fb_rgb_colour_info_absent(void **state)
{
	static const u8 palette[8] = { 1, 0, 0xff, 0xff, 0xff, 0, 0, 0 };

	(void)state;
	blk_init();
	blk_fb(0xe0000000, 3200, 800, 600, 32, BOOT_FB_RGB, rgb_888, 5);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.width, 800);
	assert_int_equal(bi.fb.red_pos, 0);
	assert_int_equal(bi.fb.blue_size, 0);

	blk_init();   /* indexed: the bytes after the fixed part are a palette */
	blk_fb(0xe0000000, 640, 640, 480, 8, BOOT_FB_INDEXED, palette, 8);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_int_equal(bi.fb.type, BOOT_FB_INDEXED);
	assert_int_equal(bi.fb.red_pos, 0);
	assert_int_equal(bi.fb.green_pos, 0);
}

static void test_acpi_new_only(void **state)
{
	(void)state;
	blk_init();
	size_t acpi = blk_acpi(MB2_TAG_ACPI_NEW, 36);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_ptr_equal(bi.rsdp, body(acpi));
	assert_int_equal(bi.rsdp_len, 36);
	assert_int_equal(bi.rsdp_revision, 2);
}

/* With both tags, the ACPI 2.0 copy wins whatever the order. */
static void test_acpi_new_preferred(void **state)
{
	(void)state;
	blk_init();
	blk_acpi(MB2_TAG_ACPI_OLD, 20);
	size_t acpi = blk_acpi(MB2_TAG_ACPI_NEW, 36);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_ptr_equal(bi.rsdp, body(acpi));
	assert_int_equal(bi.rsdp_len, 36);
	assert_int_equal(bi.rsdp_revision, 2);

	blk_init();
	acpi = blk_acpi(MB2_TAG_ACPI_NEW, 36);
	blk_acpi(MB2_TAG_ACPI_OLD, 20);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_ptr_equal(bi.rsdp, body(acpi));
	assert_int_equal(bi.rsdp_revision, 2);
}

/* Sizes that are not multiples of 8: the next tag is at the rounded offset. */
static void test_unpadded_tag_sizes(void **state)
{
	(void)state;
	blk_init();
	blk_string(MB2_TAG_CMDLINE, "abc");     /* size 12 */
	blk_string(MB2_TAG_BOOTLOADER, "x");    /* size 10 */
	blk_end();
	assert_int_equal(blk.len, 8 + 16 + 16 + 8);
	assert_int_equal(parse_all(), 0);
	assert_string_equal(bi.cmdline, "abc");
	assert_string_equal(bi.bootloader, "x");
}

/* Whatever follows the end tag is not looked at. */
static void test_ignores_data_after_end(void **state)
{
	(void)state;
	blk_init();
	blk_end();
	blk_tag(MB2_TAG_CMDLINE, 3);   /* invalid size, but after the end */
	blk_set_total((u32)blk.len);
	assert_int_equal(parse_all(), 0);
	assert_string_equal(bi.cmdline, "");
}

static void test_misaligned_block_address(void **state)
{
	(void)state;
	build_full_block();
	for (size_t shift = 1; shift < 8; shift++) {
		assert_int_equal(parse_shifted(blk.len, shift), 0);
		assert_string_equal(bi.cmdline, "console=ttyS0 sched=rr");
		check_mmap(pc_map, PC_MAP_N);
		assert_int_equal(bi.fb.red_pos, 16);
	}
}

static void build_mmap_entries(size_t per_tag, size_t tags)
{
	struct boot_mmap_entry e[BOOT_MAX_MMAP + 8];

	assert_true(per_tag <= BOOT_MAX_MMAP + 8);
	for (size_t i = 0; i < per_tag; i++)
		e[i] = (struct boot_mmap_entry){ i * 0x1000, 0x1000, 1 };
	blk_init();
	for (size_t t = 0; t < tags; t++)
		blk_mmap(24, e, per_tag, 0);
	blk_end();
}

static void test_mmap_limit(void **state)
{
	(void)state;
	build_mmap_entries(BOOT_MAX_MMAP, 1);
	assert_int_equal(parse_all(), 0);
	assert_int_equal(bi.mmap_count, BOOT_MAX_MMAP);
	assert_false(bi.mmap_truncated);
	assert_int_equal(bi.mmap[BOOT_MAX_MMAP - 1].addr,
			 (BOOT_MAX_MMAP - 1) * 0x1000);

	build_mmap_entries(BOOT_MAX_MMAP + 1, 1);
	assert_int_equal(parse_all(), 0);
	assert_int_equal(bi.mmap_count, BOOT_MAX_MMAP);
	assert_true(bi.mmap_truncated);

	build_mmap_entries(BOOT_MAX_MMAP / 2 + 1, 2);   /* split over two tags */
	assert_int_equal(parse_all(), 0);
	assert_int_equal(bi.mmap_count, BOOT_MAX_MMAP);
	assert_true(bi.mmap_truncated);
}

static void build_modules(size_t n)
{
	blk_init();
	for (size_t i = 0; i < n; i++)
		blk_module((u32)(i * 0x10000), (u32)(i * 0x10000 + 0x100), "m");
}

static void test_module_limit(void **state)
{
	(void)state;
	build_modules(BOOT_MAX_MODULES);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_int_equal(bi.module_count, BOOT_MAX_MODULES);
	assert_false(bi.modules_truncated);

	build_modules(BOOT_MAX_MODULES + 3);
	blk_end();
	assert_int_equal(parse_all(), 0);
	assert_int_equal(bi.module_count, BOOT_MAX_MODULES);
	assert_true(bi.modules_truncated);
	assert_int_equal(bi.modules[BOOT_MAX_MODULES - 1].start,
			 (BOOT_MAX_MODULES - 1) * 0x10000);

	build_modules(BOOT_MAX_MODULES);   /* one past the limit, but broken */
	blk_module(0x2000, 0x1000, "bad");
	blk_end();
	assert_int_equal(parse_all(), -EINVAL);
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_minimal_block),
		T(test_full_block),
		T(test_avail_larger_than_total),
		T(test_mmap_larger_entries),
		T(test_fb_ega_text),
		T(test_fb_rgb_colour_info_absent),
		T(test_acpi_new_only),
		T(test_acpi_new_preferred),
		T(test_unpadded_tag_sizes),
		T(test_ignores_data_after_end),
		T(test_misaligned_block_address),
		T(test_mmap_limit),
		T(test_module_limit),
	};

	return cmocka_run_group_tests_name("multiboot2", tests, NULL, NULL);
}
