/*
 * Physical page allocator interface. Exactly one implementation links
 * (CONFIG_PMM_BITMAP or CONFIG_PMM_BUDDY, mm/pmm/); mm/pmm/pmm.c walks the
 * boot memory map, reserves what is in use and hands the rest to it.
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <tessera/types.h>

struct boot_info;

#define PMM_MAX_ORDER  10          /* largest block: 2^10 pages = 4 MiB */
/* Page 0 holds the real-mode IVT and is never handed out, so 0 means "none". */
#define PMM_NO_PAGE    ((phys_addr_t)0)

struct pmm_stats {
	u64 total_pages;            /* usable RAM the allocator manages */
	u64 free_pages;
	u64 reserved_pages;         /* kernel image, boot info, modules, page 0 */
	u64 free_blocks[PMM_MAX_ORDER + 1];  /* per order; bitmap fills order 0 only */
};

/* Builds the allocator from the boot memory map. Returns 0 or -errno. */
int pmm_init(const struct boot_info *bi);

/*
 * Allocates 2^order contiguous pages, aligned to their size. Returns the
 * physical address, or PMM_NO_PAGE when no such block is free. Never sleeps;
 * callers must check.
 */
phys_addr_t pmm_alloc_pages(unsigned int order);
/* Returns a block from pmm_alloc_pages(order) with the same order. */
void pmm_free_pages(phys_addr_t pa, unsigned int order);

void pmm_get_stats(struct pmm_stats *stats);
/* "bitmap" or "buddy", for the boot log and /proc. */
const char *pmm_name(void);

/*
 * Called by paging_init() once its direct map covers all RAM: hands RAM
 * above 4 GiB to the allocator (the boot page tables do not map it), then
 * returns the boot-only physical range [start, end) (.boot code and boot
 * page tables) to the free pool, except pages another reservation (the
 * multiboot2 block) shares. Returns the pages freed.
 */
void pmm_init_high(void);
u64 pmm_release_boot_range(phys_addr_t start, phys_addr_t end);
/* Logs the counters ("pmm: ... free of ...", reserved, free blocks by order). */
void pmm_log_stats(void);

/*
 * The allocator core: bitmap.c or buddy.c, over one region handed to it.
 * Pure C (no kernel services, no locking: pmm.c serialises), and it never
 * reads or writes the managed pages themselves - all its state lives in
 * the metadata area - so the same file builds into the host conformance
 * suite and benchmarks, where the "physical" addresses are not mapped.
 */
#define PMM_CORE_NIL   0xffffffffu  /* empty free list (buddy) */

struct pmm_core {
	phys_addr_t base;           /* first page; aligned to 2^PMM_MAX_ORDER pages */
	u64 npages;                 /* pages the region spans, holes included; < 2^32 */
	void *meta;                 /* pmm_core_meta_size(npages) bytes, 8-aligned */
	u64 free_pages;
	u64 free_blocks[PMM_MAX_ORDER + 1];
	/* Implementation state: buddy keeps its list heads, bitmap its cursor. */
	u32 free_head[PMM_MAX_ORDER + 1];
	u64 cursor;
};

/* Bytes of metadata the linked core needs for a region of npages pages. */
u64 pmm_core_meta_size(u64 npages);
/* Sets the region up with every page allocated (nothing free yet). */
void pmm_core_init(struct pmm_core *c, void *meta, phys_addr_t base, u64 npages);
/*
 * Makes [pa, pa + npages pages) free. Returns 0, or -EINVAL when the range
 * leaves the region, is not page-aligned, or a page in it is already free.
 */
int pmm_core_add_free(struct pmm_core *c, phys_addr_t pa, u64 npages);
/* 2^order pages aligned to their size, or PMM_NO_PAGE. */
phys_addr_t pmm_core_alloc(struct pmm_core *c, unsigned int order);
/*
 * Frees a block pmm_core_alloc(order) returned. Returns 0, or -EINVAL
 * (nothing changed) for a misaligned or foreign block or a double free.
 */
int pmm_core_free(struct pmm_core *c, phys_addr_t pa, unsigned int order);
/* "bitmap" or "buddy". */
const char *pmm_core_name(void);

#endif
