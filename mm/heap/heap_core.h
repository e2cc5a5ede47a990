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
/* Returns a HEAP_ALIGN-aligned block of at least size bytes (size 0 too) or NULL. */
void *heap_core_alloc(size_t size);
enum heap_free_result heap_core_free(void *p);
/* Bytes usable at p (>= the size asked for), 0 when p is not a live block. */
size_t heap_core_usable_size(const void *p);
/* bytes_in_use and pages_held; the front counts allocs and failures. */
void heap_core_stats(struct heap_stats *st);
extern const char heap_core_name[];

/*
 * The heap lock, taken around every core call: interrupts off in the kernel
 * (one CPU, and an interrupt handler may allocate); nothing in host tests and
 * benchmarks, which build with -DHEAP_HOST. Inline: it is on every fast path.
 */
#ifdef HEAP_HOST
static inline unsigned long heap_lock(void)
{
	return 0;
}

static inline void heap_unlock(unsigned long flags)
{
	(void)flags;
}
#else
#include <tessera/irq.h>

static inline unsigned long heap_lock(void)
{
	return irq_save();
}

static inline void heap_unlock(unsigned long flags)
{
	irq_restore(flags);
}
#endif

/* The front's report hook, shared with the cores' kmem_cache code. */
void heap_report(const char *what, const void *p, unsigned long caller);

/* kmalloc.c: everything off the kmalloc/kfree fast paths. */
void *heap_kmalloc_slow(size_t size, gfp_t flags, unsigned long caller);
void heap_alloc_failed(void);
void heap_report_free(enum heap_free_result r, const void *p, unsigned long caller);
/* heap_core_free/heap_core_usable_size under the lock; the free reports. */
void heap_free_block(void *block, const void *p, unsigned long caller);
size_t heap_usable_locked(const void *block);
#define HEAP_SYM_BUF 96
/* "function+0x1a/0x40" for a code address, or the bare address. */
void heap_symbolise(unsigned long addr, char *buf, size_t len);

/*
 * poison.c, linked only with CONFIG_HEAP_POISON: callers test IS_ENABLED()
 * first, so without it these calls compile away.
 */
size_t heap_poison_need(size_t size);
void *heap_poison_wrap(void *block, size_t size, unsigned long caller);
void heap_kfree_poisoned(const void *p, unsigned long caller);
bool heap_poison_live_size(const void *p, unsigned long caller, size_t *size);

#define HEAP_CALLER() ((unsigned long)__builtin_return_address(0))

/*
 * Defines kmalloc() and kfree() around a core's alloc and free. Each core
 * ends with this line, so its inline fast paths compile into them: one
 * call per kmalloc, not two. Poisoning and zeroing go to kmalloc.c.
 */
#define HEAP_DEFINE_KMALLOC(core_alloc, core_free) \
void *kmalloc(size_t size, gfp_t flags) \
{ \
	unsigned long irq; \
	void *p; \
 \
	if (IS_ENABLED(CONFIG_HEAP_POISON) || flags) \
		return heap_kmalloc_slow(size, flags, HEAP_CALLER()); \
	irq = heap_lock(); \
	p = core_alloc(size); \
	if (unlikely(!p)) \
		heap_alloc_failed(); \
	heap_unlock(irq); \
	return p; \
} \
 \
void kfree(const void *p) \
{ \
	enum heap_free_result r; \
	unsigned long irq; \
 \
	if (!p) \
		return; \
	if (IS_ENABLED(CONFIG_HEAP_POISON)) { \
		heap_kfree_poisoned(p, HEAP_CALLER()); \
		return; \
	} \
	irq = heap_lock(); \
	r = core_free((void *)p); \
	heap_unlock(irq); \
	if (unlikely(r != HEAP_FREE_OK)) \
		heap_report_free(r, p, HEAP_CALLER()); \
}

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
