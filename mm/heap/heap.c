/*
 * Kernel glue for the heap: the page source is the page allocator seen
 * through the direct map (the lock is in heap_core.h), and heap_init()
 * starts whichever core is linked.
 */
#include <mm/heap.h>
#include <mm/pmm.h>
#include <asm/page.h>
#include <tessera/printk.h>

#include "heap_core.h"

static void *pmm_source_alloc(unsigned int order)
{
	phys_addr_t pa;

	if (order > PMM_MAX_ORDER)
		return NULL;
	pa = pmm_alloc_pages(order);
	return pa == PMM_NO_PAGE ? NULL : phys_to_virt(pa);
}

static void pmm_source_free(void *va, unsigned int order)
{
	pmm_free_pages(virt_to_phys(va), order);
}

static const struct heap_page_source pmm_source = {
	.alloc_pages = pmm_source_alloc,
	.free_pages  = pmm_source_free,
};

void heap_init(void)
{
	heap_setup(&pmm_source);
	pr_info("heap: %s%s\n", heap_name(),
		IS_ENABLED(CONFIG_HEAP_POISON) ? " (poisoning, redzones)" : "");
}
