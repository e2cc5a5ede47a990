/*
 * Kernel glue for the heap: the page source is the page allocator seen
 * through the direct map, and the heap lock is "interrupts off" (one CPU;
 * an interrupt handler may allocate). heap_init() starts whichever core links.
 */
#include <mm/heap.h>
#include <mm/pmm.h>
#include <asm/page.h>
#include <tessera/irq.h>
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

unsigned long heap_lock(void)
{
	return irq_save();
}

void heap_unlock(unsigned long flags)
{
	irq_restore(flags);
}

void heap_init(void)
{
	heap_setup(&pmm_source);
	pr_info("heap: %s%s\n", heap_name(),
		IS_ENABLED(CONFIG_HEAP_POISON) ? " (poisoning, redzones)" : "");
}
