/*
 * First-fit heap (CONFIG_HEAP_FIRSTFIT): blocks with boundary tags carved
 * from arenas of pages, one address-ordered free list searched first-fit,
 * and neighbours merged on free so an arena that empties goes back.
 */
#include <lib/string.h>

#include "heap_core.h"

/*
 * A block is [prev_size 8][word 8][payload]. prev_size is the size of the
 * block before it in the arena (0 for the first), kept exact so both
 * neighbours are found in O(1). word holds the size (a multiple of 16),
 * the in-use bit and a cookie that kfree checks before trusting anything.
 * Each arena ends in a zero-size in-use sentinel, so merging stops there.
 */
struct ff_block {
	u64 prev_size;
	u64 word;
	struct ff_block *next, *prev;   /* free list; only while the block is free */
};

struct ff_arena {
	unsigned int order;
	u32 pad[3];
};

#define FF_HDR          16UL
#define FF_MIN_BLOCK    sizeof(struct ff_block)
#define FF_USED         0x1ULL
#define FF_SIZE_MASK    0x0000fffffffffff0ULL
#define FF_COOKIE_MASK  0xffff000000000000ULL
#define FF_COOKIE       0xf17f000000000000ULL
#define FF_MAX_REQUEST  ((size_t)1 << 40)
#define ARENA_HDR       sizeof(struct ff_arena)
#define ARENA_OVERHEAD  (ARENA_HDR + FF_HDR)   /* header and end sentinel */
/* 16 KiB arenas: small enough for a 2 MiB machine, few enough to stay fast. */
#define ARENA_MIN_ORDER 2

const char heap_core_name[] = "firstfit";

static const struct heap_page_source *source;
static struct ff_block *free_list;
static size_t bytes_in_use, pages_held, arenas;

static size_t bsize(const struct ff_block *b)
{
	return b->word & FF_SIZE_MASK;
}

static bool bused(const struct ff_block *b)
{
	return b->word & FF_USED;
}

static void set_word(struct ff_block *b, size_t size, bool used)
{
	b->word = FF_COOKIE | size | (used ? FF_USED : 0);
}

static struct ff_block *bnext(struct ff_block *b)
{
	return (struct ff_block *)((char *)b + bsize(b));
}

static struct ff_block *bprev(struct ff_block *b)
{
	return (struct ff_block *)((char *)b - b->prev_size);
}

/*
 * The free list is kept in address order: first-fit then fills the low end
 * of memory and leaves the high end in large pieces, which keeps peak memory
 * near what is live (see Documentation/memory.md). Only a free that merges
 * with no neighbour has to walk the list to find its place.
 */
static void list_insert(struct ff_block *b)
{
	struct ff_block *prev = NULL, *next = free_list;

	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	b->prev = prev;
	b->next = next;
	if (next)
		next->prev = b;
	if (prev)
		prev->next = b;
	else
		free_list = b;
}

static void list_del(struct ff_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		free_list = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* nb takes old's place: no free block lies between them, so the order holds. */
static void list_replace(struct ff_block *old, struct ff_block *nb)
{
	nb->prev = old->prev;
	nb->next = old->next;
	if (nb->prev)
		nb->prev->next = nb;
	else
		free_list = nb;
	if (nb->next)
		nb->next->prev = nb;
}

/* A fresh arena holding one free block big enough for need. */
static struct ff_block *arena_new(size_t need)
{
	unsigned int order = heap_order_for(need + ARENA_OVERHEAD);
	struct ff_arena *a;
	struct ff_block *b;
	size_t bytes;

	if (order < ARENA_MIN_ORDER)
		order = ARENA_MIN_ORDER;
	if (order > HEAP_MAX_ORDER || !(a = source->alloc_pages(order)))
		return NULL;
	pages_held += (size_t)1 << order;
	arenas++;
	a->order = order;
	bytes = (HEAP_PAGE_SIZE << order) - ARENA_OVERHEAD;
	b = (struct ff_block *)(a + 1);
	b->prev_size = 0;
	set_word(b, bytes, false);
	set_word(bnext(b), 0, true);
	bnext(b)->prev_size = bytes;
	list_insert(b);
	return b;
}

/* Gives back the arena b fills entirely, unless it is the last one. */
static void arena_maybe_release(struct ff_block *b)
{
	struct ff_arena *a = (struct ff_arena *)b - 1;

	if (b->prev_size != 0 || bsize(bnext(b)) != 0 || arenas == 1)
		return;
	list_del(b);
	arenas--;
	pages_held -= (size_t)1 << a->order;
	source->free_pages(a, a->order);
}

static struct ff_block *find_fit(size_t need)
{
	for (struct ff_block *b = free_list; b; b = b->next)
		if (bsize(b) >= need)
			return b;
	return arena_new(need);
}

void heap_core_init(const struct heap_page_source *src)
{
	source = src;
	free_list = NULL;
	bytes_in_use = 0;
	pages_held = 0;
	arenas = 0;
}

void *heap_core_alloc(size_t size)
{
	size_t need, have;
	struct ff_block *b;

	if (size > FF_MAX_REQUEST)
		return NULL;
	need = ALIGN_UP(size, HEAP_ALIGN) + FF_HDR;
	if (need < FF_MIN_BLOCK)
		need = FF_MIN_BLOCK;
	b = find_fit(need);
	if (!b)
		return NULL;
	have = bsize(b);
	if (have - need >= FF_MIN_BLOCK) {
		struct ff_block *rest = (struct ff_block *)((char *)b + need);

		rest->prev_size = need;
		set_word(rest, have - need, false);
		bnext(rest)->prev_size = have - need;
		list_replace(b, rest);
		have = need;
	} else {
		list_del(b);
	}
	set_word(b, have, true);
	bytes_in_use += have;
	return (char *)b + FF_HDR;
}

/* Checks that p is a block header with consistent tags on both sides. */
static enum heap_free_result check_block(struct ff_block *b)
{
	if ((b->word & FF_COOKIE_MASK) != FF_COOKIE || bsize(b) < FF_MIN_BLOCK)
		return HEAP_FREE_INVALID;
	if (!bused(b))
		return HEAP_FREE_DOUBLE;
	if (bnext(b)->prev_size != bsize(b) ||
	    (bnext(b)->word & FF_COOKIE_MASK) != FF_COOKIE)
		return HEAP_FREE_INVALID;
	return HEAP_FREE_OK;
}

static struct ff_block *block_of(const void *p)
{
	return (struct ff_block *)((char *)p - FF_HDR);
}

enum heap_free_result heap_core_free(void *p)
{
	struct ff_block *b = block_of(p), *n;
	enum heap_free_result r = check_block(b);
	size_t size;

	if (r != HEAP_FREE_OK)
		return r;
	size = bsize(b);
	bytes_in_use -= size;
	/* Marked free first: if it merges into its predecessor, the stale tag still says so. */
	set_word(b, size, false);
	n = bnext(b);
	if (b->prev_size && !bused(bprev(b))) {
		/* The free block before absorbs b (and n): it keeps its list place. */
		b = bprev(b);
		size += bsize(b);
		if (!bused(n)) {
			list_del(n);
			size += bsize(n);
		}
	} else if (!bused(n)) {
		list_replace(n, b);
		size += bsize(n);
	} else {
		list_insert(b);
	}
	set_word(b, size, false);
	bnext(b)->prev_size = size;
	arena_maybe_release(b);
	return HEAP_FREE_OK;
}

HEAP_DEFINE_KMALLOC(heap_core_alloc, heap_core_free)

size_t heap_core_usable_size(const void *p)
{
	struct ff_block *b = block_of(p);

	return check_block(b) == HEAP_FREE_OK ? bsize(b) - FF_HDR : 0;
}

void heap_core_stats(struct heap_stats *st)
{
	st->bytes_in_use = bytes_in_use;
	st->pages_held = pages_held;
}
