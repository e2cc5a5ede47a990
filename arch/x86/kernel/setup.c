/*
 * Boot information: reads the multiboot2 block GRUB left (through the direct
 * map the boot page tables provide) into boot_info, and logs what it says.
 */
#include <tessera/bootinfo.h>
#include <tessera/printk.h>
#include <tessera/setup.h>
#include <boot/multiboot2.h>
#include <asm/page.h>

struct boot_info boot_info;

static const char *const mem_type_names[] = {
	[BOOT_MEM_AVAILABLE] = "usable",
	[BOOT_MEM_RESERVED] = "reserved",
	[BOOT_MEM_ACPI_RECLAIM] = "ACPI data",
	[BOOT_MEM_NVS] = "ACPI NVS",
	[BOOT_MEM_BAD] = "bad RAM",
};

int boot_info_init(u32 magic, u32 info_phys)
{
	int err;

	boot_info.cmdline = "";
	boot_info.bootloader = "";
	if (magic != MB2_BOOTLOADER_MAGIC) {
		pr_err("boot: bad multiboot2 magic %#x\n", magic);
		return -1;
	}
	if (info_phys == 0 || (info_phys & (MB2_TAG_ALIGN - 1))) {
		pr_err("boot: multiboot2 info at %#x is not 8-byte aligned\n", info_phys);
		return -1;
	}
	/* Everything below 4 GiB is mapped; the parser checks the rest. */
	err = mb2_parse(phys_to_virt(info_phys), BOOT_DIRECT_MAP_LIMIT - info_phys, &boot_info);
	boot_info.info_phys = info_phys;        /* the page allocator keeps the block reserved */
	if (err < 0) {
		pr_err("boot: malformed multiboot2 info (error %d); continuing without it\n", err);
		boot_info.cmdline = "";
		boot_info.bootloader = "";
	}
	return err;
}

static void log_memory_map(const struct boot_info *bi)
{
	u64 usable = 0;

	for (u32 i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		const char *type = e->type < ARRAY_SIZE(mem_type_names) && mem_type_names[e->type]
					   ? mem_type_names[e->type] : "unknown";

		if (e->type == BOOT_MEM_AVAILABLE)
			usable += e->len;
		pr_info("mem: [0x%016llx-0x%016llx] %s\n", (unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->len - 1), type);
	}
	if (bi->mmap_truncated)
		pr_warn("mem: memory map has more than %d entries; the rest is ignored\n",
			BOOT_MAX_MMAP);
	pr_info("mem: %llu KiB usable in %u map entries\n", (unsigned long long)(usable >> 10),
		bi->mmap_count);
}

void boot_info_log(const struct boot_info *bi)
{
	pr_info("boot: loader '%s', info block %llu bytes\n", bi->bootloader,
		(unsigned long long)bi->info_size);
	log_memory_map(bi);
	for (u32 i = 0; i < bi->module_count; i++)
		pr_info("boot: module %u [%#llx-%#llx) '%s'\n", i,
			(unsigned long long)bi->modules[i].start,
			(unsigned long long)bi->modules[i].end, bi->modules[i].cmdline);
	if (bi->fb.present)
		pr_info("boot: framebuffer %ux%u, %u bpp, type %u, at %#llx\n", bi->fb.width,
			bi->fb.height, bi->fb.bpp, bi->fb.type, (unsigned long long)bi->fb.addr);
	if (bi->rsdp)
		pr_info("boot: ACPI RSDP revision %u\n", bi->rsdp_revision);
}
