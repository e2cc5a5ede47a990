/*
 * Buddy page allocator core (CONFIG_PMM_BUDDY): free blocks of 2^0..2^10
 * pages on per-order lists; allocation splits a larger block, freeing merges
 * a block with its buddy (index ^ 2^order) while the buddy is free too.
 */
#include <mm/pmm.h>
#include <tessera/errno.h>

#define PAGE_BITS       12
#define STATE_FREE      0x80        /* this page heads a free block ... */
#define STATE_ALLOC     0x40        /* ... or a block handed out ... */
#define STATE_ORDER     0x0f        /* ... of this order */

/*
 * Metadata, off the managed pages: list links per page (only meaningful on
 * the head page of a free block), then one state byte per page. Indices,
 * not pointers, so the area is 9 bytes per page and position-independent.
 */
struct link {
	u32 next, prev;
};

static inline struct link *links(const struct pmm_core *c)
{
	return c->meta;
}

static inline u8 *states(const struct pmm_core *c)
{
	return (u8 *)c->meta + c->npages * sizeof(struct link);
}

u64 pmm_core_meta_size(u64 npages)
{
	return (npages * (sizeof(struct link) + 1) + 7) & ~7ULL;
}

const char *pmm_core_name(void)
{
	return "buddy";
}

void pmm_core_init(struct pmm_core *c, void *meta, phys_addr_t base, u64 npages)
{
	*c = (struct pmm_core){ .base = base, .npages = npages, .meta = meta };
	for (int o = 0; o <= PMM_MAX_ORDER; o++)
		c->free_head[o] = PMM_CORE_NIL;
	__builtin_memset(states(c), 0, npages);
}

static void list_push(struct pmm_core *c, unsigned int order, u32 idx)
{
	u32 head = c->free_head[order];

	links(c)[idx] = (struct link){ head, PMM_CORE_NIL };
	if (head != PMM_CORE_NIL)
		links(c)[head].prev = idx;
	c->free_head[order] = idx;
	states(c)[idx] = STATE_FREE | order;
	c->free_blocks[order]++;
}

static void list_del(struct pmm_core *c, unsigned int order, u32 idx)
{
	struct link l = links(c)[idx];

	if (l.prev != PMM_CORE_NIL)
		links(c)[l.prev].next = l.next;
	else
		c->free_head[order] = l.next;
	if (l.next != PMM_CORE_NIL)
		links(c)[l.next].prev = l.prev;
	states(c)[idx] = 0;
	c->free_blocks[order]--;
}

/* True when page idx lies in a free block: some aligned head above it says so. */
static bool page_is_free(const struct pmm_core *c, u64 idx)
{
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		u8 s = states(c)[idx & ~((1ULL << o) - 1)];

		if ((s & STATE_FREE) && (s & STATE_ORDER) >= o)
			return true;
	}
	return false;
}

/*
 * True when any page of [idx, idx + n) is free. Free blocks nest or are
 * disjoint, so one overlapping the range either covers idx or has its head
 * inside the range; heads are found 8 state bytes per load.
 */
static bool range_has_free(const struct pmm_core *c, u64 idx, u64 n)
{
	const u8 *s = states(c) + idx;
	u64 i = 0, w;

	if (page_is_free(c, idx))
		return true;
	for (; i + sizeof(w) <= n; i += sizeof(w)) {
		__builtin_memcpy(&w, s + i, sizeof(w));
		if (w & 0x8080808080808080ULL)      /* STATE_FREE in any byte */
			return true;
	}
	for (; i < n; i++)
		if (s[i] & STATE_FREE)
			return true;
	return false;
}

/* Inserts block idx of order, merging upwards while its buddy is free. */
static void free_block(struct pmm_core *c, u64 idx, unsigned int order)
{
	c->free_pages += 1ULL << order;
	states(c)[idx] = 0;
	while (order < PMM_MAX_ORDER) {
		u64 buddy = idx ^ (1ULL << order);

		if (buddy + (1ULL << order) > c->npages ||
		    states(c)[buddy] != (STATE_FREE | order))
			break;
		list_del(c, order, buddy);
		idx &= ~(1ULL << order);
		order++;
	}
	list_push(c, order, idx);
}

/* Page index of pa, or -1 when [pa, pa + n pages) is not inside the region. */
static s64 page_index(const struct pmm_core *c, phys_addr_t pa, u64 n)
{
	u64 idx;

	if (pa < c->base || (pa & ((1ULL << PAGE_BITS) - 1)))
		return -1;
	idx = (pa - c->base) >> PAGE_BITS;
	if (idx >= c->npages || n > c->npages - idx)
		return -1;
	return (s64)idx;
}

int pmm_core_add_free(struct pmm_core *c, phys_addr_t pa, u64 npages)
{
	s64 first = page_index(c, pa, npages);
	u64 end;

	if (npages == 0)
		return 0;
	if (first < 0)
		return -EINVAL;
	if (range_has_free(c, first, npages))
		return -EINVAL;
	end = first + npages;
	/* Largest aligned blocks first: a 4 MiB-aligned range costs one insert per 4 MiB. */
	for (u64 i = first; i < end;) {
		unsigned int o = 0;

		while (o < PMM_MAX_ORDER && !(i & (1ULL << o)) && i + (2ULL << o) <= end)
			o++;
		free_block(c, i, o);
		i += 1ULL << o;
	}
	return 0;
}

phys_addr_t pmm_core_alloc(struct pmm_core *c, unsigned int order)
{
	unsigned int o = order;
	u32 idx;

	if (order > PMM_MAX_ORDER)
		return PMM_NO_PAGE;
	while (o <= PMM_MAX_ORDER && c->free_head[o] == PMM_CORE_NIL)
		o++;
	if (o > PMM_MAX_ORDER)
		return PMM_NO_PAGE;
	idx = c->free_head[o];
	list_del(c, o, idx);
	/* Split: the upper half of each step goes back on the next order down. */
	while (o > order) {
		o--;
		list_push(c, o, idx + (1u << o));
	}
	states(c)[idx] = STATE_ALLOC | order;
	c->free_pages -= 1ULL << order;
	return c->base + ((u64)idx << PAGE_BITS);
}

int pmm_core_free(struct pmm_core *c, phys_addr_t pa, unsigned int order)
{
	u64 n = 1ULL << order;
	s64 idx;

	if (order > PMM_MAX_ORDER || (pa & ((n << PAGE_BITS) - 1)))
		return -EINVAL;
	idx = page_index(c, pa, n);
	/*
	 * Only the head of a block handed out with this order is marked so: a
	 * double free, a wrong order or a page in the middle of a block would
	 * corrupt the lists, and is refused here in O(1).
	 */
	if (idx < 0 || states(c)[idx] != (STATE_ALLOC | order))
		return -EINVAL;
	free_block(c, idx, order);
	return 0;
}
