/*
 * Slab heap (CONFIG_HEAP_SLAB): sizes up to 4 KiB come from 16 size classes,
 * each a kmem_cache packing equal objects into 16 KiB slabs; larger sizes are
 * whole page blocks, remembered in a small hash table so kfree finds them.
 */
#include <lib/string.h>

#include "heap_core.h"

/*
 * Every slab is 2^SLAB_ORDER pages aligned to its size (the page source
 * guarantees that), so the slab header of any object is its address masked.
 */
#define SLAB_ORDER        2
#define SLAB_BYTES        (HEAP_PAGE_SIZE << SLAB_ORDER)
#define SLAB_MAGIC        0x51ab0c0du
#define SLAB_MAP_WORDS    16            /* one bit per object: 1024 >= 16 KiB / 16 B */
#define KMALLOC_MAX_CLASS 4096
#define NR_CLASSES        16
#define CLASS_INDEX(size) (((size) + HEAP_ALIGN - 1) / HEAP_ALIGN)
#define RECIP_SHIFT       32            /* idx = off * recip >> 32, exact for off < 2^18 */

const char heap_core_name[] = "slab";

struct slab {
	u32 magic;
	u32 inuse;
	struct kmem_cache *cache;
	void *free;                 /* objects given back, linked through their first word */
	char *fresh;                /* next never-used object: new slabs need no threading */
	struct slab *next, *prev;   /* the cache's partial list; full slabs are on none */
	u64 map[SLAB_MAP_WORDS];    /* live objects: catches double and stray frees */
};

#define SLAB_OBJS_OFFSET  ALIGN_UP(sizeof(struct slab), HEAP_ALIGN)

struct kmem_cache {
	struct slab *partial;       /* slabs with a free object; an empty one is kept */
	u32 size;                   /* object size, a multiple of HEAP_ALIGN */
	u32 recip;                  /* ceil(2^32 / size), to divide by multiplying */
	u32 per_slab;
	bool large;                 /* objects over 4 KiB: each is a page block */
	size_t live;
	size_t slabs;
	const char *name;
};

static const u16 class_sizes[NR_CLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096,
};

static const struct heap_page_source *source;
static struct kmem_cache kmalloc_caches[NR_CLASSES];
static u8 class_of[CLASS_INDEX(KMALLOC_MAX_CLASS) + 1];
static size_t bytes_in_use, pages_held;

/* Large blocks: open addressing on va, each slot va | order, 0 when empty. */
static struct {
	u64 *slots;
	unsigned int order;         /* of the page block the slots live in */
	size_t mask;                /* capacity - 1 */
	size_t count;
} large;

#define LARGE_ORDER_MASK  (HEAP_PAGE_SIZE - 1)

static void *pages_get(unsigned int order)
{
	void *va = order > HEAP_MAX_ORDER ? NULL : source->alloc_pages(order);

	if (va)
		pages_held += (size_t)1 << order;
	return va;
}

static void pages_put(void *va, unsigned int order)
{
	source->free_pages(va, order);
	pages_held -= (size_t)1 << order;
}

/* --- the large-block table --- */

static size_t large_hash(u64 va)
{
	return (size_t)(((va >> HEAP_PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL) >> 32) & large.mask;
}

static void large_place(u64 *slots, size_t mask, u64 entry)
{
	size_t i = large_hash(entry & ~(u64)LARGE_ORDER_MASK) & mask;

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = entry;
}

/* Doubles the table (or makes the first one); false when out of pages. */
static bool large_grow(void)
{
	unsigned int order = large.slots ? large.order + 1 : 0;
	u64 *slots = pages_get(order);
	size_t old_cap = large.slots ? large.mask + 1 : 0;
	u64 *old = large.slots;

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
	size_t i;

	if (!large.slots)
		return -1;
	for (i = large_hash(va); large.slots[i]; i = (i + 1) & large.mask)
		if ((large.slots[i] & ~(u64)LARGE_ORDER_MASK) == va)
			return (long)i;
	return -1;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void large_remove(size_t hole)
{
	size_t i = hole;

	large.slots[hole] = 0;
	large.count--;
	for (i = (i + 1) & large.mask; large.slots[i]; i = (i + 1) & large.mask) {
		size_t home = large_hash(large.slots[i] & ~(u64)LARGE_ORDER_MASK);

		/* Move the entry back unless its home lies cyclically in (hole, i]. */
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && home <= hole && home > i)) {
			large.slots[hole] = large.slots[i];
			large.slots[i] = 0;
			hole = i;
		}
	}
}

static void *large_alloc(size_t size)
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
	bytes_in_use += HEAP_PAGE_SIZE << order;
	return va;
}

static void large_free(size_t slot)
{
	unsigned int order = large.slots[slot] & LARGE_ORDER_MASK;
	void *va = (void *)(uintptr_t)(large.slots[slot] & ~(u64)LARGE_ORDER_MASK);

	large_remove(slot);
	bytes_in_use -= HEAP_PAGE_SIZE << order;
	pages_put(va, order);
}

/* --- slabs --- */

static struct slab *slab_of(const void *p)
{
	return (struct slab *)((uintptr_t)p & ~(uintptr_t)(SLAB_BYTES - 1));
}

static char *slab_objs(struct slab *s)
{
	return (char *)s + SLAB_OBJS_OFFSET;
}

static void partial_add(struct kmem_cache *c, struct slab *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static void partial_del(struct kmem_cache *c, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

static struct slab *slab_new(struct kmem_cache *c)
{
	struct slab *s = pages_get(SLAB_ORDER);

	if (!s)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->inuse = 0;
	s->cache = c;
	s->free = NULL;
	s->fresh = slab_objs(s);
	memset(s->map, 0, sizeof(s->map));
	partial_add(c, s);
	c->slabs++;
	return s;
}

static void slab_release(struct kmem_cache *c, struct slab *s)
{
	partial_del(c, s);
	s->magic = 0;
	c->slabs--;
	pages_put(s, SLAB_ORDER);
}

static void *cache_alloc(struct kmem_cache *c)
{
	struct slab *s = c->partial;
	char *obj;
	size_t idx;

	if (c->large) {
		obj = large_alloc(c->size);
		c->live += obj != NULL;
		return obj;
	}
	if (unlikely(!s) && !(s = slab_new(c)))
		return NULL;
	obj = s->free;
	if (obj) {
		s->free = *(void **)obj;
	} else {
		obj = s->fresh;
		s->fresh += c->size;
	}
	idx = ((u64)(obj - slab_objs(s)) * c->recip) >> RECIP_SHIFT;
	s->map[idx / 64] |= 1ULL << (idx % 64);
	if (++s->inuse == c->per_slab)
		partial_del(c, s);
	c->live++;
	bytes_in_use += c->size;
	return obj;
}

/* Index of the live object at p in its slab, or -1 with *why set. */
static long slab_index(struct slab *s, const void *p, enum heap_free_result *why)
{
	const struct kmem_cache *c;
	size_t off, idx;

	*why = HEAP_FREE_INVALID;
	if (s->magic != SLAB_MAGIC || (const char *)p < slab_objs(s))
		return -1;
	c = s->cache;
	off = (size_t)((const char *)p - slab_objs(s));
	idx = ((u64)off * c->recip) >> RECIP_SHIFT;
	if (idx >= c->per_slab || idx * c->size != off)
		return -1;
	if (!(s->map[idx / 64] & (1ULL << (idx % 64)))) {
		*why = HEAP_FREE_DOUBLE;
		return -1;
	}
	return (long)idx;
}

static enum heap_free_result slab_free(struct slab *s, void *p, bool poison)
{
	enum heap_free_result why;
	long idx = slab_index(s, p, &why);
	struct kmem_cache *c = s->cache;

	if (idx < 0)
		return why;
	if (poison)
		memset(p, 0x6b, c->size);
	s->map[idx / 64] &= ~(1ULL << (idx % 64));
	*(void **)p = s->free;
	s->free = p;
	if (s->inuse-- == c->per_slab)
		partial_add(c, s);
	c->live--;
	bytes_in_use -= c->size;
	/* Keep one empty slab per cache so a lone alloc/free pair does not thrash. */
	if (s->inuse == 0 && (c->partial != s || s->next))
		slab_release(c, s);
	return HEAP_FREE_OK;
}

static void cache_setup(struct kmem_cache *c, const char *name, size_t size)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->size = (u32)ALIGN_UP(size ? size : 1, HEAP_ALIGN);
	c->large = size > KMALLOC_MAX_CLASS;
	if (c->large)
		return;
	c->recip = (u32)((((u64)1 << RECIP_SHIFT) + c->size - 1) / c->size);
	c->per_slab = (u32)((SLAB_BYTES - SLAB_OBJS_OFFSET) / c->size);
}

/* --- the core interface --- */

void heap_core_init(const struct heap_page_source *src)
{
	unsigned int cls = 0;

	source = src;
	bytes_in_use = 0;
	pages_held = 0;
	memset(&large, 0, sizeof(large));
	for (unsigned int i = 0; i < NR_CLASSES; i++)
		cache_setup(&kmalloc_caches[i], "kmalloc", class_sizes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(class_of); i++) {
		while (class_sizes[cls] < i * HEAP_ALIGN)
			cls++;
		class_of[i] = (u8)cls;
	}
}

void *heap_core_alloc(size_t size)
{
	if (size > KMALLOC_MAX_CLASS)
		return large_alloc(size);
	return cache_alloc(&kmalloc_caches[class_of[CLASS_INDEX(size)]]);
}

static bool page_aligned(const void *p)
{
	return ((uintptr_t)p & (HEAP_PAGE_SIZE - 1)) == 0;
}

enum heap_free_result heap_core_free(void *p)
{
	long slot;

	/* Only large blocks and a few objects sit on a page boundary. */
	if (page_aligned(p) && (slot = large_find(p)) >= 0) {
		large_free((size_t)slot);
		return HEAP_FREE_OK;
	}
	return slab_free(slab_of(p), p, false);
}

size_t heap_core_usable_size(const void *p)
{
	enum heap_free_result why;
	long slot;

	if (page_aligned(p) && (slot = large_find(p)) >= 0)
		return HEAP_PAGE_SIZE << (large.slots[slot] & LARGE_ORDER_MASK);
	if (slab_index(slab_of(p), p, &why) < 0)
		return 0;
	return slab_of(p)->cache->size;
}

void heap_core_stats(struct heap_stats *st)
{
	st->bytes_in_use = bytes_in_use;
	st->pages_held = pages_held;
}

/* --- kmem_cache: the same caches kmalloc uses, for callers' own objects --- */

struct kmem_cache *kmem_cache_create(const char *name, size_t size)
{
	unsigned long irq = heap_lock();
	struct kmem_cache *c = heap_core_alloc(sizeof(*c));

	if (c)
		cache_setup(c, name, size);
	heap_unlock(irq);
	return c;
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t flags)
{
	unsigned long irq = heap_lock();
	void *obj = cache_alloc(c);

	heap_unlock(irq);
	if (obj && (flags & __GFP_ZERO))
		memset(obj, 0, c->size);
	return obj;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);
	enum heap_free_result r;
	unsigned long irq;

	if (!obj)
		return;
	irq = heap_lock();
	if (c->large) {
		long slot = page_aligned(obj) ? large_find(obj) : -1;

		r = slot < 0 ? HEAP_FREE_INVALID : HEAP_FREE_OK;
		if (slot >= 0) {
			large_free((size_t)slot);
			c->live--;
		}
	} else if (slab_of(obj)->magic == SLAB_MAGIC && slab_of(obj)->cache != c) {
		r = HEAP_FREE_INVALID;
	} else {
		r = slab_free(slab_of(obj), obj, IS_ENABLED(CONFIG_HEAP_POISON));
	}
	heap_unlock(irq);
	if (r == HEAP_FREE_DOUBLE)
		heap_report("kmem_cache_free: double free of", obj, caller);
	else if (r != HEAP_FREE_OK)
		heap_report("kmem_cache_free: object not from this cache:", obj, caller);
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long irq;

	if (!c)
		return;
	if (c->live) {
		heap_report("kmem_cache_destroy: objects still live in cache",
			    c, (unsigned long)__builtin_return_address(0));
		return;
	}
	irq = heap_lock();
	while (c->partial)
		slab_release(c, c->partial);
	heap_core_free(c);
	heap_unlock(irq);
}
