/*
 * Builds multiboot2 blocks in memory for the mb2_parse() tests, and parses
 * them from a heap copy of exactly avail bytes so ASan reports any read
 * past the end. Shared by test_multiboot2.c and test_multiboot2_bad.c.
 */
#ifndef TESTS_UNIT_MB2_BLOCK_H
#define TESTS_UNIT_MB2_BLOCK_H

#include <stddef.h>

#include <boot/multiboot2.h>

#define BLOCK_MAX 16384

/* A multiboot2 block under construction; tags are appended 8-aligned. */
struct block {
	_Alignas(8) u8 b[BLOCK_MAX];
	size_t len;
};

extern struct block blk;         /* the block being built */
extern struct boot_info bi;      /* what the last parse produced */
extern u8 *mem;                  /* the heap copy the last parse read */
extern u8 *mem_block;            /* where the block starts inside mem */

void put32(u8 *p, u32 v);

/* Each appender returns the offset of the tag it wrote. */
void blk_init(void);
size_t blk_tag_raw(u32 type, u32 size, size_t room);
size_t blk_tag(u32 type, u32 size);
size_t blk_string(u32 type, const char *s);
size_t blk_module(u32 start, u32 end, const char *cmdline);
void blk_meminfo(u32 lower, u32 upper);
void blk_mmap(u32 entry_size, const struct boot_mmap_entry *e, size_t n,
	      size_t trailing);
void blk_fb(u64 addr, u32 pitch, u32 width, u32 height, u8 bpp, u8 type,
	    const u8 *colour, size_t colour_len);
size_t blk_acpi(u32 type, size_t len);
void blk_end(void);                 /* end tag, then sets total_size */
void blk_set_total(u32 total);

/* mb2_parse() on the first avail bytes of blk; bi is poisoned first. */
int parse_shifted(size_t avail, size_t shift);
int parse(size_t avail);
int parse_all(void);
int teardown(void **state);         /* frees mem after each test */
const u8 *body(size_t tag_off);     /* a tag's body inside mem_block */

/* A typical PC block: GRUB's tags plus an unknown and a BOOTDEV tag. */
#define PC_MAP_N 6
extern const struct boot_mmap_entry pc_map[PC_MAP_N];
extern const u8 rgb_888[6];

struct full_offsets {
	size_t cmdline, bootloader, mod0, mod1, acpi;
};

struct full_offsets build_full_block(void);
void check_mmap(const struct boot_mmap_entry *want, size_t n);

#endif
