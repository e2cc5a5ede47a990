/*
 * paging_init(): Tessera's own page tables replace head32.asm's. A direct
 * map of all RAM (large pages), the image with W^X per section, no identity
 * map and no .boot sections; then RAM above 4 GiB joins the page allocator.
 */
#include "internal.h"
#include <mm/pmm.h>
#include <tessera/bootinfo.h>
#include <tessera/compiler.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <asm/msr.h>

#define FOUR_GIB        0x100000000ULL
#define KIB(bytes)      ((unsigned long)((bytes) >> 10))

struct vm_space kernel_space;
static bool paging_ready;
static u64 direct_map_end;
static bool gb_pages;

/* Section bounds from arch/x86/kernel.ld; each section starts on a page. */
extern char _stext[], _etext[], _srodata[], _erodata[], _sdata[], _end[];
extern char __kernel_phys_start[];
extern u8 boot_stack_guard[];          /* head64.asm: the page under the boot stack */

bool paging_nx_enabled(void)
{
	return pte_nx_mask != 0;
}

/* NX only if head32.asm turned EFER.NXE on; large and global pages if CPUID says so. */
static void detect_features(void)
{
	u32 a, b, c, d;

	if (msr_read(MSR_EFER) & EFER_NXE)
		pte_nx_mask = PTE_NX;
	cpuid(CPUID_FEATURES, &a, &b, &c, &d);
	if (d & CPUID_PGE)
		pte_global_mask = PTE_GLOBAL;
	cpuid(CPUID_EXT_MAX, &a, &b, &c, &d);
	if (a >= CPUID_EXT_FEATURES) {
		cpuid(CPUID_EXT_FEATURES, &a, &b, &c, &d);
		gb_pages = d & CPUID_EXT_PDPE1GB;
	}
}

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

/*
 * The boot GDT lives in .boot.rodata, which is about to disappear: the
 * CPU would fault on the next segment load. cpu_init() must have loaded
 * the kernel's own GDT and IDT (in .bss) before we get here.
 */
static void check_descriptor_tables(void)
{
	struct desc_ptr gdt, idt;

	__asm__ __volatile__("sgdt %0; sidt %1" : "=m"(gdt), "=m"(idt));
	if (gdt.base < KERNEL_VMA || idt.base < KERNEL_VMA)
		panic("paging: GDT (%#llx) or IDT (%#llx) still in the boot sections; "
		      "cpu_init() must run before paging_init()",
		      (unsigned long long)gdt.base, (unsigned long long)idt.base);
}

static bool is_ram_type(u32 type)
{
	return type == BOOT_MEM_AVAILABLE || type == BOOT_MEM_ACPI_RECLAIM ||
	       type == BOOT_MEM_NVS;
}

static bool overlaps_ram(u64 start, u64 end)
{
	for (u32 i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];

		if (is_ram_type(e->type) && e->addr < end && e->addr + e->len > start)
			return true;
	}
	return false;
}

/*
 * The first 4 GiB are always mapped (drivers reach the APIC, ACPI tables
 * and framebuffers through phys_to_virt), RAM above that up to its end.
 */
static u64 direct_map_top(void)
{
	u64 top = FOUR_GIB;

	for (u32 i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];

		if (is_ram_type(e->type) && e->addr + e->len > top)
			top = e->addr + e->len;
	}
	top = ALIGN_UP(top, PAGE_SIZE_2M);
	return top < DIRECT_MAP_MAX ? top : DIRECT_MAP_MAX;
}

static void map_large(u64 pa, int level, pte_t bits)
{
	int err;
	pte_t *e = vmm_entry(&kernel_space, DIRECT_MAP_BASE + pa, level, true, &err);

	if (!e)
		panic("paging: no memory for the direct map's page tables (%d)", err);
	*e = pa | bits | PTE_HUGE;
}

/*
 * RW+NX, 1 GiB pages where the CPU has them, else 2 MiB. Pages with no RAM
 * in them are device memory: UC- lets the MTRRs decide (WC framebuffers).
 */
static void map_direct(void)
{
	pte_t bits = PTE_PRESENT | PTE_WRITE | pte_nx_mask | pte_global_mask;

	direct_map_end = direct_map_top();
	for (u64 pa = 0; pa < direct_map_end;) {
		bool big = gb_pages && !(pa & (PAGE_SIZE_1G - 1)) && pa + PAGE_SIZE_1G <= direct_map_end;
		u64 size = big ? PAGE_SIZE_1G : PAGE_SIZE_2M;

		map_large(pa, big ? 3 : 2, bits | (overlaps_ram(pa, pa + size) ? 0 : PTE_PCD));
		pa += size;
	}
}

/*
 * CONFIG_DEBUG_PAGEALLOC: usable RAM gets 4 KiB pages so single free pages
 * can be unmapped. Costs 2 MiB of page tables per GiB of RAM.
 */
static void split_usable_ram(void)
{
	for (u32 i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];
		u64 end = e->addr + e->len < direct_map_end ? e->addr + e->len : direct_map_end;
		int err;

		if (e->type != BOOT_MEM_AVAILABLE)
			continue;
		for (u64 pa = ALIGN_DOWN(e->addr, PAGE_SIZE_2M); pa < end; pa += PAGE_SIZE_2M)
			if (!vmm_entry(&kernel_space, DIRECT_MAP_BASE + pa, 1, true, &err))
				panic("paging: no memory to split the direct map (%d)", err);
	}
}

static void map_image_part(u64 start, u64 end, unsigned int flags)
{
	int err;

	if (start >= end)
		return;
	err = vmm_map(&kernel_space, start, start - KERNEL_VMA, end - start, flags);
	if (err)
		panic("paging: cannot map the kernel image at %#llx (%d)",
		      (unsigned long long)start, err);
}

/*
 * W^X: text RX; everything after it up to .data (.rodata, .kallsyms, and
 * any read-only section the linker adds) R+NX; .data and .bss RW+NX, with
 * the boot stack's guard page left out so an overflow faults.
 */
static void map_image(void)
{
	u64 text_end = ALIGN_UP((u64)_etext, PAGE_SIZE), guard = (u64)boot_stack_guard;

	map_image_part((u64)_stext, text_end, VM_EXEC);
	map_image_part(text_end, (u64)_sdata, 0);
	map_image_part((u64)_sdata, guard, VM_WRITE);
	map_image_part(guard + PAGE_SIZE, (u64)_end, VM_WRITE);
}

/* Every kernel-half PML4 entry exists before any vm_space copies them. */
static void seal_kernel_half(void)
{
	int err;

	if (!vmm_entry(&kernel_space, VMAP_BASE, 3, true, &err))
		panic("paging: no memory for the kernel virtual area (%d)", err);
	kernel_half_sealed = true;
}

/*
 * Takes every free block and frees it again, so the DEBUG_PAGEALLOC hook
 * unmaps it. The blocks taken are listed in a few of the blocks themselves
 * (255 per page), so the rest of RAM is never touched: under QEMU a first
 * touch of guest memory is what costs.
 */
#define DRAIN_ENTRIES   ((PAGE_SIZE - 16) / 16)

struct drain_page {
	phys_addr_t prev;           /* the page filled before this one */
	u32 order, n;               /* this page's own block, entries in use */
	struct {
		phys_addr_t pa;
		u64 order;
	} held[DRAIN_ENTRIES];
};

static void unmap_free_pages(void)
{
	struct drain_page *cur = NULL, *d;
	phys_addr_t pa;

	for (int o = PMM_MAX_ORDER; o >= 0; o--) {
		while ((pa = pmm_alloc_pages(o)) != PMM_NO_PAGE) {
			if (cur && cur->n < DRAIN_ENTRIES) {
				cur->held[cur->n].pa = pa;
				cur->held[cur->n++].order = o;
				continue;
			}
			d = phys_to_virt(pa);
			d->prev = cur ? virt_to_phys(cur) : PMM_NO_PAGE;
			d->order = o;
			d->n = 0;
			cur = d;
		}
	}
	while (cur) {
		d = cur;
		for (u32 i = 0; i < d->n; i++)
			pmm_free_pages(d->held[i].pa, d->held[i].order);
		cur = d->prev != PMM_NO_PAGE ? phys_to_virt(d->prev) : NULL;
		pmm_free_pages(virt_to_phys(d), d->order);
	}
}

void paging_debug_pagealloc(phys_addr_t pa, u64 npages, bool present)
{
	if (!paging_ready)
		return;
	for (u64 i = 0; i < npages; i++) {
		u64 va = DIRECT_MAP_BASE + pa + i * PAGE_SIZE;
		int err;
		pte_t *e = vmm_entry(&kernel_space, va, 1, false, &err);

		if (!e)
			continue;           /* not RAM the allocator manages */
		*e = present ? *e | PTE_PRESENT : *e & ~PTE_PRESENT;
		invlpg(va);
	}
}

static void log_layout(u64 tables_pages, u64 boot_pages)
{
	u64 text = ALIGN_UP((u64)_etext, PAGE_SIZE) - (u64)_stext;
	u64 ro = (u64)_sdata - ALIGN_UP((u64)_etext, PAGE_SIZE);

	pr_info("paging: direct map 0-%llu MiB at %#lx with %s pages; NX %s, global pages %s\n",
		(unsigned long long)(direct_map_end >> 20), DIRECT_MAP_BASE,
		IS_ENABLED(CONFIG_DEBUG_PAGEALLOC) ? "4 KiB (RAM, DEBUG_PAGEALLOC) and 2 MiB" :
		gb_pages ? "1 GiB" : "2 MiB", paging_nx_enabled() ? "on" : "off (CPU has none)",
		pte_global_mask ? "on" : "off");
	pr_info("paging: kernel W^X: text %lu KiB RX, rodata %lu KiB R, data+bss %lu KiB RW; "
		"boot stack guard unmapped\n", KIB(text), KIB(ro), KIB((u64)_end - (u64)_sdata));
	pr_info("paging: identity map and .boot dropped (%lu KiB freed); %llu page-table pages\n",
		KIB(boot_pages * PAGE_SIZE), (unsigned long long)tables_pages);
}

void paging_init(void)
{
	struct pmm_stats before, after;
	u64 boot_pages;

	detect_features();
	check_descriptor_tables();
	pmm_get_stats(&before);
	kernel_space.pml4_phys = pmm_alloc_pages(0);
	if (kernel_space.pml4_phys == PMM_NO_PAGE)
		panic("paging: no page for the PML4");
	kernel_space.pml4 = phys_to_virt(kernel_space.pml4_phys);
	__builtin_memset(kernel_space.pml4, 0, PAGE_SIZE);
	map_direct();
	if (IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		split_usable_ram();
	map_image();
	seal_kernel_half();
	pmm_get_stats(&after);

	write_cr3(kernel_space.pml4_phys);
	if (pte_global_mask)
		write_cr4(read_cr4() | CR4_PGE);
	paging_ready = true;

	pmm_init_high();                    /* RAM above 4 GiB is mapped now */
	boot_pages = pmm_release_boot_range((u64)__kernel_phys_start, (u64)_stext - KERNEL_VMA);
	if (IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		unmap_free_pages();
	log_layout(before.free_pages - after.free_pages, boot_pages);
	pmm_log_stats();
}
