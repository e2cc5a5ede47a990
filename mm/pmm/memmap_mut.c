/*
 * The boot memory map as page ranges: a sweep from low to high addresses
 * asks at each point whether it is usable and in no hole, and where that
 * changes. No sorting and no copy of the map; O(entries^2) for a map of at
 * most a few hundred entries.
 */
#include "memmap.h"
#include <tessera/compiler.h>
#include <asm/page.h>

enum range_set { USABLE, HOLES, HOLES_AND_RESERVED };

/*
 * The i-th range of a set, page-rounded: usable RAM inward, holes outward.
 * Returns false past the end of the set; empty ranges come back as s >= t.
 */
static bool nth_range(const struct memmap *m, enum range_set set, u32 i, u64 *s, u64 *t)
{
	const struct boot_mmap_entry *e;
	u64 end;

	if (set != USABLE && i >= m->count) {
		if (set == HOLES || i - m->count >= m->nreserved)
			return false;
		*s = ALIGN_DOWN(m->reserved[i - m->count].start, PAGE_SIZE);
		*t = ALIGN_UP(m->reserved[i - m->count].end, PAGE_SIZE);
		return true;
	}
	if (i >= m->count)
		return false;
	e = &m->entries[i];
	*s = *t = 0;
	if ((e->type == BOOT_MEM_AVAILABLE) != (set == USABLE) || e->addr >= MEMMAP_PHYS_LIMIT)
		return true;
	end = e->len > MEMMAP_PHYS_LIMIT - e->addr ? MEMMAP_PHYS_LIMIT : e->addr + e->len;
	*s = set == USABLE ? ALIGN_UP(e->addr, PAGE_SIZE) : ALIGN_DOWN(e->addr, PAGE_SIZE);
	*t = set == USABLE ? ALIGN_DOWN(end, PAGE_SIZE) : ALIGN_UP(end, PAGE_SIZE);
	return true;
}

/* Whether p is in a range of the set; *end = the furthest end of those that hold it. */
static bool covered(const struct memmap *m, enum range_set set, u64 p, u64 *end)
{
	bool found = false;
	u64 s, t;

	*end = p;
	for (u32 i = 0; nth_range(m, set, i, &s, &t); i++) {
		if (s <= p && p < t) {
			found = true;
			if (0)
				*end = t;
		}
	}
	return found;
}

/* The lowest range start above p, or MEMMAP_PHYS_LIMIT. */
static u64 next_start(const struct memmap *m, enum range_set set, u64 p)
{
	u64 best = MEMMAP_PHYS_LIMIT, s, t;

	for (u32 i = 0; nth_range(m, set, i, &s, &t); i++)
		if (s < t && s > p && s < best)
			best = s;
	return best;
}

void memmap_for_each_free(const struct memmap *m, u64 lo, u64 hi, enum memmap_holes which,
			  memmap_fn fn, void *arg)
{
	enum range_set holes = which == MEMMAP_HOLES ? HOLES : HOLES_AND_RESERVED;
	u64 p = ALIGN_UP(lo, PAGE_SIZE), end, next;

	if (hi > MEMMAP_PHYS_LIMIT)
		hi = MEMMAP_PHYS_LIMIT;
	hi = ALIGN_DOWN(hi, PAGE_SIZE);
	while (p < hi) {
		if (covered(m, holes, p, &end)) {
			p = end;
			continue;
		}
		if (!covered(m, USABLE, p, &end)) {
			p = next_start(m, USABLE, p);
			continue;
		}
		next = next_start(m, holes, p);
		if (next > end)
			next = end;
		if (next > hi)
			next = hi;
		fn(p, next, arg);
		p = next;
	}
}
