/*
 * Multiboot2 as the boot loader hands it over (Multiboot2 spec, section 3.6):
 * a u32 total_size, a reserved u32, then 8-byte aligned tags ending with
 * an end tag. mb2_parse() turns it into a struct boot_info.
 */
#ifndef BOOT_MULTIBOOT2_H
#define BOOT_MULTIBOOT2_H

#include <tessera/bootinfo.h>

#define MB2_BOOTLOADER_MAGIC   0x36d76289u
#define MB2_TAG_ALIGN          8

#define MB2_TAG_END            0
#define MB2_TAG_CMDLINE        1
#define MB2_TAG_BOOTLOADER     2
#define MB2_TAG_MODULE         3
#define MB2_TAG_BASIC_MEMINFO  4
#define MB2_TAG_BOOTDEV        5
#define MB2_TAG_MMAP           6
#define MB2_TAG_FRAMEBUFFER    8
#define MB2_TAG_ACPI_OLD       14
#define MB2_TAG_ACPI_NEW       15

struct mb2_info_header {
	u32 total_size;
	u32 reserved;
};

struct mb2_tag {
	u32 type;
	u32 size;             /* including this header, excluding padding */
};

struct mb2_tag_string {
	u32 type;
	u32 size;
	char string[];
};

struct mb2_tag_module {
	u32 type;
	u32 size;
	u32 mod_start;
	u32 mod_end;
	char cmdline[];
};

struct mb2_tag_basic_meminfo {
	u32 type;
	u32 size;
	u32 mem_lower;
	u32 mem_upper;
};

struct mb2_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 zero;
};

struct mb2_tag_mmap {
	u32 type;
	u32 size;
	u32 entry_size;
	u32 entry_version;
	/* entries follow, entry_size bytes apart */
};

struct mb2_tag_framebuffer {
	u32 type;
	u32 size;
	u64 addr;
	u32 pitch;
	u32 width;
	u32 height;
	u8 bpp;
	u8 fb_type;
	u16 reserved;
	/* for RGB: red_pos, red_size, green_pos, green_size, blue_pos, blue_size */
	u8 color_info[];
} __attribute__((packed));

/*
 * Parses the block at info, of which at most avail bytes may be read.
 * Returns 0, or -EINVAL for a malformed block (size beyond avail, a tag
 * overrunning the block, a string without its NUL, no end tag), never
 * reading outside [info, info + avail).
 */
int mb2_parse(const void *info, size_t avail, struct boot_info *out);

#endif
