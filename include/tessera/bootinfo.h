/*
 * What the kernel learned from the boot loader, in a form that does not
 * depend on multiboot2. Filled by mb2_parse(); pointers point into the
 * boot loader's info block, which the kernel keeps reserved.
 */
#ifndef TESSERA_BOOTINFO_H
#define TESSERA_BOOTINFO_H

#include <tessera/types.h>

#define BOOT_MAX_MMAP     128
#define BOOT_MAX_MODULES  16

/* Memory map entry types, numbered as in multiboot2 (and the E820 BIOS call). */
#define BOOT_MEM_AVAILABLE     1
#define BOOT_MEM_RESERVED      2
#define BOOT_MEM_ACPI_RECLAIM  3
#define BOOT_MEM_NVS           4
#define BOOT_MEM_BAD           5

struct boot_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
};

struct boot_module {
	u64 start;            /* physical, inclusive */
	u64 end;              /* physical, exclusive */
	const char *cmdline;
};

/* Framebuffer types, numbered as in multiboot2. */
#define BOOT_FB_INDEXED  0
#define BOOT_FB_RGB      1
#define BOOT_FB_EGA_TEXT 2

struct boot_framebuffer {
	bool present;
	u64 addr;             /* physical */
	u32 pitch;            /* bytes per line */
	u32 width;            /* pixels, or characters for EGA text */
	u32 height;
	u8 bpp;
	u8 type;
	u8 red_pos, red_size;
	u8 green_pos, green_size;
	u8 blue_pos, blue_size;
};

struct boot_info {
	const char *cmdline;          /* never NULL after a successful parse */
	const char *bootloader;       /* never NULL after a successful parse */
	bool has_meminfo;
	u32 mem_lower_kib;
	u32 mem_upper_kib;
	u32 mmap_count;
	bool mmap_truncated;          /* more entries than BOOT_MAX_MMAP */
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	u32 module_count;
	bool modules_truncated;       /* more modules than BOOT_MAX_MODULES */
	struct boot_module modules[BOOT_MAX_MODULES];
	struct boot_framebuffer fb;
	const void *rsdp;             /* copy of the RSDP inside the info block */
	u32 rsdp_len;
	u8 rsdp_revision;             /* 1: ACPI 1.0 RSDP, 2: ACPI 2.0+ XSDP */
	u64 info_size;                /* total_size of the multiboot2 block */
	u64 info_phys;                /* its physical address (set by boot_info_init) */
};

/* Set by start_kernel() once the multiboot2 block is parsed. */
extern struct boot_info boot_info;

#endif
