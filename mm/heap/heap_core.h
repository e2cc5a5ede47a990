/*
 * What each heap core (slab.c, firstfit.c, bump.c) gives the common front
 * (kmalloc.c). Cores are pure C: no locks, no printk, only the page source,
 * so they build unchanged into host tests and benchmarks.
 */
#ifndef MM_HEAP_CORE_H
#define MM_HEAP_CORE_H

#include <mm/heap.h>
#include <tessera/compiler.h>

#define HEAP_PAGE_SIZE   4096UL
#define HEAP_PAGE_SHIFT  12

/* Why heap_core_free refused a pointer. */
enum heap_free_result {
	HEAP_FREE_OK = 0,
	HEAP_FREE_DOUBLE,           /* the block is already free */
	HEAP_FREE_INVALID,          /* not a block this heap handed out */
};

/* Forgets all state and starts over on src. */
void heap_core_init(const struct heap_page_source *src);
/* size > 0; returns a HEAP_ALIGN-aligned block or NULL. */
void *heap_core_alloc(size_t size);
enum heap_free_result heap_core_free(void *p);
/* Bytes usable at p (>= the size asked for), 0 when p is not a live block. */
size_t heap_core_usable_size(const void *p);
/* bytes_in_use and pages_held; the front counts allocs and failures. */
void heap_core_stats(struct heap_stats *st);
extern const char heap_core_name[];

/*
 * Provided by the glue (kernel: interrupts off; host: nothing), taken by
 * the front around every core call.
 */
unsigned long heap_lock(void);
void heap_unlock(unsigned long flags);

/* The front's report hook, shared with the cores' kmem_cache code. */
void heap_report(const char *what, const void *p, unsigned long caller);

/* No core asks the page source for more than 2^HEAP_MAX_ORDER pages (4 GiB). */
#define HEAP_MAX_ORDER   20

/* Smallest order whose 2^order pages hold bytes; > HEAP_MAX_ORDER when too big. */
static inline unsigned int heap_order_for(size_t bytes)
{
	size_t pages = (bytes >> HEAP_PAGE_SHIFT) + !!(bytes & (HEAP_PAGE_SIZE - 1));
	unsigned int order = 0;

	if (pages > ((size_t)1 << HEAP_MAX_ORDER))
		return HEAP_MAX_ORDER + 1;

	while (((size_t)1 << order) < pages)
		order++;
	return order;
}

#endif
