/*
 * kmem_cache for the heaps without slabs (first-fit, bump): a cache is only
 * a name and a size, and each object is a kmalloc of that size. The count
 * of live objects lets kmem_cache_destroy refuse a cache still in use.
 */
#include <mm/heap.h>

#include "heap_core.h"

struct kmem_cache {
	const char *name;
	size_t size;
	size_t live;
};

struct kmem_cache *kmem_cache_create(const char *name, size_t size)
{
	struct kmem_cache *c = kmalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->name = name;
	c->size = size;
	c->live = 0;
	return c;
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t flags)
{
	void *obj = kmalloc(c->size, flags);

	if (obj) {
		unsigned long irq = heap_lock();

		c->live++;
		heap_unlock(irq);
	}
	return obj;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	unsigned long irq;

	if (!obj)
		return;
	kfree(obj);
	irq = heap_lock();
	if (c->live)            /* a double free was reported by kfree, not counted */
		c->live--;
	heap_unlock(irq);
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c)
		return;
	if (c->live) {
		heap_report("kmem_cache_destroy: objects still live in cache", c,
			    (unsigned long)__builtin_return_address(0));
		return;
	}
	kfree(c);
}
