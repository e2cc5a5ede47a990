/*
 * glibc as a page-allocator "core" for bench/host/pmm_bench.c: blocks from
 * aligned_alloc(), so the benchmark can put Tessera's allocators beside it.
 * It hands out real memory and keeps no metadata of its own.
 */
#include <stdlib.h>

#include <mm/pmm.h>

#define PAGE 4096ULL

u64 pmm_core_meta_size(u64 npages)
{
	(void)npages;
	return 0;
}

void pmm_core_init(struct pmm_core *c, void *meta, phys_addr_t base, u64 npages)
{
	*c = (struct pmm_core){ .base = base, .npages = npages, .meta = meta };
}

int pmm_core_add_free(struct pmm_core *c, phys_addr_t pa, u64 npages)
{
	(void)pa;
	c->free_pages += npages;
	return 0;
}

phys_addr_t pmm_core_alloc(struct pmm_core *c, unsigned int order)
{
	void *p = aligned_alloc(PAGE << order, PAGE << order);

	if (!p)
		return PMM_NO_PAGE;
	c->free_pages -= 1ULL << order;
	return (phys_addr_t)(uintptr_t)p;
}

int pmm_core_free(struct pmm_core *c, phys_addr_t pa, unsigned int order)
{
	free((void *)(uintptr_t)pa);
	c->free_pages += 1ULL << order;
	return 0;
}

const char *pmm_core_name(void)
{
	return "glibc";
}
