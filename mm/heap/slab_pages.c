/*
 * The slab heap's pages: page-source calls with a running count, and the
 * table of large blocks (kmalloc over 4 KiB), kept apart from the blocks
 * themselves so they stay page-aligned and whole. See slab_pages.h.
 */
#include <lib/string.h>

#include "slab_pages.h"

/* Open addressing on the block address; each slot is va | order, 0 when empty. */
static struct {
	u64 *slots;
	unsigned int order;         /* of the page block the slots live in */
	size_t mask;                /* capacity - 1 */
	size_t count;
	size_t bytes;               /* in all large blocks */
} large;

#define LARGE_ORDER_MASK  (HEAP_PAGE_SIZE - 1)

static const struct heap_page_source *source;
static size_t pages_held;

void slab_pages_init(const struct heap_page_source *src)
{
	source = src;
	pages_held = 0;
	memset(&large, 0, sizeof(large));
}

void *pages_get(unsigned int order)
{
	void *va = order > HEAP_MAX_ORDER ? NULL : source->alloc_pages(order);

	if (va)
		pages_held += (size_t)1 << order;
	return va;
}

void pages_put(void *va, unsigned int order)
{
	source->free_pages(va, order);
	pages_held -= (size_t)1 << order;
}

size_t slab_pages_held(void)
{
	return pages_held;
}

static u64 slot_va(u64 slot)
{
	return slot & ~(u64)LARGE_ORDER_MASK;
}

static size_t large_hash(u64 va, size_t mask)
{
	return (size_t)(((va >> HEAP_PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

static void large_place(u64 *slots, size_t mask, u64 entry)
{
	size_t i = large_hash(slot_va(entry), mask);

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = entry;
}

/* Doubles the table (or makes the first one); false when out of pages. */
static bool large_grow(void)
{
	unsigned int order = large.slots ? large.order + 1 : 0;
	size_t old_cap = large.slots ? large.mask + 1 : 0;
	u64 *old = large.slots, *slots = pages_get(order);

	if (!slots)
		return false;
	memset(slots, 0, HEAP_PAGE_SIZE << order);
	large.slots = slots;
	large.mask = ((HEAP_PAGE_SIZE << order) / sizeof(u64)) - 1;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			large_place(slots, large.mask, old[i]);
	if (old)
		pages_put(old, large.order);
	large.order = order;
	return true;
}

static long large_find(const void *p)
{
	u64 va = (u64)(uintptr_t)p;

	if (!large.slots)
		return -1;
	for (size_t i = large_hash(va, large.mask); large.slots[i]; i = (i + 1) & large.mask)
		if (slot_va(large.slots[i]) == va)
			return (long)i;
	return -1;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void large_remove(size_t hole)
{
	large.slots[hole] = 0;
	large.count--;
	for (size_t i = (hole + 1) & large.mask; large.slots[i]; i = (i + 1) & large.mask) {
		size_t home = large_hash(slot_va(large.slots[i]), large.mask);

		/* Move the entry back unless its home lies cyclically in (hole, i]. */
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && home <= hole && home > i)) {
			large.slots[hole] = large.slots[i];
			large.slots[i] = 0;
			hole = i;
		}
	}
}

void *large_alloc(size_t size)
{
	unsigned int order = heap_order_for(size);
	void *va;

	if (order > HEAP_MAX_ORDER)
		return NULL;
	if ((large.count + 1) * 2 > (large.slots ? large.mask + 1 : 0) && !large_grow())
		return NULL;
	va = pages_get(order);
	if (!va)
		return NULL;
	large_place(large.slots, large.mask, (u64)(uintptr_t)va | order);
	large.count++;
	large.bytes += HEAP_PAGE_SIZE << order;
	return va;
}

bool large_free(const void *p)
{
	long slot = large_find(p);
	unsigned int order;

	if (slot < 0)
		return false;
	order = large.slots[slot] & LARGE_ORDER_MASK;
	large_remove((size_t)slot);
	large.bytes -= HEAP_PAGE_SIZE << order;
	pages_put((void *)p, order);
	return true;
}

size_t large_size(const void *p)
{
	long slot = large_find(p);

	return slot < 0 ? 0 : HEAP_PAGE_SIZE << (large.slots[slot] & LARGE_ORDER_MASK);
}

size_t large_bytes(void)
{
	return large.bytes;
}
