/*
 * Physical memory bring-up and the public page-allocator API: turns the boot
 * memory map into regions for the linked allocator core (bitmap.c or
 * buddy.c), keeps what is in use reserved, and counts everything.
 */
#include <mm/pmm.h>
#include <mm/vmm.h>
#include <tessera/bootinfo.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <asm/page.h>
#include <lib/format.h>
#include "memmap.h"

#define FOUR_GIB        0x100000000ULL
#define BLOCK_MAX_BYTES (PAGE_SIZE << PMM_MAX_ORDER)
#define REGION_MAX_PAGES 0xffffffffULL      /* cores index pages with u32 */
#define MAX_RESERVED    (4 + BOOT_MAX_MODULES + 2)
#define PAGES_PER_MIB   (1 << (20 - PAGE_SHIFT))

enum reserve_kind { RES_PAGE0, RES_KERNEL, RES_BOOTINFO, RES_MODULE, RES_META, RES_KINDS };

static const char *const reserve_names[RES_KINDS] = {
	"page 0", "kernel", "boot info", "modules", "allocator metadata",
};

/*
 * Two regions, split at 4 GiB. The boot page tables map only the low one,
 * so the metadata and every page handed out before paging_init() must lie
 * there; RAM above 4 GiB becomes a region (with its metadata inside it)
 * once paging_init() has mapped it all. Allocation prefers the high region,
 * which keeps low memory for devices that can only address 32 bits.
 */
struct region {
	u64 lo, hi;                 /* the physical span it may cover */
	struct pmm_core core;
	u64 total_pages;            /* RAM pages inside */
	u64 reserved_pages;
	bool ready;
};

static struct region regions[] = {
	{ .lo = 0, .hi = FOUR_GIB },
	{ .lo = FOUR_GIB, .hi = MEMMAP_PHYS_LIMIT },
};

static struct phys_range reserved[MAX_RESERVED];
/* The memory map in use (the boot loader's, or one made from its meminfo tag) and reserved[]. */
static struct memmap memmap = { .reserved = reserved };
static struct boot_mmap_entry meminfo_map[2];

#define KERNEL_PHYS_START ((u64)__kernel_phys_start)
#define KERNEL_PHYS_END   ((u64)__kernel_phys_end)
extern char __kernel_phys_start[], __kernel_phys_end[];

static void for_each_free(u64 lo, u64 hi, enum memmap_holes holes, memmap_fn fn, void *arg)
{
	memmap_for_each_free(&memmap, lo, hi, holes, fn, arg);
}

static void add_reserved(u64 start, u64 end, enum reserve_kind kind)
{
	if (start >= end)
		return;
	if (memmap.nreserved == MAX_RESERVED)
		panic("pmm: more than %d reserved ranges", MAX_RESERVED);
	reserved[memmap.nreserved++] = (struct phys_range){ start, end, kind };
	if (IS_ENABLED(CONFIG_DEBUG_VERBOSE_LOG))
		pr_info("pmm: reserve [%#llx-%#llx) %s\n", (unsigned long long)start,
			(unsigned long long)end, reserve_names[kind]);
}

/* --- building a region --------------------------------------------------- */

struct span {
	u64 lo, hi, pages;
};

static void span_cb(u64 start, u64 end, void *arg)
{
	struct span *sp = arg;

	if (start < sp->lo)
		sp->lo = start;
	if (end > sp->hi)
		sp->hi = end;
	sp->pages += (end - start) >> PAGE_SHIFT;
}

struct fit {
	u64 bytes, at;
};

static void fit_cb(u64 start, u64 end, void *arg)
{
	struct fit *f = arg;

	if (!f->at && end - start >= f->bytes)
		f->at = start;
}

static void add_free_cb(u64 start, u64 end, void *arg)
{
	struct pmm_core *c = arg;

	if (pmm_core_add_free(c, start, (end - start) >> PAGE_SHIFT))
		pr_err("pmm: could not add [%#llx-%#llx)\n", (unsigned long long)start,
		       (unsigned long long)end);
	if (IS_ENABLED(CONFIG_DEBUG_VERBOSE_LOG))
		pr_info("pmm: free [%#llx-%#llx)\n", (unsigned long long)start,
			(unsigned long long)end);
}

/*
 * Sizes the region from the RAM in it, places the core's metadata in the
 * first free run large enough (inside the region, so it is mapped when the
 * region is), reserves it, and hands every free page to the core.
 */
static int region_init(struct region *r)
{
	struct span sp = { MEMMAP_PHYS_LIMIT, 0, 0 };
	struct fit fit = { 0, 0 };
	u64 base, npages;

	for_each_free(r->lo, r->hi, MEMMAP_HOLES, span_cb, &sp);
	if (!sp.pages)
		return 0;
	base = ALIGN_DOWN(sp.lo, BLOCK_MAX_BYTES);
	npages = (sp.hi - base) >> PAGE_SHIFT;
	if (npages > REGION_MAX_PAGES) {
		pr_warn("pmm: ignoring RAM above %#llx\n",
			(unsigned long long)(base + (REGION_MAX_PAGES << PAGE_SHIFT)));
		npages = REGION_MAX_PAGES;
		r->hi = base + (npages << PAGE_SHIFT);
		sp.pages = 0;
		for_each_free(r->lo, r->hi, MEMMAP_HOLES, span_cb, &sp);
	}
	fit.bytes = ALIGN_UP(pmm_core_meta_size(npages), PAGE_SIZE);
	for_each_free(r->lo, r->hi, MEMMAP_HOLES_AND_RESERVED, fit_cb, &fit);
	if (!fit.at) {
		pr_err("pmm: no room for %llu KiB of allocator metadata in [%#llx-%#llx)\n",
		       (unsigned long long)(fit.bytes >> 10), (unsigned long long)sp.lo,
		       (unsigned long long)sp.hi);
		return -ENOMEM;
	}
	add_reserved(fit.at, fit.at + fit.bytes, RES_META);
	pmm_core_init(&r->core, phys_to_virt(fit.at), base, npages);
	for_each_free(r->lo, r->hi, MEMMAP_HOLES_AND_RESERVED, add_free_cb, &r->core);
	r->total_pages = sp.pages;
	r->reserved_pages = sp.pages - r->core.free_pages;
	r->ready = true;
	return 0;
}

/* Without a memory map, the meminfo tag still says how much RAM there is. */
static bool pick_map(const struct boot_info *bi)
{
	if (bi->mmap_count) {
		memmap.entries = bi->mmap;
		memmap.count = bi->mmap_count;
		return true;
	}
	if (!bi->has_meminfo)
		return false;
	meminfo_map[0] = (struct boot_mmap_entry){ 0, (u64)bi->mem_lower_kib << 10,
						   BOOT_MEM_AVAILABLE };
	meminfo_map[1] = (struct boot_mmap_entry){ 0x100000, (u64)bi->mem_upper_kib << 10,
						   BOOT_MEM_AVAILABLE };
	memmap.entries = meminfo_map;
	memmap.count = 2;
	pr_warn("pmm: no memory map from the boot loader; using its meminfo tag\n");
	return true;
}

int pmm_init(const struct boot_info *bi)
{
	struct span high = { MEMMAP_PHYS_LIMIT, 0, 0 };
	int err;

	if (!pick_map(bi))
		panic("pmm: the boot loader gave no memory map and no meminfo");
	/* Page 0 also keeps PMM_NO_PAGE from ever being a valid block. */
	add_reserved(0, PAGE_SIZE, RES_PAGE0);
	add_reserved(KERNEL_PHYS_START, KERNEL_PHYS_END, RES_KERNEL);
	add_reserved(bi->info_phys, bi->info_phys + bi->info_size, RES_BOOTINFO);
	for (u32 i = 0; i < bi->module_count; i++)
		add_reserved(bi->modules[i].start, bi->modules[i].end, RES_MODULE);

	err = region_init(&regions[0]);
	if (err)
		panic("pmm: no page allocator without memory below 4 GiB (%d)", err);
	pmm_log_stats();
	for_each_free(regions[1].lo, regions[1].hi, MEMMAP_HOLES, span_cb, &high);
	if (high.pages)
		pr_info("pmm: %llu MiB above 4 GiB join after paging_init() maps them\n",
			(unsigned long long)(high.pages / PAGES_PER_MIB));
	return 0;
}

void pmm_init_high(void)
{
	struct region *r = &regions[1];

	if (r->ready || region_init(r) || !r->ready)
		return;
	pr_info("pmm: added %llu MiB above 4 GiB\n",
		(unsigned long long)(r->total_pages / PAGES_PER_MIB));
}

struct release {
	struct pmm_core *core;
	u64 pages;
};

static void release_cb(u64 start, u64 end, void *arg)
{
	struct release *rel = arg;

	if (pmm_core_add_free(rel->core, start, (end - start) >> PAGE_SHIFT) == 0)
		rel->pages += (end - start) >> PAGE_SHIFT;
}

/*
 * The boot sections open the kernel's reserved range: shrink that range,
 * then free what no other reservation covers (GRUB may have put the
 * multiboot2 block in the gap after .boot.bss).
 */
u64 pmm_release_boot_range(phys_addr_t start, phys_addr_t end)
{
	struct region *r = &regions[0];
	struct release rel = { &r->core, 0 };
	u64 s = ALIGN_UP(start, PAGE_SIZE), t = ALIGN_DOWN(end, PAGE_SIZE);
	unsigned long flags;

	if (s >= t || !r->ready || t > r->hi)
		return 0;
	for (unsigned int i = 0; i < memmap.nreserved; i++)
		if (reserved[i].kind == RES_KERNEL && reserved[i].start == s && t <= reserved[i].end)
			reserved[i].start = t;
	flags = irq_save();
	for_each_free(s, t, MEMMAP_HOLES_AND_RESERVED, release_cb, &rel);
	r->reserved_pages -= rel.pages;
	irq_restore(flags);
	return rel.pages;
}

/* --- the public API ------------------------------------------------------ */

const char *pmm_name(void)
{
	return pmm_core_name();
}

phys_addr_t pmm_alloc_pages(unsigned int order)
{
	phys_addr_t pa = PMM_NO_PAGE;
	unsigned long flags = irq_save();

	for (int i = ARRAY_SIZE(regions) - 1; i >= 0 && pa == PMM_NO_PAGE; i--)
		if (regions[i].ready)
			pa = pmm_core_alloc(&regions[i].core, order);
	if (pa != PMM_NO_PAGE && IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		paging_debug_pagealloc(pa, 1ULL << order, true);
	irq_restore(flags);
	return pa;
}

static struct region *region_of(phys_addr_t pa)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(regions); i++)
		if (regions[i].ready && pa >= regions[i].lo && pa < regions[i].hi)
			return &regions[i];
	return NULL;
}

void pmm_free_pages(phys_addr_t pa, unsigned int order)
{
	struct region *r = region_of(pa);
	unsigned long flags = irq_save();
	int err = r ? pmm_core_free(&r->core, pa, order) : -EINVAL;

	/* Unmapped before anyone else can take it, so a stale pointer faults. */
	if (!err && IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		paging_debug_pagealloc(pa, 1ULL << order, false);
	irq_restore(flags);
	if (err) {
		pr_err("pmm: bad free of %#llx (order %u): double free, or never allocated\n",
		       (unsigned long long)pa, order);
		dump_backtrace((unsigned long)__builtin_frame_address(0),
			       (unsigned long)__builtin_return_address(0));
	}
}

void pmm_get_stats(struct pmm_stats *st)
{
	unsigned long flags = irq_save();

	*st = (struct pmm_stats){ 0 };
	for (unsigned int i = 0; i < ARRAY_SIZE(regions); i++) {
		const struct region *r = &regions[i];

		if (!r->ready)
			continue;
		st->total_pages += r->total_pages;
		st->reserved_pages += r->reserved_pages;
		st->free_pages += r->core.free_pages;
		for (int o = 0; o <= PMM_MAX_ORDER; o++)
			st->free_blocks[o] += r->core.free_blocks[o];
	}
	irq_restore(flags);
}

void pmm_log_stats(void)
{
	struct pmm_stats st;
	u64 kib[RES_KINDS] = { 0 };
	char line[(PMM_MAX_ORDER + 1) * 24];
	size_t n = 0;

	pmm_get_stats(&st);
	pr_info("pmm: %s, %llu MiB free of %llu MiB\n", pmm_name(),
		(unsigned long long)(st.free_pages / PAGES_PER_MIB),
		(unsigned long long)(st.total_pages / PAGES_PER_MIB));
	pr_info("pmm: pages: total %llu, free %llu, reserved %llu, allocated %llu\n",
		(unsigned long long)st.total_pages, (unsigned long long)st.free_pages,
		(unsigned long long)st.reserved_pages,
		(unsigned long long)(st.total_pages - st.free_pages - st.reserved_pages));
	for (unsigned int i = 0; i < memmap.nreserved; i++)
		kib[reserved[i].kind] += (ALIGN_UP(reserved[i].end, PAGE_SIZE) -
					  ALIGN_DOWN(reserved[i].start, PAGE_SIZE)) >> 10;
	for (int k = 0; k < RES_KINDS; k++)
		n += snprintf(line + n, sizeof(line) - n, "%s %s %llu KiB", k ? "," : "",
			      reserve_names[k], (unsigned long long)kib[k]);
	pr_info("pmm: reserved:%s\n", line);
	n = 0;
	for (int o = 0; o <= PMM_MAX_ORDER; o++)
		n += snprintf(line + n, sizeof(line) - n, " %llu",
			      (unsigned long long)st.free_blocks[o]);
	pr_info("pmm: free blocks by order 0-%d:%s\n", PMM_MAX_ORDER, line);
}
