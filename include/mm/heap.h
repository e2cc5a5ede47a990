/*
 * Kernel heap interface. Exactly one implementation links (CONFIG_HEAP_SLAB,
 * CONFIG_HEAP_FIRSTFIT or CONFIG_HEAP_BUMP, mm/heap/); it takes its pages
 * from a heap_page_source, which the kernel wires to the page allocator.
 */
#ifndef MM_HEAP_H
#define MM_HEAP_H

#include <tessera/types.h>

/* Every pointer the heap returns is aligned to this. */
#define HEAP_ALIGN      16

/* Allocation flags. The heap never sleeps, so there is only one modifier. */
typedef unsigned int gfp_t;
#define GFP_KERNEL      0u
#define __GFP_ZERO      0x1u      /* the memory comes back zeroed */

/*
 * Returns at least size bytes aligned to HEAP_ALIGN, or NULL when memory is
 * exhausted (callers must check). kmalloc(0) returns a unique pointer that
 * kfree accepts. Never sleeps. Safe with interrupts on: the kernel glue
 * disables them around every call into the heap.
 */
void *kmalloc(size_t size, gfp_t flags);
/*
 * Returns p to the heap; NULL is ignored. A double free or a pointer the
 * heap never handed out is reported at KERN_ERR and otherwise ignored.
 * Under CONFIG_HEAP_BUMP memory is never reused: kfree only checks.
 */
void kfree(const void *p);
/*
 * Resizes p keeping the first min(old, new) bytes. krealloc(NULL, n) is
 * kmalloc(n); krealloc(p, 0) frees p and returns NULL. On failure returns
 * NULL and p is left as it was.
 */
void *krealloc(void *p, size_t new_size, gfp_t flags);

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

/*
 * Caches of fixed-size objects (slab: objects packed in their own slabs;
 * first-fit and bump: a thin wrapper over kmalloc). Objects are aligned to
 * HEAP_ALIGN. create returns NULL when out of memory; destroy refuses, with
 * a report, to free a cache that still has objects.
 */
struct kmem_cache;
struct kmem_cache *kmem_cache_create(const char *name, size_t size);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags);
void kmem_cache_free(struct kmem_cache *cache, void *obj);
void kmem_cache_destroy(struct kmem_cache *cache);

/* Counters for meminfo. */
struct heap_stats {
	size_t bytes_in_use;        /* held by live allocations, with rounding and headers */
	size_t pages_held;          /* 4 KiB pages taken from the page source */
	u64 failures;               /* allocations that returned NULL */
};
void heap_get_stats(struct heap_stats *st);
/* "slab", "firstfit" or "bump", for the boot log. */
const char *heap_name(void);

/*
 * Where the heap gets memory: 2^order contiguous pages aligned to their own
 * size, as a virtual address, or NULL when none are left. The kernel uses
 * the page allocator through the direct map; host tests use malloc.
 */
struct heap_page_source {
	void *(*alloc_pages)(unsigned int order);
	void (*free_pages)(void *va, unsigned int order);
};

/* (Re)starts the heap on a page source, forgetting everything it held. */
void heap_setup(const struct heap_page_source *src);
/* Kernel: heap_setup() on the page allocator; logs which heap is linked. */
void heap_init(void);

#endif
