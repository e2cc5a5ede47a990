/*
 * The multiboot2 block builder and exact-size parse helper behind
 * test_multiboot2.c and test_multiboot2_bad.c (see mb2_block.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mb2_block.h"

struct block blk;
struct boot_info bi;
u8 *mem;          /* the heap copy mb2_parse() last read */
u8 *mem_block;    /* where the block starts inside mem */

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

void put32(u8 *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, sizeof(v));
}

void blk_init(void)
{
	memset(&blk, 0, sizeof(blk));
	blk.len = sizeof(struct mb2_info_header);
}

/* Appends a tag header claiming size, reserves room bytes; returns its offset. */
size_t blk_tag_raw(u32 type, u32 size, size_t room)
{
	size_t off = blk.len;

	assert_true(off + align8(room) <= BLOCK_MAX);
	put32(blk.b + off, type);
	put32(blk.b + off + 4, size);
	blk.len += align8(room);
	return off;
}

size_t blk_tag(u32 type, u32 size)
{
	return blk_tag_raw(type, size, size);
}

size_t blk_string(u32 type, const char *s)
{
	size_t n = strlen(s) + 1;
	size_t off = blk_tag(type, (u32)(8 + n));

	memcpy(blk.b + off + 8, s, n);
	return off;
}

size_t blk_module(u32 start, u32 end, const char *cmdline)
{
	size_t n = strlen(cmdline) + 1;
	size_t off = blk_tag(MB2_TAG_MODULE, (u32)(16 + n));

	put32(blk.b + off + 8, start);
	put32(blk.b + off + 12, end);
	memcpy(blk.b + off + 16, cmdline, n);
	return off;
}

void blk_meminfo(u32 lower, u32 upper)
{
	size_t off = blk_tag(MB2_TAG_BASIC_MEMINFO, 16);

	put32(blk.b + off + 8, lower);
	put32(blk.b + off + 12, upper);
}

/* Entries larger than 24 bytes get 0xee filler, which must be ignored. */
void blk_mmap(u32 entry_size, const struct boot_mmap_entry *e,
		     size_t n, size_t trailing)
{
	size_t size = 16 + n * entry_size + trailing;
	size_t off = blk_tag(MB2_TAG_MMAP, (u32)size);
	u8 *p = blk.b + off;

	put32(p + 8, entry_size);
	put32(p + 12, 0);
	memset(p + 16, 0xee, size - 16);
	for (size_t i = 0; i < n; i++) {
		u8 *ent = p + 16 + i * entry_size;
		put64(ent, e[i].addr);
		put64(ent + 8, e[i].len);
		put32(ent + 16, e[i].type);
		put32(ent + 20, 0);
	}
}

void blk_fb(u64 addr, u32 pitch, u32 width, u32 height, u8 bpp,
		   u8 type, const u8 *colour, size_t colour_len)
{
	size_t off = blk_tag(MB2_TAG_FRAMEBUFFER, (u32)(32 + colour_len));
	u8 *p = blk.b + off;

	put64(p + 8, addr);
	put32(p + 16, pitch);
	put32(p + 20, width);
	put32(p + 24, height);
	p[28] = bpp;
	p[29] = type;
	if (colour_len)
		memcpy(p + 32, colour, colour_len);
}

size_t blk_acpi(u32 type, size_t len)
{
	size_t off = blk_tag(type, (u32)(8 + len));

	for (size_t i = 0; i < len; i++)
		blk.b[off + 8 + i] = (u8)(type * 16 + i);
	memcpy(blk.b + off + 8, "RSD PTR ", 8);
	return off;
}

/* Appends the end tag and records total_size. */
void blk_end(void)
{
	blk_tag(MB2_TAG_END, 8);
	put32(blk.b, (u32)blk.len);
}

void blk_set_total(u32 total)
{
	put32(blk.b, total);
}

/*
 * Copies the first avail bytes of the block to a heap area that ends exactly
 * at avail, shift bytes into the allocation (to test unaligned blocks).
 */
int parse_shifted(size_t avail, size_t shift)
{
	free(mem);
	mem = malloc(shift + avail);
	assert_non_null(mem);
	mem_block = mem + shift;
	memcpy(mem_block, blk.b, avail < blk.len ? avail : blk.len);
	if (avail > blk.len)
		memset(mem_block + blk.len, 0x5a, avail - blk.len);
	memset(&bi, 0xa5, sizeof(bi));   /* parse must zero what it leaves */
	return mb2_parse(mem_block, avail, &bi);
}

int parse(size_t avail)
{
	return parse_shifted(avail, 0);
}

int parse_all(void)
{
	return parse(blk.len);
}

int teardown(void **state)
{
	(void)state;
	free(mem);
	mem = NULL;
	return 0;
}

const u8 *body(size_t tag_off)
{
	return mem_block + tag_off + 8;
}

const struct boot_mmap_entry pc_map[PC_MAP_N] = {
	{ 0x0, 0x9fc00, BOOT_MEM_AVAILABLE },
	{ 0x9fc00, 0x400, BOOT_MEM_RESERVED },
	{ 0x100000, 0x7ee0000, BOOT_MEM_AVAILABLE },
	{ 0x7fe0000, 0x20000, BOOT_MEM_ACPI_RECLAIM },
	{ 0xfffc0000, 0x40000, BOOT_MEM_RESERVED },
	{ 0x100000000ull, 0x180000000ull, BOOT_MEM_AVAILABLE },
};

const u8 rgb_888[6] = { 16, 8, 8, 8, 0, 8 };

/* What GRUB hands over on a typical PC, plus tags we must skip. */
struct full_offsets build_full_block(void)
{
	struct full_offsets o;

	blk_init();
	o.cmdline = blk_string(MB2_TAG_CMDLINE, "console=ttyS0 sched=rr");
	memset(blk.b + blk_tag(0x1234, 8 + 13) + 8, 0xff, 13);   /* unknown */
	o.bootloader = blk_string(MB2_TAG_BOOTLOADER, "GRUB 2.06");
	blk_tag(MB2_TAG_BOOTDEV, 20);
	blk_meminfo(639, 523264);
	blk_mmap(24, pc_map, PC_MAP_N, 0);
	o.mod0 = blk_module(0x200000, 0x280000, "initramfs.cpio");
	o.mod1 = blk_module(0x300000, 0x300000, "");
	blk_fb(0xfd000000, 4096, 1024, 768, 32, BOOT_FB_RGB, rgb_888, 6);
	o.acpi = blk_acpi(MB2_TAG_ACPI_OLD, 20);
	blk_end();
	return o;
}

void check_mmap(const struct boot_mmap_entry *want, size_t n)
{
	assert_int_equal(bi.mmap_count, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(bi.mmap[i].addr, want[i].addr);
		assert_int_equal(bi.mmap[i].len, want[i].len);
		assert_int_equal(bi.mmap[i].type, want[i].type);
	}
}
