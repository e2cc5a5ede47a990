/*
 * Slab heap (CONFIG_HEAP_SLAB): sizes up to 4 KiB come from 16 size classes,
 * each a kmem_cache packing equal objects into 16 KiB slabs; larger sizes are
 * whole page blocks, remembered in a small hash table so kfree finds them.
 */
#include <lib/string.h>

#include "heap_core.h"
#include "slab_pages.h"

/*
 * Every slab is 2^SLAB_ORDER pages aligned to its size (the page source
 * guarantees that), so the slab header of any object is its address masked.
 */
#define SLAB_ORDER        2
#define SLAB_BYTES        (HEAP_PAGE_SIZE << SLAB_ORDER)
#define SLAB_MAGIC        0x51ab0c0du
#define KMALLOC_MAX_CLASS 4096
#define NR_CLASSES        16
#define CLASS_INDEX(size) (((size) + HEAP_ALIGN - 1) / HEAP_ALIGN)
#define RECIP_SHIFT       32            /* idx = off * recip >> 32, exact for off < 2^18 */

const char heap_core_name[] = "slab";

/*
 * Each cache allocates from one active slab, whose free objects sit on the
 * cache's own freelist (plus a never-used tail), so the fast paths touch the
 * cache and the object only. Other slabs keep their free objects on their
 * own list and an in-use count; full ones are on no list.
 */
struct slab {
	u32 magic;
	u32 inuse;                  /* while not active */
	struct kmem_cache *cache;
	void **free;                /* while not active: objects given back */
	char *fresh;                /* while not active: first never-used object */
	struct slab *next, *prev;   /* the cache's partial list */
};

#define SLAB_OBJS_OFFSET  ALIGN_UP(sizeof(struct slab), HEAP_ALIGN)

/*
 * A free object holds [next free][its own address ^ FREE_SALT]. kfree of an
 * object that carries the tag is a double free if the object is really on
 * its free list (checked by walking it, only then), so the fast path pays
 * one compare for double-free detection.
 */
#define FREE_SALT         0x5ab1e0f7ee0b1ec7ULL

struct kmem_cache {
	void **freelist;            /* free objects of the active slab */
	char *fresh, *fresh_end;    /* never-used tail of the active slab */
	struct slab *active;
	u32 size;                   /* object size, a multiple of HEAP_ALIGN */
	u32 recip;                  /* ceil(2^32 / size), to divide by multiplying */
	u32 per_slab;
	bool large;                 /* objects over 4 KiB: each is a page block */
	struct slab *partial;       /* inactive slabs with free objects */
	/*
	 * No live-object counter on the fast paths (it would chain every
	 * alloc to the free before it): cache_live() adds up slabs instead.
	 */
	size_t full;                /* slabs with every object live */
	size_t large_live;          /* live objects of a large cache */
	const char *name;
	struct kmem_cache *next_user;   /* kmem_cache_create()d caches, for the stats */
};

static const u16 class_sizes[NR_CLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096,
};

static struct kmem_cache kmalloc_caches[NR_CLASSES];
static u8 class_of[CLASS_INDEX(KMALLOC_MAX_CLASS) + 1];
static struct kmem_cache *user_caches;

/* --- slabs --- */

static struct slab *slab_of(const void *p)
{
	return (struct slab *)((uintptr_t)p & ~(uintptr_t)(SLAB_BYTES - 1));
}

static char *slab_objs(const struct slab *s)
{
	return (char *)s + SLAB_OBJS_OFFSET;
}

static u64 free_tag(const void *obj)
{
	return (u64)(uintptr_t)obj ^ FREE_SALT;
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
	return s;
}

static void slab_release(struct slab *s)
{
	s->magic = 0;
	pages_put(s, SLAB_ORDER);
}

/* The active slab is full: park it and activate a partial or new one. */
static bool cache_refill(struct kmem_cache *c)
{
	struct slab *s = c->partial;

	if (c->active) {
		c->full++;
		c->active->inuse = c->per_slab;
		c->active->free = NULL;
		c->active->fresh = c->fresh_end;
		c->active = NULL;
	}
	if (s)
		partial_del(c, s);
	else if (!(s = slab_new(c)))
		return false;
	c->active = s;
	c->freelist = s->free;
	c->fresh = s->fresh;
	c->fresh_end = slab_objs(s) + (size_t)c->per_slab * c->size;
	return true;
}

static __noinline void *cache_alloc_slow(struct kmem_cache *c)
{
	void **obj;

	if (c->large) {
		obj = large_alloc(c->size);
		c->large_live += obj != NULL;
		return obj;
	}
	if (!cache_refill(c))
		return NULL;
	obj = c->freelist;
	if (obj) {
		c->freelist = obj[0];
	} else {
		obj = (void **)c->fresh;
		c->fresh += c->size;
	}
	obj[1] = NULL;
	return obj;
}

static inline void *cache_alloc(struct kmem_cache *c)
{
	void **obj = c->freelist;

	if (likely(obj)) {
		c->freelist = obj[0];
	} else if (likely(c->fresh < c->fresh_end)) {
		obj = (void **)c->fresh;
		c->fresh += c->size;
	} else {
		return cache_alloc_slow(c);
	}
	obj[1] = NULL;                  /* no free tag, not even one left in reused pages */
	return obj;
}

static bool on_list(void *const *o, const void *p, u32 max)
{
	for (u32 n = 0; o && n < max; n++, o = o[0])
		if (o == p)
			return true;
	return false;
}

/* Whether p is an object of slab s that is live now. */
static inline enum heap_free_result slab_check(const struct slab *s, const void *p)
{
	const struct kmem_cache *c;
	bool active;
	size_t off;

	if (unlikely(s->magic != SLAB_MAGIC))
		return HEAP_FREE_INVALID;
	c = s->cache;
	active = s == c->active;
	if (unlikely((const char *)p < slab_objs(s) || (const char *)p >= (active ? c->fresh : s->fresh)))
		return HEAP_FREE_INVALID;
	off = (size_t)((const char *)p - slab_objs(s));
	if (unlikely((((u64)off * c->recip) >> RECIP_SHIFT) * c->size != off))
		return HEAP_FREE_INVALID;
	if (unlikely(((const u64 *)p)[1] == free_tag(p)) &&
	    on_list(active ? c->freelist : s->free, p, c->per_slab))
		return HEAP_FREE_DOUBLE;
	return HEAP_FREE_OK;
}

/* A free into a slab that is not active: its own list, and it may empty. */
static __noinline void slab_free_inactive(struct kmem_cache *c, struct slab *s, void **obj)
{
	obj[0] = s->free;
	s->free = obj;
	if (s->inuse-- == c->per_slab) {
		c->full--;
		partial_add(c, s);
	}
	/* One empty slab stays on the partial list, so a batch that spills over does not thrash. */
	if (s->inuse == 0 && (c->partial != s || s->next)) {
		partial_del(c, s);
		slab_release(s);
	}
}

static inline enum heap_free_result slab_free(struct slab *s, void *p, bool poison)
{
	enum heap_free_result r = slab_check(s, p);
	struct kmem_cache *c = s->cache;
	void **obj = p;

	if (unlikely(r != HEAP_FREE_OK))
		return r;
	if (poison)
		memset(p, 0x6b, c->size);
	obj[1] = (void *)(uintptr_t)free_tag(p);
	if (unlikely(s != c->active)) {
		slab_free_inactive(c, s, obj);
		return HEAP_FREE_OK;
	}
	obj[0] = c->freelist;
	c->freelist = obj;
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

	slab_pages_init(src);
	user_caches = NULL;
	for (unsigned int i = 0; i < NR_CLASSES; i++)
		cache_setup(&kmalloc_caches[i], "kmalloc", class_sizes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(class_of); i++) {
		while (class_sizes[cls] < i * HEAP_ALIGN)
			cls++;
		class_of[i] = (u8)cls;
	}
}

static inline void *slab_kmalloc(size_t size)
{
	if (unlikely(size > KMALLOC_MAX_CLASS))
		return large_alloc(size);
	return cache_alloc(&kmalloc_caches[class_of[CLASS_INDEX(size)]]);
}

void *heap_core_alloc(size_t size)
{
	return slab_kmalloc(size);
}

static bool page_aligned(const void *p)
{
	return ((uintptr_t)p & (HEAP_PAGE_SIZE - 1)) == 0;
}

static inline enum heap_free_result slab_kfree(void *p)
{
	/* Only large blocks and a few objects sit on a page boundary. */
	if (unlikely(page_aligned(p)) && large_free(p))
		return HEAP_FREE_OK;
	return slab_free(slab_of(p), p, false);
}

enum heap_free_result heap_core_free(void *p)
{
	return slab_kfree(p);
}

HEAP_DEFINE_KMALLOC(slab_kmalloc, slab_kfree)

size_t heap_core_usable_size(const void *p)
{
	size_t n;

	if (page_aligned(p) && (n = large_size(p)) != 0)
		return n;
	if (slab_check(slab_of(p), p) != HEAP_FREE_OK)
		return 0;
	return slab_of(p)->cache->size;
}

static size_t list_len(void *const *o)
{
	size_t n = 0;

	for (; o; o = o[0])
		n++;
	return n;
}

/* Live objects of c, counted from its slabs (slow; for stats and destroy). */
static size_t cache_live(const struct kmem_cache *c)
{
	size_t n = c->large_live + c->full * c->per_slab;

	for (const struct slab *s = c->partial; s; s = s->next)
		n += s->inuse;
	if (c->active)
		n += (size_t)(c->fresh - slab_objs(c->active)) / c->size - list_len(c->freelist);
	return n;
}

static size_t cache_bytes(const struct kmem_cache *c)
{
	return c->large ? 0 : cache_live(c) * c->size;  /* large objects are in large_bytes */
}

void heap_core_stats(struct heap_stats *st)
{
	size_t bytes = large_bytes();

	for (unsigned int i = 0; i < NR_CLASSES; i++)
		bytes += cache_bytes(&kmalloc_caches[i]);
	for (const struct kmem_cache *c = user_caches; c; c = c->next_user)
		bytes += cache_bytes(c);
	st->bytes_in_use = bytes;
	st->pages_held = slab_pages_held();
}

/* --- kmem_cache: the same caches kmalloc uses, for callers' own objects --- */

struct kmem_cache *kmem_cache_create(const char *name, size_t size)
{
	unsigned long irq = heap_lock();
	struct kmem_cache *c = heap_core_alloc(sizeof(*c));

	if (c) {
		cache_setup(c, name, size);
		c->next_user = user_caches;
		user_caches = c;
	}
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
		r = page_aligned(obj) && large_free(obj) ? HEAP_FREE_OK : HEAP_FREE_INVALID;
		if (r == HEAP_FREE_OK)
			c->large_live--;
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
	size_t live;

	if (!c)
		return;
	irq = heap_lock();
	live = cache_live(c);
	heap_unlock(irq);
	if (live) {
		heap_report("kmem_cache_destroy: objects still live in cache",
			    c, (unsigned long)__builtin_return_address(0));
		return;
	}
	irq = heap_lock();
	while (c->partial) {
		struct slab *s = c->partial;

		partial_del(c, s);
		slab_release(s);
	}
	if (c->active)
		slab_release(c->active);
	for (struct kmem_cache **pp = &user_caches; *pp; pp = &(*pp)->next_user)
		if (*pp == c) {
			*pp = c->next_user;
			break;
		}
	heap_core_free(c);
	heap_unlock(irq);
}
